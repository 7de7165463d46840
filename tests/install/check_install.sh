#!/usr/bin/env bash
# Installs the build to a temporary prefix and checks what a user gets: the binary, the manual
# page (rendered by man, with every option the help lists) and the bash, zsh and fish completions
# (loaded by each shell and asked to complete).
#   tests/install/check_install.sh BUILD_DIR
set -euo pipefail
# No `grep -q` at the end of a pipeline: it exits at its first match, the writer may then die of
# SIGPIPE, and pipefail fails the check (seen under load). grep ... >/dev/null reads everything.
build=$1
prefix=$(mktemp -d)
trap 'rm -rf "$prefix"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

cmake --install "$build" --prefix "$prefix" >/dev/null
bin=$prefix/bin/httpbench
page=$prefix/share/man/man1/httpbench.1
bash_completion=$prefix/share/bash-completion/completions/httpbench
zsh_completion=$prefix/share/zsh/vendor-completions/_httpbench
fish_completion=$prefix/share/fish/vendor_completions.d/httpbench.fish
for f in "$bin" "$page" "$bash_completion" "$zsh_completion" "$fish_completion"; do
  [ -s "$f" ] || fail "not installed: ${f#"$prefix"/}"
done
"$bin" --version | grep '^httpbench ' >/dev/null || fail "the installed binary does not run"

# Every option spelling of the help, of the program and of each command.
options=$( { "$bin" --help; for c in serve demo merge completions man; do "$bin" help $c; done; } |
           grep -oE -- '(^|[ ,])--?[a-zA-Z][a-zA-Z0-9.-]*' | sed 's/^[ ,]//; s/[.]*$//' | sort -u)
[ "$(echo "$options" | wc -l)" -gt 60 ] || fail "too few options found in --help: $options"

# man renders the page; ASCII so that \- stays a plain hyphen, wide so that no name is broken.
rendered=$(LC_ALL=C MANWIDTH=200 man -l "$page" 2>"$prefix/man.err" | col -b)
[ -s "$prefix/man.err" ] && fail "man warned: $(cat "$prefix/man.err")"
for section in NAME SYNOPSIS DESCRIPTION OPTIONS COMMANDS EXAMPLES "EXIT STATUS" ENVIRONMENT; do
  grep -q "^$section" <<<"$rendered" || fail "man page has no $section section"
done
for o in $options; do
  grep -qF -- "$o" <<<"$rendered" || fail "man page does not show $o"
done
# groff's own check of the source: no warnings.
warnings=$(groff -man -ww -z "$page" 2>&1 || true)
[ -z "$warnings" ] || fail "groff warnings: $warnings"

# bash: load the script and ask the completion function, as bash would on TAB.
bash_complete() {
  bash --norc --noprofile -c '
    source "$1"; shift
    COMP_WORDS=("$@"); COMP_CWORD=$(( $# - 1 )); COMPREPLY=()
    _httpbench httpbench "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD-1]}"
    printf "%s\n" "${COMPREPLY[@]}"' _ "$bash_completion" "$@"
}
[ "$(bash_complete httpbench --req)" = "--requests" ] || fail "bash: --req does not complete"
[ "$(bash_complete httpbench --mode '' | sort | tr '\n' ' ')" = "async compare sync threads " ] ||
  fail "bash: --mode does not offer the modes"
bash_complete httpbench se | grep -x serve >/dev/null || fail "bash: se does not complete to serve"
bash_complete httpbench serve --max | grep -x -- --max-concurrent >/dev/null ||
  fail "bash: serve --max does not complete"
bash_complete httpbench completions '' | grep -x zsh >/dev/null || fail "bash: completions offers no shells"
for o in $("$bin" --help | sed '/^Examples:/,$d' | grep -oE -- '--[a-zA-Z0-9][a-zA-Z0-9.-]*' | sort -u); do
  bash_complete httpbench "$o" | grep -x -- "$o" >/dev/null || fail "bash does not complete $o"
done

# zsh: the script parses, declares itself for httpbench and lists every option of the help.
if command -v zsh >/dev/null; then
  zsh -n "$zsh_completion" || fail "zsh: syntax error"
  head -1 "$zsh_completion" | grep -x '#compdef httpbench' >/dev/null || fail "zsh: no #compdef line"
  for o in $options; do
    grep -qF -- "$o" "$zsh_completion" || fail "zsh completion lacks $o"
  done
  # Loaded by compinit from its directory, the function is found for the command.
  out=$(ZDOTDIR=$prefix zsh -f -c "fpath=('${zsh_completion%/*}' \$fpath); autoload -Uz compinit; compinit -u -d '$prefix/zcompdump'; print -r -- \$_comps[httpbench]")
  [ "$out" = "_httpbench" ] || fail "zsh: compinit does not bind _httpbench (got '$out')"
else
  echo "zsh not installed: zsh checked by text only" >&2
  for o in $options; do grep -qF -- "$o" "$zsh_completion" || fail "zsh completion lacks $o"; done
fi

# fish: load the script and ask fish to complete.
if command -v fish >/dev/null; then
  fish --no-config -n "$fish_completion" || fail "fish: syntax error"
  fish_complete() { fish --no-config -c "source '$fish_completion'; complete -C '$1'" | cut -f1; }
  fish_complete 'httpbench --req' | grep -x -- --requests >/dev/null || fail "fish: --req does not complete"
  fish_complete 'httpbench --mode ' | grep -x compare >/dev/null || fail "fish: --mode offers no modes"
  fish_complete 'httpbench serve --max' | grep -x -- --max-concurrent >/dev/null ||
    fail "fish: serve --max does not complete"
  fish_complete 'httpbench ' | grep -x merge >/dev/null || fail "fish: commands are not offered"
else
  echo "fish not installed: fish checked by text only" >&2
fi
for o in $options; do
  case $o in
    -?) grep -qE -- "-s ${o#-}( |$)" "$fish_completion" ;;
    *) grep -qE -- "-l ${o#--}( |$)" "$fish_completion" ;;
  esac || fail "fish completion lacks $o"
done
echo "installed to a temporary prefix: binary, man page with $(echo "$options" | wc -l) options, completions for bash, zsh and fish"
