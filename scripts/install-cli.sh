#!/usr/bin/env bash
# Put a `coxswain` command on PATH: a small wrapper that runs $REPO/.build/debug/coxswain with
# COXSWAIN_DEFAULT_SOCKET (used when no --socket, --url, COXSWAIN_SOCKET, COXSWAIN_URL or saved login applies) set to $REPO/.run/coxswain.sock (the socket of `make run`).
# Writes /usr/local/bin/coxswain when that directory is writable, else $REPO/.run/bin/coxswain
# (and prints the `export PATH=...` line to use). Idempotent; never replaces a foreign file.
#
# Usage: scripts/install-cli.sh
set -euo pipefail
# shellcheck source=scripts/lib.sh source-path=SCRIPTDIR/..
. "$(dirname -- "${BASH_SOURCE[0]}")/lib.sh"
LOG_TAG=install-cli

MARK="# coxswain CLI wrapper (written by scripts/install-cli.sh)"
wrapper() {
  cat <<SH
#!/bin/sh
$MARK
: "\${COXSWAIN_DEFAULT_SOCKET:=$REPO/.run/coxswain.sock}"
export COXSWAIN_DEFAULT_SOCKET
exec "$REPO/.build/debug/coxswain" "\$@"
SH
}

# install_to DIR: write DIR/coxswain unless a different, foreign file is already there.
install_to() {
  local target=$1/coxswain
  if [[ -e $target ]] && ! grep -qxF "$MARK" "$target" 2> /dev/null; then
    warn "$target exists and was not written by this script; leaving it alone"
    return 1
  fi
  if [[ -f $target ]] && [[ $(cat "$target") == "$(wrapper)" ]]; then
    log "$target is up to date"
    return 0
  fi
  { wrapper > "$target.tmp.$$" && chmod 755 "$target.tmp.$$" && mv -f "$target.tmp.$$" "$target"; } || {
    rm -f "$target.tmp.$$"
    return 1
  }
  log "wrote $target"
}

if [[ -d /usr/local/bin && -w /usr/local/bin ]] && install_to /usr/local/bin; then
  exit 0
fi
mkdir -p "$REPO/.run/bin"
install_to "$REPO/.run/bin"
case ":$PATH:" in
  *":$REPO/.run/bin:"*) ;;
  *) echo "export PATH=\"$REPO/.run/bin:\$PATH\"" ;;
esac
