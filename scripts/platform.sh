#!/usr/bin/env bash
# The Coxswain services on top of scripts/infra.sh: gateway, scheduler, audit, bootstrapper and deployers,
# each in the background with its log in $RUN_DIR/logs/NAME.log and PID in $RUN_DIR/pids/NAME.pid.
#
# Usage: [RUN_DIR=DIR (default .run)] [BIN_DIR=.build/debug] [HTTP_PORT=28080] [GATEWAY_TLS=1] scripts/platform.sh COMMAND [ARGS...]
#   start                       start gateway (HTTPS on HTTP_PORT with a self-signed pair in $RUN_DIR/tls
#                               unless GATEWAY_TLS=0), scheduler, audit, bootstrapper, deployers node-a and node-b
#                               (those already running are left alone); wait until the gateway
#                               is ready and both nodes are online
#   stop                        stop deployers first, then gateway, scheduler, audit, bootstrapper
#   status                      which services run
#   start-deployers N PREFIX    start N more deployers PREFIX-1..PREFIX-N, wait until online
#   stop-deployers PREFIX       stop the deployers PREFIX-*
# Needs $RUN_DIR/infra.env (written by scripts/infra.sh start).
# Env: WAIT_TIMEOUT (default 60 s; start-deployers waits at least 2 s per deployer).
# The CLI trusts the gateway's certificate with --ca-file $RUN_DIR/tls/gateway.crt (or COXSWAIN_CA_FILE).
set -euo pipefail
# shellcheck source=scripts/lib.sh source-path=SCRIPTDIR/..
. "$(dirname -- "${BASH_SOURCE[0]}")/lib.sh"
LOG_TAG=platform

usage() { sed -n '2,16s/^# \{0,1\}//p' "${BASH_SOURCE[0]}" >&2; exit "${1:-2}"; }

[[ $# -ge 1 ]] || usage
CMD=$1
shift
[[ $CMD == -h || $CMD == --help || $CMD == help ]] && usage 0
RUN_DIR=${RUN_DIR:-$REPO/.run}   # default: the run dir of `make run`
RUN_DIR=$(abspath "$RUN_DIR")
BIN_DIR=$(abspath "${BIN_DIR:-$REPO/.build/debug}")
HTTP_PORT=${HTTP_PORT:-28080}
GATEWAY_TLS=${GATEWAY_TLS:-1}
TLS_DIR=$RUN_DIR/tls
WAIT_TIMEOUT=${WAIT_TIMEOUT:-60}
PIDS=$RUN_DIR/pids
LOGS=$RUN_DIR/logs
SOCK=$RUN_DIR/coxswain.sock
CENTRAL=(gateway scheduler audit bootstrapper)
DEFAULT_NODES=(node-a node-b)

load_infra_env() {
  [[ -s $RUN_DIR/infra.env ]] || die "$RUN_DIR/infra.env is missing: start the infrastructure first (RUN_DIR=$RUN_DIR scripts/infra.sh start)"
  # shellcheck source=/dev/null
  . "$RUN_DIR/infra.env"
  local b
  for b in coxswain coxswain-gateway coxswain-scheduler coxswain-audit coxswain-bootstrapper coxswain-deployer; do
    [[ -x $BIN_DIR/$b ]] || die "$BIN_DIR/$b not found: build first (swift build)"
  done
}

# start_service NAME CMD [ARGS...]: start unless its pidfile names a live process.
STARTED=()
start_service() {
  local name=$1 pid
  shift
  if pid=$(running "$PIDS/$name.pid"); then
    log "$name already running (pid $pid)"
    return 0
  fi
  run_bg "$PIDS/$name.pid" "$LOGS/$name.log" "$@"
  STARTED+=("$name")
}

# A Deployer runs on a node: it gets none of the central secrets (database URL, admin broker URL,
# management URL, master key) that infra.env exports. Its own broker user comes from enrolment.
NODE_ENV=(env -u COXSWAIN_DATABASE_URL -u COXSWAIN_AMQP_URL -u COXSWAIN_AMQP_MANAGEMENT_URL -u COXSWAIN_SECURITY_MASTER_KEY
  -u PG_PASSWORD -u AMQP_PASSWORD -u COXSWAIN_REGISTRY_PASSWORD)
# The nodes drive the container engine of scripts/engine.sh when it runs (make run starts it).
if [[ -s $RUN_DIR/engine.env ]]; then
  # shellcheck source=/dev/null
  . "$RUN_DIR/engine.env"
  NODE_ENV+=("COXSWAIN_DEPLOYER_CONTAINER_SOCKET=${COXSWAIN_ENGINE_SOCKET:-}")
fi

# start_deployer NODE_NAME: a node that never enrolled is first added through the gateway's socket
# (`coxswain node add`), and its agent starts once with the one-time enrolment token.
start_deployer() {
  local node=$1 dir=$RUN_DIR/nodes/$1 token
  install -d -m 0700 "$dir"
  if [[ -s $dir/credentials.json ]] || running "$PIDS/deployer-$node.pid" > /dev/null; then
    # The gateway is also where an enrolled agent fetches ADD/COPY artifacts.
    start_service "deployer-$node" "${NODE_ENV[@]}" "$BIN_DIR/coxswain-deployer" --node-name "$node" --state-dir "$dir" --gateway-url "unix://$SOCK"
    return
  fi
  # A pending node left by an interrupted start is replaced.
  COXSWAIN_SOCKET=$SOCK "$BIN_DIR/coxswain" node remove "$node" > /dev/null 2>&1 || true
  token=$(COXSWAIN_SOCKET=$SOCK "$BIN_DIR/coxswain" node add "$node" --output json |
    python3 -c 'import json,sys; print(json.load(sys.stdin)["enrolmentToken"])') || die "cannot add node $node"
  # The token goes through the environment: never on a command line (ps) or in a log.
  COXSWAIN_DEPLOYER_ENROL_TOKEN=$token start_service "deployer-$node" "${NODE_ENV[@]}" "$BIN_DIR/coxswain-deployer" --node-name "$node" \
    --state-dir "$dir" --gateway-url "unix://$SOCK"
}

# ensure_tls: a self-signed certificate for localhost and 127.0.0.1 and its key in $TLS_DIR, made
# once and kept while valid for at least another day (idempotent). The key is 0600.
ensure_tls() {
  local crt=$TLS_DIR/gateway.crt key=$TLS_DIR/gateway.key
  if [[ -s $crt && -s $key ]] && openssl x509 -in "$crt" -noout -checkend 86400 > /dev/null 2>&1; then
    return 0
  fi
  command -v openssl > /dev/null || die "openssl is needed for the gateway's certificate (apt-get install openssl), or set GATEWAY_TLS=0"
  install -d -m 0700 "$TLS_DIR"
  (
    umask 077
    openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 365 -subj "/CN=localhost" \
      -addext "subjectAltName=DNS:localhost,IP:127.0.0.1" -keyout "$key.tmp" -out "$crt.tmp" 2> /dev/null
  ) || die "openssl could not make the gateway's certificate"
  mv -f "$key.tmp" "$key"
  mv -f "$crt.tmp" "$crt"
  chmod 0600 "$key"
  chmod 0644 "$crt"
  log "made a self-signed certificate for the gateway: $crt"
}

# Fail fast when a service we just started died; print its log.
check_started_alive() {
  local name
  for name in "${STARTED[@]}"; do
    if ! alive "$(cat "$PIDS/$name.pid" 2> /dev/null)"; then
      tail_logs "$LOGS/$name.log"
      die "$name exited during start-up (log: $LOGS/$name.log)"
    fi
  done
}

fail_with_logs() {
  local f
  for f in "$LOGS"/*.log; do tail_logs "$f"; done
  die "$*"
}

gateway_ready() { curl -sf -o /dev/null --max-time 2 --unix-socket "$SOCK" http://localhost/v1/ready; }

# wait_online TIMEOUT_S WHAT COUNT MODE [ARGS...]: until online_nodes >= COUNT.
wait_online() {
  local timeout=$1 what=$2 want=$3 n=0
  shift 3
  local deadline=$((SECONDS + timeout))
  while :; do
    check_started_alive
    n=$(online_nodes "$BIN_DIR" "$SOCK" "$@")
    (( n >= want )) && return 0
    (( SECONDS < deadline )) || fail_with_logs "only $n of $want $what online after ${timeout}s"
    sleep 0.5
  done
}

cmd_start() {
  local t0=$EPOCHREALTIME pid
  load_infra_env
  mkdir -p "$PIDS" "$LOGS"
  install -d -m 0700 "$RUN_DIR/nodes"
  if ! pid=$(running "$PIDS/gateway.pid"); then
    rm -f "$SOCK"   # stale socket from a crashed gateway
    if port_open 127.0.0.1 "$HTTP_PORT"; then
      die "HTTP port $HTTP_PORT is already in use (pid $(port_owner_pid "$HTTP_PORT")); set HTTP_PORT"
    fi
  fi
  local tls_args=() scheme=http
  if [[ $GATEWAY_TLS == 1 ]]; then
    ensure_tls
    tls_args=(--tls-certificate "$TLS_DIR/gateway.crt" --tls-key "$TLS_DIR/gateway.key")
    scheme=https
  fi
  start_service gateway "$BIN_DIR/coxswain-gateway" --socket-path "$SOCK" --http-port "$HTTP_PORT" "${tls_args[@]}"
  start_service scheduler "$BIN_DIR/coxswain-scheduler"
  start_service audit "$BIN_DIR/coxswain-audit"
  start_service bootstrapper "$BIN_DIR/coxswain-bootstrapper"

  local deadline=$((SECONDS + WAIT_TIMEOUT))
  until gateway_ready; do
    check_started_alive
    (( SECONDS < deadline )) || fail_with_logs "gateway not ready on $SOCK after ${WAIT_TIMEOUT}s"
    sleep 0.2
  done
  log "gateway ready ($(elapsed_since "$t0") s)"
  local node
  for node in "${DEFAULT_NODES[@]}"; do start_deployer "$node"; done
  wait_online $((deadline - SECONDS > 1 ? deadline - SECONDS : 1)) nodes "${#DEFAULT_NODES[@]}" names "${DEFAULT_NODES[@]}"
  log "platform ready in $(elapsed_since "$t0") s: nodes ${DEFAULT_NODES[*]} online; socket $SOCK, $scheme://127.0.0.1:$HTTP_PORT"
  log "web UI: $scheme://127.0.0.1:$HTTP_PORT/ui/"
}

# stop_files PIDFILE...: SIGTERM all in parallel, KILL after 10 s, remove the pidfiles.
stop_files() {
  local f name pid waits=()
  for f in "$@"; do
    [[ -e $f ]] || continue
    name=$(basename -- "$f" .pid)
    if pid=$(running "$f"); then
      log "stopping $name (pid $pid)"
      stop_pid "$f" TERM 10 &
      waits+=("$!")
    else
      rm -f -- "$f" "$f.start"
    fi
  done
  (( ${#waits[@]} == 0 )) || wait "${waits[@]}"
}

cmd_stop() {
  local t0=$EPOCHREALTIME
  [[ -d $PIDS ]] || { log "nothing to stop"; return 0; }
  stop_files "$PIDS"/deployer-*.pid
  # The nodes' port proxies (deployments' published ports) outlive their agents by design.
  stop_files "$RUN_DIR"/nodes/*/proxy/proxy.pid
  stop_files "$PIDS/gateway.pid" "$PIDS/scheduler.pid" "$PIDS/audit.pid" "$PIDS/bootstrapper.pid"
  log "platform stopped in $(elapsed_since "$t0") s"
}

cmd_status() {
  local f name pid
  echo "platform in $RUN_DIR"
  for f in "$PIDS/gateway.pid" "$PIDS/scheduler.pid" "$PIDS/audit.pid" "$PIDS/bootstrapper.pid" "$PIDS"/deployer-*.pid; do
    name=$(basename -- "$f" .pid)
    if pid=$(running "$f"); then
      printf '%-24s running  pid %s\n' "$name" "$pid"
    elif [[ -e $f || " ${CENTRAL[*]} " == *" $name "* ]]; then
      printf '%-24s stopped\n' "$name"
    fi
  done
  if [[ -S $SOCK ]] && gateway_ready; then echo "gateway ready on $SOCK"; fi
}

check_prefix() { [[ ${1:-} =~ ^[A-Za-z0-9][A-Za-z0-9_.-]*$ ]] || die "PREFIX must match [A-Za-z0-9][A-Za-z0-9_.-]*"; }

cmd_start_deployers() {
  local n=${1:-} prefix=${2:-} i t0=$EPOCHREALTIME
  [[ $n =~ ^[0-9]+$ ]] || usage
  check_prefix "$prefix"
  load_infra_env
  gateway_ready || die "the gateway is not ready on $SOCK (scripts/platform.sh start)"
  for ((i = 1; i <= n; i++)); do start_deployer "$prefix-$i"; done
  local timeout=$((2 * n > WAIT_TIMEOUT ? 2 * n : WAIT_TIMEOUT))
  wait_online "$timeout" "deployers $prefix-*" "$n" prefix "$prefix"
  log "$n deployers $prefix-1..$prefix-$n online in $(elapsed_since "$t0") s"
}

cmd_stop_deployers() {
  local f rest files=()
  check_prefix "${1:-}"
  for f in "$PIDS/deployer-$1"-*.pid; do
    rest=${f#"$PIDS/deployer-$1-"}
    [[ ${rest%.pid} =~ ^[0-9]+$ ]] && files+=("$f")   # PREFIX-<i> only, not PREFIX-other-<i>
  done
  (( ${#files[@]} == 0 )) || stop_files "${files[@]}"
}

case $CMD in
  start) cmd_start ;;
  stop) cmd_stop ;;
  status) cmd_status ;;
  start-deployers) cmd_start_deployers "$@" ;;
  stop-deployers) cmd_stop_deployers "$@" ;;
  *) usage ;;
esac
