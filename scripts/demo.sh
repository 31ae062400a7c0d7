#!/usr/bin/env bash
# A first look at a running Coxswain (after scripts/infra.sh start and scripts/platform.sh start):
# runs two jobs on every node through the CLI, then prints what to try next.
#
# Usage: [RUN_DIR=.run] [BIN_DIR=.build/debug] scripts/demo.sh
set -euo pipefail
# shellcheck source=scripts/lib.sh source-path=SCRIPTDIR/..
. "$(dirname -- "${BASH_SOURCE[0]}")/lib.sh"
LOG_TAG=demo

RUN_DIR=$(abspath "${RUN_DIR:-$REPO/.run}")
BIN_DIR=$(abspath "${BIN_DIR:-$REPO/.build/debug}")
SOCK=$RUN_DIR/coxswain.sock
[[ -x $BIN_DIR/coxswain ]] || die "$BIN_DIR/coxswain not found: build first (swift build)"
[[ -S $SOCK ]] || die "no gateway socket at $SOCK: start the platform first (make run)"

demo() {
  local a line='$ coxswain'
  for a in "$@"; do
    if [[ $a =~ ^[A-Za-z0-9_./:=@,+-]+$ ]]; then line+=" $a"
    elif [[ $a != *"'"* ]]; then line+=" '$a'"
    else line+=" $(printf %q "$a")"; fi
  done
  printf '\n%s\n' "$line"
  COXSWAIN_SOCKET=$SOCK "$BIN_DIR/coxswain" "$@"
}
demo exec --verb RUN 'uname -a' --wait
demo exec --verb ECHO hello --wait
demo manage --list-nodes
# The nodes drive the container engine that scripts/engine.sh started (Podman's Docker API).
demo image list --node node-a

# A team registry: the local docker-registry that scripts/engine.sh started (htpasswd auth, plain
# HTTP on loopback). Its password goes in through the environment, never the command line.
if [[ -r $RUN_DIR/engine.env ]]; then
  # shellcheck source=/dev/null
  . "$RUN_DIR/engine.env"
  export COXSWAIN_REGISTRY_PASSWORD
  if COXSWAIN_SOCKET=$SOCK "$BIN_DIR/coxswain" registry show local > /dev/null 2>&1; then
    demo registry update local --server "$COXSWAIN_REGISTRY_URL" --username "$COXSWAIN_REGISTRY_USER"
  else
    demo registry add local --kind v2 --server "$COXSWAIN_REGISTRY_URL" --plain-http --username "$COXSWAIN_REGISTRY_USER"
  fi
  unset COXSWAIN_REGISTRY_PASSWORD
  demo registry check local
  demo registry browse local demo/httpd
  # Pull through the registry (its credentials sealed to the node) and start a web server on node-a.
  DEMO_WEB_PORT=${DEMO_WEB_PORT:-25580}
  COXSWAIN_SOCKET=$SOCK "$BIN_DIR/coxswain" container remove --prefix demo --force --node node-a > /dev/null 2>&1 || true
  demo container run demo/httpd:1 --registry local --prefix demo --name web --publish "127.0.0.1:$DEMO_WEB_PORT:8080" --node node-a
  printf '\n$ curl http://127.0.0.1:%s/\n' "$DEMO_WEB_PORT"
  curl -sS --max-time 5 --retry 10 --retry-connrefused --retry-delay 0 "http://127.0.0.1:$DEMO_WEB_PORT/" || die "the demo container does not answer on 127.0.0.1:$DEMO_WEB_PORT"
fi
demo container list --all --node node-a

if [[ $(command -v coxswain || true) == /usr/local/bin/coxswain ]] || [[ $(command -v coxswain || true) == "$REPO/.run/bin/coxswain" ]]; then
  path_hint="coxswain is on your PATH ($(command -v coxswain))."
elif [[ -x $REPO/.run/bin/coxswain ]]; then
  path_hint="Put coxswain on your PATH:  export PATH=\"$REPO/.run/bin:\$PATH\""
else
  path_hint="Put coxswain on your PATH:  scripts/install-cli.sh"
fi

cat <<TXT

Coxswain is running: gateway on $SOCK and http://127.0.0.1:${HTTP_PORT:-28080}, nodes node-a and node-b.
$path_hint

What next:
  coxswain manage --list-nodes                          # the nodes and their status
  coxswain exec --verb RUN 'uname -a' --wait            # run a command on every node
  coxswain exec --verb RUN hostname --target node-a --wait
  coxswain exec --verb ECHO hello --wait --output json
  coxswain manage --list-jobs                           # recent jobs; details: coxswain manage --job-info last
  coxswain container list --all; coxswain image list    # containers and images on the nodes' engine
  coxswain registry browse local demo/httpd:1           # a tag's digest, date, platforms and labels
  coxswain container logs demo-web --node node-a; coxswain container remove --prefix demo --force
  make status    # what runs          make logs    # follow the service logs
  make stop      # stop everything    make test    # the test suite (own ports, runs beside this)
TXT
