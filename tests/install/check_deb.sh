#!/usr/bin/env bash
# Builds the .deb with cpack from a build folder and checks it: its control fields (Depends names
# the library packages, found by dpkg-shlibdeps), its files, and that the binary it holds runs.
#   tests/install/check_deb.sh BUILD_DIR
set -euo pipefail
# No `grep -q` at the end of a pipeline: it exits at its first match, the writer may then die of
# SIGPIPE, and pipefail fails the check (seen under load). grep ... >/dev/null reads everything.
build=$1
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

cpack -G DEB --config "$build/CPackConfig.cmake" -B "$out" >"$out/cpack.log" 2>&1 ||
  fail "cpack: $(cat "$out/cpack.log")"
debs=("$out"/httpbench_*.deb)
[ -f "${debs[0]}" ] || fail "no httpbench_*.deb in $(ls "$out")"
deb=${debs[0]}

info=$(dpkg-deb -I "$deb")
field() { dpkg-deb -f "$deb" "$1"; }
[ "$(field Package)" = httpbench ] || fail "Package: $(field Package)"
[ "$(field Architecture)" = "$(dpkg --print-architecture)" ] || fail "Architecture: $(field Architecture)"
field Version | grep -E '^[0-9]+\.[0-9]+\.[0-9]+' >/dev/null || fail "Version: $(field Version)"
depends=$(field Depends)
echo "Depends: $depends"
# The package names of Depends, one a line, without versions or alternatives' bars.
depends_names=$(sed 's/([^)]*)//g; s/[,|]/ /g' <<<"$depends" | tr -s ' ' '\n' | sed '/^$/d')
depends_on() { grep -qxF -- "$1" <<<"$depends_names"; }
# The libraries the binary links, by package: C and C++ runtimes, OpenSSL, fmt, Boost.JSON/URL.
for package in libc6 libstdc++6 libgcc-s1 libssl3 libfmt9 libboost-json1.81.0 libboost-url1.81.0; do
  depends_on "$package" || fail "Depends lacks $package: $depends"
done
# Every library package named is one this machine has installed: a real Debian 12 package.
for package in $depends_names; do
  dpkg-query -W "$package" >/dev/null 2>&1 || fail "Depends names $package, which is no installed package"
done
grep -q "Maintainer:" <<<"$info" || fail "no Maintainer"
grep -q "Description:" <<<"$info" || fail "no Description"

contents=$(dpkg-deb -c "$deb" | awk '{print $6}')
for path in ./usr/bin/httpbench ./usr/share/man/man1/httpbench.1 \
            ./usr/share/bash-completion/completions/httpbench \
            ./usr/share/zsh/vendor-completions/_httpbench \
            ./usr/share/fish/vendor_completions.d/httpbench.fish; do
  grep -qx -- "$path" <<<"$contents" || fail "the .deb lacks $path: $contents"
done
# Nothing but the binary, its page and completions: no headers, no static library, no tests.
unexpected=$(grep -vE '/$|^./usr/bin/httpbench$|^./usr/share/(man|bash-completion|zsh|fish)/' <<<"$contents" || true)
[ -z "$unexpected" ] || fail "unexpected files in the .deb: $unexpected"

# The packaged binary runs (unpacked, not installed: the test changes nothing on the machine).
dpkg-deb -x "$deb" "$out/root"
"$out/root/usr/bin/httpbench" --version | grep '^httpbench ' >/dev/null || fail "the packaged binary does not run"
# Every shared library the binary links is in a package that Depends names (dpkg -S over ldd).
for lib in $(ldd "$out/root/usr/bin/httpbench" | awk '/=> \// {print $3}'); do
  real=$(readlink -f "$lib")
  owner=$(dpkg -S "$real" 2>/dev/null || dpkg -S "${real#/usr}" 2>/dev/null ||
          dpkg -S "/usr$real" 2>/dev/null) || fail "no package owns $lib"
  package=${owner%%:*}
  depends_on "$package" || fail "Depends lacks $package (for $lib)"
done
# Stripped (CPACK_STRIP_FILES): no debug sections.
if readelf -S "$out/root/usr/bin/httpbench" | grep '\.debug_info' >/dev/null; then
  fail "the packaged binary is not stripped"
fi
echo "$(basename "$deb"): $(dpkg-deb -c "$deb" | grep -vc '/$') files"
