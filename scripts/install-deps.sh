#!/usr/bin/env bash
# Installs the Debian 12 packages httpbench builds with; skips what is already there.
set -euo pipefail

packages=(cmake ninja-build ccache g++ pkg-config ca-certificates openssl
          libboost1.81-dev libboost-json1.81-dev libboost-url1.81-dev
          libssl-dev libcli11-dev libfmt-dev googletest libgtest-dev)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

sudo=""
[ "$(id -u)" -ne 0 ] && sudo="sudo"
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
