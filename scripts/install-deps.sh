#!/usr/bin/env bash
# Installs the Debian 12 packages httpbench builds with; skips what is already there.
set -euo pipefail

packages=(cmake ninja-build ccache g++ pkg-config ca-certificates openssl
          libboost1.81-dev libboost-json1.81-dev libboost-url1.81-dev
          libssl-dev libnghttp2-dev libcli11-dev libfmt-dev googletest libgtest-dev libbenchmark-dev
          python3-yaml nghttp2-client curl
          chromium fonts-liberation
          tmux man-db groff-base bsdextrautils zsh fish dpkg-dev file)
# nghttp, h2load (nghttp2-client) and curl are HTTP/2 clients that are not httpbench: they check
# the test suite's hostile HTTP/2 peer (tests/test_hostile_h2_server.cpp) before httpbench is run
# against it, and drive the built-in server (tests/test_serve_http2.cpp).
# chromium (with a font) renders the HTML report in the browser test (HtmlReport.ChromiumRendersIt).
# tmux is the terminal of the live view's test (tests/check_live_view.py); man-db and groff render
# the manual page, zsh and fish load their completions, in tests/install/check_install.sh;
# dpkg-dev (dpkg-shlibdeps) and file let cpack find the .deb's Depends (tests/install/check_deb.sh).
# kubectl reads deploy/kubernetes/ in the tests; any kubectl will do, and Debian's conflicts with
# other packages of it, so Debian's only when there is none.
command -v kubectl >/dev/null || packages+=(kubernetes-client)
# nginx is the third-party https server of tests/test_nginx.cpp; any Debian nginx package will do.
[ -x /usr/sbin/nginx ] || packages+=(nginx-light)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

sudo=""
[ "$(id -u)" -ne 0 ] && sudo="sudo"
export DEBIAN_FRONTEND=noninteractive
# Debian starts the services it installs (nginx on port 80). The tests start their own servers, so
# none is started here: policy-rc.d answers "not allowed" during the install, unless one exists.
policy=/usr/sbin/policy-rc.d
if [ ! -e "$policy" ]; then
  printf '#!/bin/sh\nexit 101\n' | $sudo tee "$policy" >/dev/null
  $sudo chmod +x "$policy"
  trap '$sudo rm -f "$policy"' EXIT
fi
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
