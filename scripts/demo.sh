#!/usr/bin/env bash
# A first look at a running Coxswain (after scripts/infra.sh start and scripts/platform.sh start):
# runs two jobs on every node through the CLI; with the engine of scripts/engine.sh, adds its
# registry as the team registry `local`, applies examples/shop.yaml and deploys product shop on
# node-a under the prefix demo (web answers on 127.0.0.1:$DEMO_WEB_PORT); then prints what to try
# next. Re-runnable: an earlier run's product and deployment are reused.
#
# Usage: [RUN_DIR=.run] [BIN_DIR=.build/debug] [DEMO_WEB_PORT=25580] scripts/demo.sh
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
  cx "$@"
}
cx() { COXSWAIN_SOCKET=$SOCK "$BIN_DIR/coxswain" "$@"; }
# shop_deployment: "ID STATUS" of the newest deployment of shop on node-a under the prefix demo, or nothing.
shop_deployment() {
  cx deployment list --product shop --node node-a --output json | python3 -c '
import json, sys
mine = sorted((d for d in json.load(sys.stdin) if d["prefix"] == "demo"), key=lambda d: d["createdAt"])
if mine:
    print(mine[-1]["id"], mine[-1]["status"])'
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
  if cx registry show local > /dev/null 2>&1; then
    demo registry update local --server "$COXSWAIN_REGISTRY_URL" --username "$COXSWAIN_REGISTRY_USER"
  else
    demo registry add local --kind v2 --server "$COXSWAIN_REGISTRY_URL" --plain-http --username "$COXSWAIN_REGISTRY_USER"
  fi
  unset COXSWAIN_REGISTRY_PASSWORD
  demo registry check local
  demo registry browse local demo/httpd
  # The product flow: examples/shop.yaml applied (idempotent: a second apply changes nothing), a
  # deployment of its default version 1.0 on node-a under the prefix demo, deployed while the node
  # reports each step (pulled through the registry, its credentials sealed to the node); then its
  # web instance answers. Re-runnable: the deployment of an earlier run is reused.
  DEMO_WEB_PORT=${DEMO_WEB_PORT:-25580}
  (cd "$REPO" && demo apply -f examples/shop.yaml)
  # web's port on loopback, as web's instance layer: the deployment layer (--config-file) would
  # publish it for the sidecar as well.
  mkdir -p "$RUN_DIR/demo"
  web_layer=$RUN_DIR/demo/shop-web.yaml
  printf '# Written by scripts/demo.sh: the instance layer of web in the demo deployment.\nports: [{internal: 8080, external: %s, hostIP: 127.0.0.1}]\n' \
    "$DEMO_WEB_PORT" > "$web_layer"
  expected="hello from 1.0"
  answer() { curl -sS --max-time 5 "$@" "http://127.0.0.1:$DEMO_WEB_PORT/"; }
  found=$(shop_deployment) || die "cannot list the deployments of shop"
  read -r demo_id demo_status <<< "$found" || true
  if [[ ${demo_status:-} == successful ]] && [[ $(answer 2> /dev/null) == "$expected" ]]; then
    printf '\ndeployment %s (shop 1.0 on node-a, prefix demo) is deployed and answers: nothing to deploy\n' "$demo_id"
    demo deployment show "${demo_id:0:8}"
  else
    # Containers left under the prefix (the old demo's demo-web, or a deployment's after a failure) go first.
    cx container remove --prefix demo --force --node node-a > /dev/null 2>&1 || true
    case ${demo_status:-} in
      '') ;;
      preparing | failed) demo deployment update "${demo_id:0:8}" --instance-config "web=$web_layer" ;;
      in_progress) die "deployment $demo_id is being rolled out: wait for it (coxswain deployment events ${demo_id:0:8}), then run the demo again" ;;
      *)
        # Deployed before, its containers gone since (make stop removes them): a deployment of an
        # incremental version is deployed once, so it makes way for a new one.
        demo deployment remove "${demo_id:0:8}"
        demo_id=
        ;;
    esac
    if [[ -z ${demo_id:-} ]]; then
      demo deployment create shop --node node-a --prefix demo --instance-config "web=$web_layer" --note 'make run demo'
      found=$(shop_deployment) || die "cannot list the deployments of shop"
      read -r demo_id demo_status <<< "$found" || die "the demo deployment was not created"
    fi
    demo deployment deploy "${demo_id:0:8}" --stream || die "deployment $demo_id failed: coxswain deployment events ${demo_id:0:8}"
  fi
  printf '\n$ curl http://127.0.0.1:%s/\n' "$DEMO_WEB_PORT"
  got=$(answer --retry 10 --retry-connrefused --retry-delay 0) || die "the demo deployment does not answer on 127.0.0.1:$DEMO_WEB_PORT"
  printf '%s\n' "$got"
  [[ $got == "$expected" ]] || die "the demo deployment answered '$got', not '$expected'"
fi
demo container list --all --node node-a

if [[ $(command -v coxswain || true) == /usr/local/bin/coxswain ]] || [[ $(command -v coxswain || true) == "$REPO/.run/bin/coxswain" ]]; then
  path_hint="coxswain is on your PATH ($(command -v coxswain))."
elif [[ -x $REPO/.run/bin/coxswain ]]; then
  path_hint="Put coxswain on your PATH:  export PATH=\"$REPO/.run/bin:\$PATH\""
else
  path_hint="Put coxswain on your PATH:  scripts/install-cli.sh"
fi

# The HTTP port serves HTTPS with the self-signed certificate scripts/platform.sh made.
if [[ -s $RUN_DIR/tls/gateway.crt ]]; then
  gateway_url=https://127.0.0.1:${HTTP_PORT:-28080}
  tls_hint="Over HTTPS:  export COXSWAIN_CA_FILE=$RUN_DIR/tls/gateway.crt; coxswain login --url $gateway_url --user NAME"
else
  gateway_url=http://127.0.0.1:${HTTP_PORT:-28080}
  tls_hint="Over HTTP (loopback only):  coxswain login --url $gateway_url --user NAME"
fi

# The web UI's first login: a user `admin` (role admin in team default) with a random password, made
# once by the first run; the password is printed then and kept in $RUN_DIR/ui-admin-password (mode 0600).
ui_pw_file=$RUN_DIR/ui-admin-password
if ! cx user list --output json | python3 -c '
import json, sys
sys.exit(0 if any(u["name"] == "admin" for u in json.load(sys.stdin)) else 1)'; then
  ui_pw=$(head -c 18 /dev/urandom | base64 | tr '+/' '-_')
  (umask 077 && printf '%s\n' "$ui_pw" > "$ui_pw_file")
  printf '%s\n' "$ui_pw" | cx user create admin --role admin --password-stdin > /dev/null
  ui_hint="Web UI: $gateway_url/ui/  first login: admin / $ui_pw  (kept in $ui_pw_file; change it: coxswain user passwd)"
elif [[ -s $ui_pw_file ]]; then
  ui_hint="Web UI: $gateway_url/ui/  user admin, its first password in $ui_pw_file"
else
  ui_hint="Web UI: $gateway_url/ui/  (sign in as a user of team default)"
fi

short=${demo_id:-ID}
short=${short:0:8}

cat <<TXT

Coxswain is running: gateway on $SOCK and $gateway_url, nodes node-a and node-b.
$path_hint
$tls_hint
$ui_hint

What next:
  coxswain manage --list-nodes                          # the nodes and their status
  coxswain exec --verb RUN 'uname -a' --wait            # run a command on every node
  coxswain exec --verb RUN hostname --target node-a --wait
  coxswain exec --verb ECHO hello --wait --output json
  coxswain manage --list-jobs                           # recent jobs; details: coxswain manage --job-info last
  coxswain container list --all; coxswain image list    # containers and images on the nodes' engine
  coxswain registry browse local demo/httpd:1           # a tag's digest, date, platforms and labels
  coxswain product show shop; coxswain deployment list  # the demo's product (examples/shop.yaml), its deployments
  coxswain deployment show $short --effective         # each instance's configuration, each value with its layer
  coxswain deployment events $short; coxswain deployment containers $short
  coxswain container logs demo-web --node node-a        # the web instance's output
  coxswain deployment remove $short                   # the deployment and its containers
  make status    # what runs          make logs    # follow the service logs
  make stop      # stop everything    make test    # the test suite (own ports, runs beside this)
TXT
