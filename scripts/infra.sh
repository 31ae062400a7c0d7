#!/usr/bin/env bash
# Local infrastructure for Coxswain: PostgreSQL 15 and RabbitMQ (with the management plugin),
# each in $RUN_DIR, on loopback, on non-default ports, stopped by recorded PID.
#
# Usage: [RUN_DIR=DIR (default .run)] [PG_PORT=25432] [AMQP_PORT=25672] scripts/infra.sh COMMAND [ARGS...]
#   start              start both (idempotent), wait until ready, write $RUN_DIR/infra.env
#   stop               stop both (idempotent)
#   status             show what runs
#   start-rabbitmq     start only the broker (and its epmd) and wait until it is ready
#   stop-rabbitmq      stop the broker gracefully (and its epmd)
#   restart-rabbitmq   hard crash (kill -KILL) + restart of the broker, prints elapsed seconds
#   restart-postgres   hard crash (kill -KILL of the postmaster and its backends) + restart, prints elapsed seconds
#   psql [ARGS...]     psql as the coxswain user on the coxswain database
#   rabbitmqctl [ARGS...]  rabbitmqctl against this node, e.g. rabbitmqctl list_queues -p coxswain name
# Ports derived from AMQP_PORT: management +10000, epmd +1000, Erlang distribution +20000.
# Env: START_TIMEOUT (default 120 s), PG_BIN (default /usr/lib/postgresql/15/bin).
# Passwords are generated once per RUN_DIR and kept in $RUN_DIR/secrets.env (mode 0600).
set -euo pipefail
# shellcheck source=scripts/lib.sh source-path=SCRIPTDIR/..
. "$(dirname -- "${BASH_SOURCE[0]}")/lib.sh"
LOG_TAG=infra

usage() { sed -n '2,18s/^# \{0,1\}//p' "${BASH_SOURCE[0]}" >&2; exit "${1:-2}"; }

[[ $# -ge 1 ]] || usage
CMD=$1
shift
[[ $CMD == -h || $CMD == --help || $CMD == help ]] && usage 0
RUN_DIR=${RUN_DIR:-$REPO/.run}   # default: the run dir of `make run`
RUN_DIR=$(abspath "$RUN_DIR")
PG_PORT=${PG_PORT:-25432}
AMQP_PORT=${AMQP_PORT:-25672}
[[ $PG_PORT =~ ^[0-9]+$ && $AMQP_PORT =~ ^[0-9]+$ ]] || die "PG_PORT and AMQP_PORT must be numbers"
(( AMQP_PORT + 20000 <= 65535 )) || die "AMQP_PORT must be <= 45535 (the distribution port is AMQP_PORT+20000)"
MGMT_PORT=$((AMQP_PORT + 10000))
EPMD_PORT=$((AMQP_PORT + 1000))
DIST_PORT=$((AMQP_PORT + 20000))
START_TIMEOUT=${START_TIMEOUT:-120}
PG_BIN=${PG_BIN:-/usr/lib/postgresql/15/bin}

PIDS=$RUN_DIR/pids
LOGS=$RUN_DIR/logs
PGDATA=$RUN_DIR/pg
RMQ=$RUN_DIR/rabbitmq
SECRETS=$RUN_DIR/secrets.env
PG_PIDFILE=$PIDS/postgres.pid
EPMD_PIDFILE=$PIDS/epmd.pid
RMQ_PIDFILE=$PIDS/rabbitmq.pid          # the rabbitmq-server wrapper shell ($!)
BEAM_PIDFILE=$PIDS/rabbitmq-beam.pid    # beam.smp, written by RabbitMQ itself
PG_LOG=$LOGS/postgres.log
RMQ_LOG=$LOGS/rabbitmq.log
EPMD_LOG=$LOGS/epmd.log

# postgres/initdb refuse to run as root: run them as the postgres user. setpriv execs, so $!
# is the postmaster. --reset-env sets a minimal PATH: use absolute paths.
AS_PG=()
if [[ $(id -u) == 0 ]]; then
  id postgres > /dev/null 2>&1 || die "user 'postgres' is missing: run scripts/deps.sh (postgresql-15)"
  AS_PG=(setpriv --reuid=postgres --regid=postgres --init-groups --reset-env)
fi

# ---------------------------------------------------------------------------- helpers

lock() {   # serialise start/stop/restart for one RUN_DIR
  mkdir -p "$RUN_DIR"
  exec {LOCK_FD}> "$RUN_DIR/.infra.lock"
  flock -w 300 "$LOCK_FD" || die "another infra.sh holds $RUN_DIR/.infra.lock"
}

load_secrets() {   # load_secrets [create]
  if [[ ! -s $SECRETS ]]; then
    [[ ${1:-} == create ]] || die "$SECRETS is missing: run 'RUN_DIR=$RUN_DIR scripts/infra.sh start' first"
    (
      umask 077
      printf 'PG_PASSWORD=%s\nAMQP_PASSWORD=%s\nPG_SUPERUSER_PASSWORD=%s\n' \
        "$(random_secret)" "$(random_secret)" "$(random_secret)" > "$SECRETS.tmp"
      mv -f "$SECRETS.tmp" "$SECRETS"
    )
  fi
  chmod 600 "$SECRETS"
  # The control plane's master key (seals secrets at rest); added to older secrets files too.
  if ! grep -q '^MASTER_KEY=' "$SECRETS"; then
    printf 'MASTER_KEY=%s\n' "$(head -c 32 /dev/urandom | base64 -w0)" >> "$SECRETS"
  fi
  # shellcheck source=/dev/null
  . "$SECRETS"
}

# Refuse to start when someone else already listens on one of our ports: otherwise the
# readiness checks would succeed against a foreign server.
check_port_free() {   # check_port_free PORT WHAT
  if port_open 127.0.0.1 "$1"; then
    local pid
    pid=$(port_owner_pid "$1")
    die "port $1 ($2) is already in use${pid:+ by pid $pid ($(ps -o args= -p "$pid" 2> /dev/null | cut -c1-80))}; stop it or choose other ports (PG_PORT/AMQP_PORT)"
  fi
}

# ---------------------------------------------------------------------------- PostgreSQL

pg_init() {
  log "initdb $PGDATA"
  chmod o+x "$RUN_DIR"
  if [[ ${#AS_PG[@]} -gt 0 ]] && ! "${AS_PG[@]}" /usr/bin/test -d "$RUN_DIR"; then
    die "user postgres cannot reach $RUN_DIR: every parent directory must be traversable (chmod o+x), e.g. not under /root"
  fi
  mkdir -p "$PGDATA"
  chmod 700 "$PGDATA"
  local pwfile=$RUN_DIR/.pg-superuser-pw
  (umask 077; printf '%s\n' "$PG_SUPERUSER_PASSWORD" > "$pwfile")
  if [[ ${#AS_PG[@]} -gt 0 ]]; then chown postgres:postgres "$PGDATA" "$pwfile"; fi
  if ! "${AS_PG[@]}" "$PG_BIN/initdb" -D "$PGDATA" -U postgres --pwfile="$pwfile" \
      --auth-local=trust --auth-host=scram-sha-256 -E UTF8 --locale=C.UTF-8 --no-sync \
      > "$LOGS/postgres-initdb.log" 2>&1; then
    rm -f "$pwfile"
    tail_logs "$LOGS/postgres-initdb.log"
    die "initdb failed"
  fi
  rm -f "$pwfile"
  cat >> "$PGDATA/postgresql.conf" <<CONF

# ---- Coxswain local development settings (scripts/infra.sh) ----
listen_addresses = '127.0.0.1'
port = $PG_PORT
unix_socket_directories = '$PGDATA'
max_connections = 200
fsync = off
synchronous_commit = on
full_page_writes = off
CONF
}

pg_launch() {
  local pid
  if pid=$(running "$PG_PIDFILE"); then
    log "PostgreSQL already running (pid $pid)"
    return 0
  fi
  [[ -x $PG_BIN/postgres ]] || die "$PG_BIN/postgres not found: run scripts/deps.sh"
  if [[ ! -s $PGDATA/PG_VERSION ]]; then
    rm -rf "$PGDATA"
    pg_init
  fi
  # A postmaster we lost track of (pidfile removed): adopt it. A stale lock file: remove it.
  if [[ -s $PGDATA/postmaster.pid ]]; then
    read -r pid < "$PGDATA/postmaster.pid" || true
    if alive "$pid" && [[ $(ps -o comm= -p "$pid") == postgres ]]; then
      log "adopting running PostgreSQL (pid $pid)"
      write_pidfile "$PG_PIDFILE" "$pid"
      return 0
    fi
    rm -f "$PGDATA/postmaster.pid" "$PGDATA"/.s.PGSQL.*.lock
  fi
  # A commit must survive a crash of PostgreSQL itself (kill -9): with synchronous_commit off the last
  # ~0.6 s of acknowledged commits lived only in shared memory and were lost (results acked, never
  # recorded). fsync stays off: the WAL is still written to the OS, which a process crash does not lose.
  grep -qx "synchronous_commit = on" "$PGDATA/postgresql.conf" || printf 'synchronous_commit = on\n' >> "$PGDATA/postgresql.conf"
  # Follow the port if PG_PORT changed since initdb (the last setting in the file wins).
  grep -qx "port = $PG_PORT" "$PGDATA/postgresql.conf" || printf 'port = %s\n' "$PG_PORT" >> "$PGDATA/postgresql.conf"
  check_port_free "$PG_PORT" PostgreSQL
  log "starting PostgreSQL on 127.0.0.1:$PG_PORT"
  run_bg "$PG_PIDFILE" "$PG_LOG" "${AS_PG[@]}" "$PG_BIN/postgres" -D "$PGDATA"
}

pg_wait() {
  local deadline=$((SECONDS + START_TIMEOUT)) pid
  pid=$(running "$PG_PIDFILE") || { tail_logs "$PG_LOG"; die "PostgreSQL is not running"; }
  until "$PG_BIN/pg_isready" -q -h 127.0.0.1 -p "$PG_PORT"; do
    alive "$pid" || { tail_logs "$PG_LOG"; die "PostgreSQL (pid $pid) exited during start-up"; }
    (( SECONDS < deadline )) || { tail_logs "$PG_LOG"; die "PostgreSQL not ready after ${START_TIMEOUT}s"; }
    sleep 0.1
  done
}

# Role coxswain (LOGIN CREATEDB, password from secrets.env) and database coxswain; idempotent.
pg_setup() {
  COXSWAIN_PG_PASSWORD=$PG_PASSWORD "$PG_BIN/psql" -X -q -h "$PGDATA" -p "$PG_PORT" -U postgres -d postgres \
      -v ON_ERROR_STOP=1 > /dev/null <<'SQL'
\getenv pw COXSWAIN_PG_PASSWORD
SELECT 'CREATE ROLE coxswain' WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'coxswain') \gexec
SELECT format('ALTER ROLE coxswain LOGIN CREATEDB PASSWORD %L', :'pw') \gexec
SELECT 'CREATE DATABASE coxswain OWNER coxswain' WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = 'coxswain') \gexec
SQL
  # The same path the services take: TCP + password.
  PGPASSWORD=$PG_PASSWORD "$PG_BIN/psql" -X -qAt -h 127.0.0.1 -p "$PG_PORT" -U coxswain -d coxswain \
      -c 'select 1' > /dev/null || die "cannot log in to PostgreSQL as coxswain over TCP"
}

pg_stop() {
  local pid
  if pid=$(running "$PG_PIDFILE"); then
    log "stopping PostgreSQL (pid $pid)"
    kill_wait "$pid" INT 30      # SIGINT = fast shutdown
  fi
  rm -f "$PG_PIDFILE" "$PG_PIDFILE.start"
}

# ---------------------------------------------------------------------------- RabbitMQ

rmq_env() {
  export HOME=$RMQ/home                        # .erlang.cookie: server and CLI must share it
  export ERL_EPMD_PORT=$EPMD_PORT              # private epmd, started by us in the foreground
  export ERL_EPMD_ADDRESS=127.0.0.1
  export RABBITMQ_NODENAME=coxswain-$AMQP_PORT@localhost
  export RABBITMQ_NODE_IP_ADDRESS=127.0.0.1
  export RABBITMQ_NODE_PORT=$AMQP_PORT
  export RABBITMQ_DIST_PORT=$DIST_PORT
  export RABBITMQ_MNESIA_BASE=$RMQ/mnesia
  # A crash dump goes to the run directory, not the directory make was started from.
  export ERL_CRASH_DUMP=$RMQ/erl_crash.dump
  export RABBITMQ_LOG_BASE=$RMQ/log
  export RABBITMQ_CONFIG_FILE=$RMQ/rabbitmq.conf
  export RABBITMQ_ENABLED_PLUGINS_FILE=$RMQ/enabled_plugins
  export RABBITMQ_CONF_ENV_FILE=$RMQ/rabbitmq-env.conf   # bypass /etc/rabbitmq/rabbitmq-env.conf
  export RABBITMQ_PID_FILE=$BEAM_PIDFILE
  export RABBITMQ_LOGS=-                                  # log to stdout (our log file)
  # Distribution on loopback only; never let the VM spawn an untracked epmd daemon.
  export RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS="-kernel inet_dist_use_interface {127,0,0,1} -start_epmd false"
  export RABBITMQ_CTL_ERL_ARGS="-kernel inet_dist_use_interface {127,0,0,1}"
  export PATH=/usr/lib/rabbitmq/bin:$PATH                 # upstream scripts, not the /usr/sbin wrappers
}

rmq_write_config() {
  mkdir -p "$HOME" "$RABBITMQ_MNESIA_BASE" "$RABBITMQ_LOG_BASE"
  : > "$RABBITMQ_CONF_ENV_FILE"
  (
    umask 077
    cat > "$RABBITMQ_CONFIG_FILE.tmp" <<CONF
listeners.tcp.1 = 127.0.0.1:$AMQP_PORT
management.tcp.ip = 127.0.0.1
management.tcp.port = $MGMT_PORT
loopback_users = none
default_vhost = coxswain
default_user = coxswain
default_pass = $AMQP_PASSWORD
default_user_tags.administrator = true
default_permissions.configure = .*
default_permissions.read = .*
default_permissions.write = .*
CONF
    mv -f "$RABBITMQ_CONFIG_FILE.tmp" "$RABBITMQ_CONFIG_FILE"
  )
  echo '[rabbitmq_management].' > "$RABBITMQ_ENABLED_PLUGINS_FILE"
}

epmd_ensure() {
  local pid
  if pid=$(running "$EPMD_PIDFILE"); then return 0; fi
  if port_open 127.0.0.1 "$EPMD_PORT"; then
    # An epmd on our private port that we lost track of: adopt it so that stop can end it.
    pid=$(port_owner_pid "$EPMD_PORT")
    if [[ -n $pid ]] && [[ $(ps -o comm= -p "$pid") == epmd ]]; then
      warn "adopting epmd (pid $pid) already listening on $EPMD_PORT"
      printf '%s\n' "$pid" > "$EPMD_PIDFILE"
      return 0
    fi
    check_port_free "$EPMD_PORT" epmd
  fi
  command -v epmd > /dev/null || die "epmd not found: run scripts/deps.sh (rabbitmq-server)"
  run_bg "$EPMD_PIDFILE" "$EPMD_LOG" epmd -port "$EPMD_PORT" -address 127.0.0.1
  wait_port 127.0.0.1 "$EPMD_PORT" 10 || { tail_logs "$EPMD_LOG"; die "epmd did not open port $EPMD_PORT"; }
}

rmq_launch() {
  local pid
  rmq_env
  if pid=$(running "$RMQ_PIDFILE"); then
    log "RabbitMQ already running (pid $pid)"
    return 0
  fi
  [[ -x /usr/lib/rabbitmq/bin/rabbitmq-server ]] || die "RabbitMQ not installed: run scripts/deps.sh"
  if pid=$(running "$BEAM_PIDFILE"); then   # a broker VM without its wrapper: end it first
    warn "killing orphaned RabbitMQ VM (pid $pid)"
    kill_wait "$pid" KILL 10
  fi
  rm -f "$BEAM_PIDFILE"
  check_port_free "$AMQP_PORT" "RabbitMQ AMQP"
  check_port_free "$MGMT_PORT" "RabbitMQ management"
  check_port_free "$DIST_PORT" "RabbitMQ distribution"
  rmq_write_config
  epmd_ensure
  log "starting RabbitMQ on 127.0.0.1:$AMQP_PORT (management $MGMT_PORT, epmd $EPMD_PORT, dist $DIST_PORT)"
  run_bg "$RMQ_PIDFILE" "$RMQ_LOG" rabbitmq-server
}

mgmt_status() {   # HTTP status of GET /api/overview with our credentials (000 if no answer)
  printf 'user = "coxswain:%s"\n' "$AMQP_PASSWORD" \
    | curl -s -K - -o /dev/null -w '%{http_code}' --max-time 5 "http://127.0.0.1:$MGMT_PORT/api/overview" || true
}

# If the broker kept data from an earlier secrets.env, make the user match again.
rmq_repair_user() {
  warn "management API refused our credentials; resetting user coxswain and vhost coxswain"
  local ctl=(rabbitmqctl -q -n "$RABBITMQ_NODENAME")
  "${ctl[@]}" add_vhost coxswain > /dev/null 2>&1 || true
  "${ctl[@]}" add_user coxswain "$AMQP_PASSWORD" > /dev/null 2>&1 || "${ctl[@]}" change_password coxswain "$AMQP_PASSWORD"
  "${ctl[@]}" set_user_tags coxswain administrator
  "${ctl[@]}" set_permissions -p coxswain coxswain '.*' '.*' '.*'
}

rmq_wait() {
  local deadline=$((SECONDS + START_TIMEOUT)) pid code repaired=0
  pid=$(running "$RMQ_PIDFILE") || { tail_logs "$RMQ_LOG"; die "RabbitMQ is not running"; }
  while :; do
    alive "$pid" || { tail_logs "$RMQ_LOG"; die "RabbitMQ (pid $pid) exited during start-up"; }
    if port_open 127.0.0.1 "$AMQP_PORT"; then
      code=$(mgmt_status)
      [[ $code == 200 ]] && return 0
      if [[ $code == 401 && $repaired == 0 ]]; then repaired=1; rmq_repair_user; continue; fi
    fi
    if (( SECONDS >= deadline )); then
      tail_logs "$RMQ_LOG"
      die "RabbitMQ not ready after ${START_TIMEOUT}s (AMQP 127.0.0.1:$AMQP_PORT, management http://127.0.0.1:$MGMT_PORT/api/overview -> ${code:-no answer})"
    fi
    sleep 0.2
  done
}

# Graceful stop: TERM to the wrapper (it forwards to beam and waits), then epmd.
rmq_stop() {
  local wrapper beam i=0
  rmq_env
  wrapper=$(running "$RMQ_PIDFILE") || wrapper=
  beam=$(running "$BEAM_PIDFILE") || beam=
  if [[ -n $wrapper$beam ]]; then
    log "stopping RabbitMQ (wrapper ${wrapper:--}, beam ${beam:--})"
    kill -TERM "${wrapper:-$beam}" 2> /dev/null || true
    while alive "$wrapper" || alive "$beam"; do
      sleep 0.1
      i=$((i + 1))
      if (( i == 600 )); then
        warn "RabbitMQ still running after 60s; sending KILL"
        kill -KILL ${wrapper:+"$wrapper"} ${beam:+"$beam"} 2> /dev/null || true
      fi
      (( i < 700 )) || break
    done
  fi
  rm -f "$RMQ_PIDFILE" "$RMQ_PIDFILE.start" "$BEAM_PIDFILE"
  stop_pid "$EPMD_PIDFILE" TERM 5
}

# Hard crash for failure tests: KILL beam and wrapper, keep epmd.
rmq_kill() {
  local wrapper beam
  wrapper=$(running "$RMQ_PIDFILE") || wrapper=
  beam=$(running "$BEAM_PIDFILE") || beam=
  [[ -n $beam$wrapper ]] || { log "RabbitMQ was not running"; return 0; }
  log "kill -KILL RabbitMQ (beam ${beam:--}, wrapper ${wrapper:--})"
  kill -KILL ${beam:+"$beam"} ${wrapper:+"$wrapper"} 2> /dev/null || true
  local i=0
  while alive "$beam" || alive "$wrapper"; do
    sleep 0.05
    i=$((i + 1))
    (( i < 200 )) || die "RabbitMQ survived kill -KILL for 10 s"
  done
  local port
  for port in "$AMQP_PORT" "$MGMT_PORT" "$DIST_PORT"; do
    wait_port_closed 127.0.0.1 "$port" 10 || die "port $port still listens 10 s after RabbitMQ was killed"
  done
  rm -f "$RMQ_PIDFILE" "$RMQ_PIDFILE.start" "$BEAM_PIDFILE"
}

# ---------------------------------------------------------------------------- commands

write_infra_env() {
  (
    umask 077
    cat > "$RUN_DIR/infra.env.tmp" <<ENV
# Written by scripts/infra.sh start; source it: . $RUN_DIR/infra.env
export COXSWAIN_DATABASE_URL=postgres://coxswain:$PG_PASSWORD@127.0.0.1:$PG_PORT/coxswain
export COXSWAIN_AMQP_URL=amqp://coxswain:$AMQP_PASSWORD@127.0.0.1:$AMQP_PORT/coxswain
export COXSWAIN_AMQP_MANAGEMENT_URL=http://coxswain:$AMQP_PASSWORD@127.0.0.1:$MGMT_PORT
export COXSWAIN_SECURITY_MASTER_KEY=$MASTER_KEY
export RUN_DIR=$RUN_DIR
export PG_PORT=$PG_PORT
export AMQP_PORT=$AMQP_PORT
ENV
    mv -f "$RUN_DIR/infra.env.tmp" "$RUN_DIR/infra.env"
  )
}

cmd_start() {
  local t0=$EPOCHREALTIME
  lock
  mkdir -p "$PIDS" "$LOGS"
  chmod o+x "$RUN_DIR"
  load_secrets create
  rmq_launch         # RabbitMQ boots in the background (~5 s) while PostgreSQL starts
  pg_launch
  pg_wait
  pg_setup
  log "PostgreSQL ready on 127.0.0.1:$PG_PORT ($(elapsed_since "$t0") s)"
  rmq_wait
  log "RabbitMQ ready on 127.0.0.1:$AMQP_PORT, management http://127.0.0.1:$MGMT_PORT ($(elapsed_since "$t0") s)"
  write_infra_env
  log "infra ready in $(elapsed_since "$t0") s; environment: . $RUN_DIR/infra.env"
}

cmd_stop() {
  local t0=$EPOCHREALTIME
  [[ -d $RUN_DIR ]] || { log "nothing to stop ($RUN_DIR does not exist)"; return 0; }
  lock
  pg_stop &
  local pg_job=$!
  rmq_stop
  wait "$pg_job"
  log "infra stopped in $(elapsed_since "$t0") s"
}

status_line() {   # status_line NAME PIDFILE [PORT...]
  local name=$1 f=$2 pid ports=() p
  shift 2
  for p in "$@"; do
    if port_open 127.0.0.1 "$p"; then ports+=("$p:open"); else ports+=("$p:closed"); fi
  done
  if pid=$(running "$f"); then
    printf '%-16s running  pid %-8s %s\n' "$name" "$pid" "${ports[*]}"
  else
    printf '%-16s stopped  %-12s %s\n' "$name" "" "${ports[*]}"
  fi
}

cmd_status() {
  echo "infra in $RUN_DIR"
  status_line postgres "$PG_PIDFILE" "$PG_PORT"
  status_line epmd "$EPMD_PIDFILE" "$EPMD_PORT"
  status_line rabbitmq "$RMQ_PIDFILE" "$AMQP_PORT" "$MGMT_PORT"
  status_line rabbitmq-beam "$BEAM_PIDFILE" "$DIST_PORT"
}

cmd_start_rabbitmq() {
  local t0=$EPOCHREALTIME
  lock
  mkdir -p "$PIDS" "$LOGS"
  load_secrets
  rmq_launch
  rmq_wait
  log "RabbitMQ ready in $(elapsed_since "$t0") s"
}

cmd_restart_rabbitmq() {
  local t0=$EPOCHREALTIME
  lock
  load_secrets
  rmq_env
  rmq_kill
  log "RabbitMQ dead after $(elapsed_since "$t0") s; starting again"
  rmq_launch
  rmq_wait
  local s
  s=$(elapsed_since "$t0")
  log "RabbitMQ restarted and ready (AMQP + management) in $s s"
  echo "$s"
}

any_alive() { local p; for p in "$@"; do alive "$p" && return 0; done; return 1; }

# kill -KILL the postmaster and every backend (a crash, not a shutdown), then start it again.
cmd_restart_postgres() {
  local t0=$EPOCHREALTIME pid children i=0
  lock
  load_secrets
  if pid=$(running "$PG_PIDFILE"); then
    children=$(pgrep -P "$pid" 2> /dev/null || true)
    log "kill -KILL PostgreSQL (postmaster $pid and ${children//$'\n'/ })"
    # shellcheck disable=SC2086 # word splitting of the child list is wanted
    kill -KILL "$pid" $children 2> /dev/null || true
    # shellcheck disable=SC2086 # the same list
    while any_alive "$pid" $children; do
      sleep 0.05
      i=$((i + 1))
      (( i < 200 )) || die "PostgreSQL survived kill -KILL for 10 s"
    done
  fi
  # The dead postmaster may linger as a zombie (slow reaping here), which PostgreSQL's own
  # lock-file check takes for a live postmaster: remove its lock files (every process is gone).
  rm -f "$PG_PIDFILE" "$PG_PIDFILE.start" "$PGDATA/postmaster.pid" "$PGDATA"/.s.PGSQL.*.lock
  wait_port_closed 127.0.0.1 "$PG_PORT" 10 || die "port $PG_PORT still listens 10 s after PostgreSQL was killed"
  log "PostgreSQL dead after $(elapsed_since "$t0") s; starting again"
  pg_launch
  pg_wait
  local s
  s=$(elapsed_since "$t0")
  log "PostgreSQL restarted and ready in $s s"
  echo "$s"
}

cmd_psql() {
  load_secrets
  PGPASSWORD=$PG_PASSWORD exec "$PG_BIN/psql" -h 127.0.0.1 -p "$PG_PORT" -U coxswain -d coxswain "$@"
}

cmd_rabbitmqctl() {
  rmq_env
  # With epmd down the CLI would spawn an untracked epmd daemon on our port.
  running "$EPMD_PIDFILE" > /dev/null || die "RabbitMQ is not running in $RUN_DIR (start it: scripts/infra.sh start)"
  exec rabbitmqctl -n "$RABBITMQ_NODENAME" "$@"
}

case $CMD in
  start) cmd_start ;;
  stop) cmd_stop ;;
  status) cmd_status ;;
  start-rabbitmq) cmd_start_rabbitmq ;;
  stop-rabbitmq) [[ -d $RUN_DIR ]] || exit 0; lock; rmq_stop ;;
  restart-rabbitmq) cmd_restart_rabbitmq ;;
  restart-postgres) cmd_restart_postgres ;;
  psql) cmd_psql "$@" ;;
  rabbitmqctl) cmd_rabbitmqctl "$@" ;;
  *) usage ;;
esac
