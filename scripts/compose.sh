#!/usr/bin/env bash
# compose/compose.yaml on this machine: Debian's docker-compose 1.29.2 against the Podman API socket
# of scripts/engine.sh (its own instance in RUN_DIR), plus the health ticker (no systemd here, so
# Podman would never run the HEALTHCHECKs that `depends_on: service_healthy` waits for).
#
# Usage: [RUN_DIR=.run-compose] scripts/compose.sh COMMAND [ARGS...]
#   up        load the images (make images first), write compose/.env with random secrets (once),
#             start the engine, the ticker and the platform, wait until healthy, create the admin
#             user (password in compose/.env) and enrol node-a and node-b; idempotent
#   down      docker-compose down -v (containers, network, volumes), stop the ticker and the engine
#   ps        docker-compose ps
#   dc ARGS   docker-compose ARGS with this engine and project (e.g. dc up -d --scale scheduler=3)
#   cli ARGS  the CLI image on gateway-a's UNIX socket (owner of team "default")
#   env       the shell assignments for using this platform from the host (COXSWAIN_URL, DOCKER_HOST)
# Env: COXSWAIN_GATEWAY_PORT (36080; gateway-b 36081), REGISTRY_PORT (36010, the engine's registry),
# WAIT_TIMEOUT (300 s), COMPOSE_OVERRIDE (an extra compose file). Packages: scripts/deps.sh (docker-compose, podman, ...).
set -euo pipefail
# shellcheck source=scripts/lib.sh source-path=SCRIPTDIR/..
. "$(dirname -- "${BASH_SOURCE[0]}")/lib.sh"
LOG_TAG=compose

usage() { sed -n '2,16s/^# \{0,1\}//p' "${BASH_SOURCE[0]}" >&2; exit "${1:-2}"; }

[[ $# -ge 1 ]] || usage
CMD=$1
shift
[[ $CMD == -h || $CMD == --help || $CMD == help ]] && usage 0
RUN_DIR=$(abspath "${RUN_DIR:-$REPO/.run-compose}")
export RUN_DIR
export REGISTRY_PORT=${REGISTRY_PORT:-36010}
WAIT_TIMEOUT=${WAIT_TIMEOUT:-300}
COMPOSE_DIR=$REPO/compose
ENV_FILE=$COMPOSE_DIR/.env
PIDS=$RUN_DIR/pids
LOGS=$RUN_DIR/logs
TICKER_PIDFILE=$PIDS/health-ticker.pid
SOCKET=$RUN_DIR/engine/podman.sock
CORE=(postgres rabbitmq gateway-a gateway-b scheduler audit bootstrapper)
NODES=(node-a node-b)

export DOCKER_HOST=unix://$SOCKET COMPOSE_DOCKER_CLI_BUILD=0 COMPOSE_HTTP_TIMEOUT=${COMPOSE_HTTP_TIMEOUT:-300}
export CONTAINERS_CONF=$RUN_DIR/engine/containers.conf CONTAINERS_STORAGE_CONF=$RUN_DIR/engine/storage.conf \
  CONTAINERS_REGISTRIES_CONF=$RUN_DIR/engine/registries.conf

# COMPOSE_OVERRIDE=FILE adds a file of your own after compose.yaml (e.g. TLS settings, other ports).
COMPOSE_FILES=(-f "$COMPOSE_DIR/compose.yaml")
[[ -z ${COMPOSE_OVERRIDE:-} ]] || COMPOSE_FILES+=(-f "$(abspath "$COMPOSE_OVERRIDE")")
dc() { (cd "$COMPOSE_DIR" && docker-compose --project-directory "$COMPOSE_DIR" "${COMPOSE_FILES[@]}" "$@"); }
PROJECT=coxswain   # COMPOSE_PROJECT_NAME in compose/.env
# The CLI image on gateway-a's socket volume (what `docker-compose run --rm cli` does, without
# docker-compose's start-up time); COXSWAIN_PASSWORD is the admin's, for `user create`.
cli() {
  COXSWAIN_PASSWORD=$(env_value COXSWAIN_ADMIN_PASSWORD) podman run --rm --network none --read-only --tmpfs /tmp \
    -v "${PROJECT}_gateway-a-run:/run/coxswain" -e COXSWAIN_PASSWORD "localhost/coxswain-cli:$(env_value COXSWAIN_VERSION)" "$@" < /dev/null
}

env_value() { sed -n "s/^$1=//p" "$ENV_FILE" 2> /dev/null | tail -n 1; }

# set_env KEY VALUE: replace or append KEY=VALUE in compose/.env (mode 0600).
set_env() {
  local tmp=$ENV_FILE.tmp
  (umask 077; { grep -v "^$1=" "$ENV_FILE" 2> /dev/null || true; printf '%s=%s\n' "$1" "$2"; } > "$tmp")
  mv -f "$tmp" "$ENV_FILE"
}

# compose/.env: random secrets made once (the volumes keep data made with them), machine settings
# every time.
write_env() {
  if [[ ! -s $ENV_FILE ]]; then
    (
      umask 077
      cat > "$ENV_FILE" <<EOF
# Written by scripts/compose.sh up (make compose-up) with random values; keep it private (mode 0600).
# The volumes hold data made with these secrets: delete this file only together with the volumes
# (make compose-down).
COMPOSE_PROJECT_NAME=coxswain
POSTGRES_PASSWORD=$(random_secret)
RABBITMQ_PASSWORD=$(random_secret)
COXSWAIN_MASTER_KEY=$(head -c 32 /dev/urandom | base64 -w0)
COXSWAIN_ADMIN_USER=admin
COXSWAIN_ADMIN_PASSWORD=$(random_secret)
EOF
    )
    log "wrote $ENV_FILE with random secrets"
  fi
  chmod 600 "$ENV_FILE"
  set_env COXSWAIN_ENGINE_SOCKET "$SOCKET"
  set_env COXSWAIN_VERSION "$("$REPO/scripts/images.sh" version)"
  set_env COXSWAIN_GATEWAY_PORT "${COXSWAIN_GATEWAY_PORT:-36080}"
  set_env COXSWAIN_GATEWAY_B_PORT "${COXSWAIN_GATEWAY_B_PORT:-36081}"
}

ticker_start() {
  local pid
  if pid=$(running "$TICKER_PIDFILE"); then return 0; fi
  run_bg "$TICKER_PIDFILE" "$LOGS/health-ticker.log" "$REPO/scripts/compose-health-ticker.sh"
  log "health ticker started (pid $(cat "$TICKER_PIDFILE"))"
}

# health SERVICE: the health status of each container of SERVICE, one per line.
health() {
  local id
  for id in $(podman ps -aq --filter "label=com.docker.compose.project=$PROJECT" --filter "label=com.docker.compose.service=$1" 2> /dev/null); do
    podman inspect --format '{{.State.Health.Status}}' "$id" 2> /dev/null || echo missing
  done
}

# wait_healthy TIMEOUT SERVICE...: until every container of each SERVICE is healthy.
wait_healthy() {
  local deadline=$((SECONDS + $1)) s states
  shift
  for s in "$@"; do
    while :; do
      states=$(health "$s")
      [[ -n $states ]] && ! grep -qv '^healthy$' <<< "$states" && break
      if (( SECONDS >= deadline )); then
        dc ps >&2 || true
        dc logs --tail 30 "$s" >&2 || true
        die "$s is not healthy after ${1:-} s (states: ${states//$'\n'/ })"
      fi
      sleep 0.5
    done
  done
}

# node_status NAME: the node's status as the Gateway reports it (empty when unknown).
node_status() {
  cli manage --list-nodes --output json 2> /dev/null | python3 -c '
import json, sys
try:
    data = json.load(sys.stdin)
except ValueError:
    sys.exit(0)
if isinstance(data, dict):
    data = next((data[k] for k in ("nodes", "items", "data") if isinstance(data.get(k), list)), [])
for n in data:
    if isinstance(n, dict) and n.get("name") == sys.argv[1]:
        print(str(n.get("status", "")).lower())
' "$1" || true
}

# A pending node (never enrolled, or an expired token) is replaced by a fresh one.
enrol_nodes() {
  local node status token key
  for node in "${NODES[@]}"; do
    key=$(printf '%s_ENROL_TOKEN' "${node^^}" | tr '-' '_')
    status=$(node_status "$node")
    if [[ $status == online || $status == offline ]]; then continue; fi
    [[ -z $status ]] || cli node remove "$node" > /dev/null 2>&1 || true
    token=$(cli node add "$node" --label compose=demo --output json |
      python3 -c 'import json,sys; print(json.load(sys.stdin)["enrolmentToken"])') || die "cannot add node $node"
    set_env "$key" "$token"
    log "added node $node (enrolment token in $ENV_FILE)"
  done
}

wait_online() {
  local deadline=$((SECONDS + $1)) node
  for node in "${NODES[@]}"; do
    until [[ $(node_status "$node") == online ]]; do
      (( SECONDS < deadline )) || { dc logs --tail 30 deployer-a deployer-b >&2 || true; die "node $node not online after $1 s"; }
      sleep 1
    done
  done
}

cmd_up() {
  local t0=$EPOCHREALTIME t
  command -v docker-compose > /dev/null || die "docker-compose not found: run scripts/deps.sh"
  "$REPO/scripts/images.sh" exists || die "the images are missing: run 'make images' first"
  mkdir -p "$PIDS" "$LOGS"
  write_env
  "$REPO/scripts/images.sh" load    # starts the engine of RUN_DIR when needed
  ticker_start
  t=$EPOCHREALTIME
  log "starting ${CORE[*]}"
  dc up -d --remove-orphans "${CORE[@]}"
  wait_healthy "$WAIT_TIMEOUT" "${CORE[@]}"
  log "core services healthy in $(elapsed_since "$t") s"
  # The first administrator, through gateway-a's socket (idempotent).
  if ! cli user show "$(env_value COXSWAIN_ADMIN_USER)" > /dev/null 2>&1; then
    cli user create "$(env_value COXSWAIN_ADMIN_USER)" --role admin > /dev/null || die "cannot create the admin user"
    log "created user $(env_value COXSWAIN_ADMIN_USER) (password: COXSWAIN_ADMIN_PASSWORD in $ENV_FILE)"
  fi
  enrol_nodes
  dc up -d deployer-a deployer-b
  wait_online "$WAIT_TIMEOUT"
  wait_healthy 60 deployer-a deployer-b
  log "platform up in $(elapsed_since "$t0") s (containers $(elapsed_since "$t") s): http://127.0.0.1:$(env_value COXSWAIN_GATEWAY_PORT) and :$(env_value COXSWAIN_GATEWAY_B_PORT)"
  echo "  coxswain login --url http://127.0.0.1:$(env_value COXSWAIN_GATEWAY_PORT) --user $(env_value COXSWAIN_ADMIN_USER)   # password: COXSWAIN_ADMIN_PASSWORD in compose/.env" >&2
}

cmd_down() {
  local t0=$EPOCHREALTIME
  if [[ -S $SOCKET ]] && command -v docker-compose > /dev/null && [[ -s $ENV_FILE ]]; then
    dc --profile tools down -v --remove-orphans -t 5 || warn "docker-compose down failed"
  fi
  stop_pid "$TICKER_PIDFILE" TERM 5
  "$REPO/scripts/engine.sh" stop
  # CNI's host-local allocator keeps its last address per network name: start afresh next time.
  rm -rf "/var/lib/cni/networks/${PROJECT}_coxswain" 2> /dev/null || true
  # The node tokens were one-time; the secrets stay for the next up (new volumes take them).
  if [[ -s $ENV_FILE ]]; then set_env NODE_A_ENROL_TOKEN ""; set_env NODE_B_ENROL_TOKEN ""; fi
  log "down in $(elapsed_since "$t0") s"
}

cmd_env() {
  printf 'export DOCKER_HOST=%q\n' "$DOCKER_HOST"
  printf 'export COXSWAIN_URL=%q\n' "http://127.0.0.1:$(env_value COXSWAIN_GATEWAY_PORT)"
}

case $CMD in
  up) cmd_up ;;
  down) cmd_down ;;
  ps) dc ps ;;
  dc) dc "$@" ;;
  cli) cli "$@" ;;
  env) cmd_env ;;
  *) usage ;;
esac
