#!/usr/bin/env bash
# A real container engine for Coxswain's tests and local runs: Podman's Docker-compatible API
# (`podman system service`) on a UNIX socket, plus a local Docker Registry v2 with htpasswd
# auth, all inside $RUN_DIR, on loopback, stopped by recorded PID. No internet needed: the demo
# image is built from /bin/busybox (Debian busybox-static).
#
# Usage: RUN_DIR=DIR [REGISTRY_PORT=25500] scripts/engine.sh COMMAND
#   start    write the Podman config, build localhost/coxswain-demo:1, start the registry and push
#            the image as 127.0.0.1:$REGISTRY_PORT/demo/httpd:1 and :2, start the API socket
#            (idempotent), write $RUN_DIR/engine.env
#   stop     remove every container of this engine, stop the service and the registry, drop the
#            storage (the registry password stays)
#   status   show what runs
#   env      print the shell assignments of engine.env (COXSWAIN_ENGINE_SOCKET, COXSWAIN_REGISTRY_*)
# Env: START_TIMEOUT (default 30 s). Packages: scripts/deps.sh (podman runc catatonit busybox-static
# docker-registry apache2-utils). Recipe and traps: why runc, capped rlimits, cgroupfs, file events.
set -euo pipefail
# shellcheck source=scripts/lib.sh source-path=SCRIPTDIR/..
. "$(dirname -- "${BASH_SOURCE[0]}")/lib.sh"
LOG_TAG=engine

usage() { sed -n '2,17s/^# \{0,1\}//p' "${BASH_SOURCE[0]}" >&2; exit "${1:-2}"; }

[[ $# -ge 1 ]] || usage
CMD=$1
shift
[[ $CMD == -h || $CMD == --help || $CMD == help ]] && usage 0
[[ -n ${RUN_DIR:-} ]] || die "RUN_DIR is required (a scratch directory, e.g. RUN_DIR=\$PWD/.run-engine)"
RUN_DIR=$(abspath "$RUN_DIR")
REGISTRY_PORT=${REGISTRY_PORT:-25500}
if ! [[ $REGISTRY_PORT =~ ^[0-9]+$ ]] || (( REGISTRY_PORT < 1 || REGISTRY_PORT > 65535 )); then
  die "REGISTRY_PORT must be a port number"
fi
START_TIMEOUT=${START_TIMEOUT:-30}

ENGINE=$RUN_DIR/engine
PIDS=$RUN_DIR/pids
LOGS=$RUN_DIR/logs
SOCKET=$ENGINE/podman.sock
ENV_FILE=$RUN_DIR/engine.env
PASSWORD_FILE=$ENGINE/registry.password
AUTH_FILE=$ENGINE/auth.json             # registry credentials for `podman push` (never on a command line)
SERVICE_PIDFILE=$PIDS/podman-service.pid
REGISTRY_PIDFILE=$PIDS/registry.pid
SERVICE_LOG=$LOGS/podman-service.log
REGISTRY_LOG=$LOGS/registry.log
REGISTRY=127.0.0.1:$REGISTRY_PORT
REGISTRY_USER=coxswain
DEMO_IMAGE=localhost/coxswain-demo:1
PUSHED_REPO=$REGISTRY/demo/httpd

export CONTAINERS_CONF=$ENGINE/containers.conf \
       CONTAINERS_STORAGE_CONF=$ENGINE/storage.conf \
       CONTAINERS_REGISTRIES_CONF=$ENGINE/registries.conf

# ---------------------------------------------------------------------------- helpers

lock() {   # serialise start/stop for one RUN_DIR
  mkdir -p "$RUN_DIR"
  exec {LOCK_FD}> "$RUN_DIR/.engine.lock"
  flock -w 120 "$LOCK_FD" || die "another engine.sh holds $RUN_DIR/.engine.lock"
}

need() {   # need COMMAND...: fail with the install hint when a command is missing
  local c
  for c in "$@"; do
    command -v "$c" > /dev/null || die "$c not found: run scripts/deps.sh (podman runc catatonit busybox-static docker-registry apache2-utils)"
  done
}

ping_socket() { curl -fsS --max-time 2 --unix-socket "$SOCKET" http://d/_ping > /dev/null 2>&1; }

registry_password() {   # generated once per RUN_DIR, mode 0600
  if [[ ! -s $PASSWORD_FILE ]]; then
    mkdir -p "$ENGINE"
    (umask 077; random_secret > "$PASSWORD_FILE.tmp"; mv -f "$PASSWORD_FILE.tmp" "$PASSWORD_FILE")
  fi
  chmod 600 "$PASSWORD_FILE"
  tr -d '\n' < "$PASSWORD_FILE"
}

# ---------------------------------------------------------------------------- config

# Podman's defaults fail here (see the recipe): crun refuses hybrid cgroups, the default rlimits
# exceed our hard limits (no CAP_SYS_RESOURCE) and podman itself lowers NPROC to 32768; no systemd.
write_config() {
  local nofile nproc
  nofile=$(ulimit -Hn)
  [[ $nofile == unlimited ]] && nofile=1048576
  nproc=$(ulimit -Hu)
  if [[ $nproc == unlimited ]] || (( nproc > 32768 )); then nproc=32768; fi
  mkdir -p "$ENGINE"/{tmp,runroot,graph,registry-data,cni}
  cat > "$ENGINE/containers.conf.tmp" <<EOF
# written by scripts/engine.sh
[containers]
log_driver = "k8s-file"
default_ulimits = ["nofile=$nofile:$nofile", "nproc=$nproc:$nproc"]
[engine]
cgroup_manager = "cgroupfs"
events_logger = "file"
events_logfile_path = "$ENGINE/events.log"
runtime = "runc"
tmp_dir = "$ENGINE/tmp"
# An exec session's conmon stays this long for the API to read the exit code (default 300 s).
exit_command_delay = 30
[network]
network_backend = "cni"
network_config_dir = "$ENGINE/cni"
EOF
  cat > "$ENGINE/storage.conf.tmp" <<EOF
# written by scripts/engine.sh
[storage]
driver = "overlay"
runroot = "$ENGINE/runroot"
graphroot = "$ENGINE/graph"
EOF
  cat > "$ENGINE/registries.conf.tmp" <<EOF
# written by scripts/engine.sh (read once, when the service starts)
unqualified-search-registries = []
short-name-mode = "permissive"
[[registry]]
location = "127.0.0.1:$REGISTRY_PORT"
insecure = true
[[registry]]
location = "localhost:$REGISTRY_PORT"
insecure = true
EOF
  local f
  for f in containers storage registries; do mv -f "$ENGINE/$f.conf.tmp" "$ENGINE/$f.conf"; done
}

# ---------------------------------------------------------------------------- demo image

# A 2 MB image from the host's static busybox: `httpd -f -p 8080 -h /www` serves index.html.
build_image() {
  if podman image exists "$DEMO_IMAGE" 2> /dev/null; then
    log "image $DEMO_IMAGE present"
    return 0
  fi
  [[ -x /bin/busybox ]] || die "/bin/busybox not found: run scripts/deps.sh (busybox-static)"
  local root=$ENGINE/bbroot a
  rm -rf "$root"
  mkdir -p "$root"/{bin,etc,tmp,proc,sys,dev,root,www}
  cp /bin/busybox "$root/bin/busybox"
  for a in $("$root/bin/busybox" --list); do
    [[ -e $root/bin/$a ]] || ln -s busybox "$root/bin/$a"
  done
  printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/:/bin/false\n' > "$root/etc/passwd"
  printf 'root:x:0:\nnogroup:x:65534:\n' > "$root/etc/group"
  printf 'hello from coxswain\n' > "$root/www/index.html"
  chmod 1777 "$root/tmp"
  tar -C "$root" -c . | podman import -q \
      --change 'CMD ["httpd", "-f", "-p", "8080", "-h", "/www"]' \
      --change 'EXPOSE 8080/tcp' \
      --change 'ENV PATH=/bin' \
      - "$DEMO_IMAGE" > /dev/null
  rm -rf "$root"
  log "built $DEMO_IMAGE"
}

# ---------------------------------------------------------------------------- registry

registry_launch() {
  local pid password
  password=$(registry_password)
  if pid=$(running "$REGISTRY_PIDFILE"); then
    log "registry already running (pid $pid)"
    return 0
  fi
  if port_open 127.0.0.1 "$REGISTRY_PORT"; then
    pid=$(port_owner_pid "$REGISTRY_PORT")
    die "port $REGISTRY_PORT (registry) is already in use${pid:+ by pid $pid}; choose another REGISTRY_PORT"
  fi
  (umask 077; htpasswd -Bbn "$REGISTRY_USER" "$password" > "$ENGINE/htpasswd" 2> /dev/null) ||
    die "htpasswd failed (apache2-utils)"
  cat > "$ENGINE/registry.yml" <<EOF
version: 0.1
log: {level: warn}
storage:
  filesystem: {rootdirectory: $ENGINE/registry-data}
  delete: {enabled: true}
http: {addr: "127.0.0.1:$REGISTRY_PORT"}
auth:
  htpasswd: {realm: coxswain-registry, path: $ENGINE/htpasswd}
EOF
  log "starting registry on $REGISTRY"
  run_bg "$REGISTRY_PIDFILE" "$REGISTRY_LOG" docker-registry serve "$ENGINE/registry.yml"
  pid=$(cat "$REGISTRY_PIDFILE")
  local deadline=$((SECONDS + START_TIMEOUT)) code
  while :; do
    # Anonymous /v2/ answers 401 once the registry serves.
    code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 2 "http://$REGISTRY/v2/" 2> /dev/null || true)
    [[ $code == 401 ]] && break
    alive "$pid" || { tail_logs "$REGISTRY_LOG"; die "registry (pid $pid) exited during start-up"; }
    (( SECONDS < deadline )) || { tail_logs "$REGISTRY_LOG"; die "registry not ready after ${START_TIMEOUT}s"; }
    sleep 0.1
  done
}

push_image() {
  local password tag code
  password=$(registry_password)
  (umask 077; printf '{"auths":{"%s":{"auth":"%s"}}}\n' "$REGISTRY" \
    "$(printf '%s:%s' "$REGISTRY_USER" "$password" | base64 -w0)" > "$AUTH_FILE")
  for tag in 1 2; do
    code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 5 -u "$REGISTRY_USER:$password" \
      -H 'Accept: application/vnd.docker.distribution.manifest.v2+json' \
      -H 'Accept: application/vnd.oci.image.manifest.v1+json' \
      "http://$REGISTRY/v2/demo/httpd/manifests/$tag" 2> /dev/null || true)
    if [[ $code == 200 ]]; then
      log "registry has demo/httpd:$tag"
      continue
    fi
    podman push -q --tls-verify=false --authfile "$AUTH_FILE" "$DEMO_IMAGE" "docker://$PUSHED_REPO:$tag" ||
      die "push of $PUSHED_REPO:$tag failed"
    log "pushed $PUSHED_REPO:$tag"
  done
}

# ---------------------------------------------------------------------------- service

service_launch() {
  local pid
  if pid=$(running "$SERVICE_PIDFILE") && ping_socket; then
    log "podman service already running (pid $pid)"
    return 0
  fi
  [[ -n ${pid:-} ]] && kill_wait "$pid" TERM 10
  rm -f "$SOCKET"
  log "starting podman system service on $SOCKET"
  run_bg "$SERVICE_PIDFILE" "$SERVICE_LOG" podman system service --time=0 "unix://$SOCKET"
  pid=$(cat "$SERVICE_PIDFILE")
  local deadline=$((SECONDS + START_TIMEOUT))
  until ping_socket; do
    alive "$pid" || { tail_logs "$SERVICE_LOG"; die "podman service (pid $pid) exited during start-up"; }
    (( SECONDS < deadline )) || { tail_logs "$SERVICE_LOG"; die "podman service not ready after ${START_TIMEOUT}s"; }
    sleep 0.1
  done
}

print_env() {
  local password
  password=$(registry_password)
  printf 'export COXSWAIN_ENGINE_SOCKET=%q\n' "$SOCKET"
  printf 'export COXSWAIN_REGISTRY_URL=%q\n' "$REGISTRY"
  printf 'export COXSWAIN_REGISTRY_USER=%q\n' "$REGISTRY_USER"
  printf 'export COXSWAIN_REGISTRY_PASSWORD=%q\n' "$password"
}

# ---------------------------------------------------------------------------- commands

cmd_start() {
  local t0=$EPOCHREALTIME
  need podman runc conmon docker-registry htpasswd curl
  lock
  mkdir -p "$PIDS" "$LOGS"
  # registries.conf is read once by the service: write the config before anything starts.
  write_config
  build_image
  registry_launch
  push_image
  service_launch
  (umask 077; print_env > "$ENV_FILE.tmp"; mv -f "$ENV_FILE.tmp" "$ENV_FILE")
  log "engine ready in $(elapsed_since "$t0") s: socket $SOCKET, registry $REGISTRY; environment: . $ENV_FILE"
}

cmd_stop() {
  local t0=$EPOCHREALTIME
  [[ -d $ENGINE ]] || { log "nothing to stop ($ENGINE does not exist)"; return 0; }
  lock
  if [[ -f $CONTAINERS_CONF ]] && command -v podman > /dev/null; then
    # Stops and removes every container of this storage (and tears down their network).
    timeout 60 podman rm -af -t 1 > /dev/null 2>&1 || warn "podman rm -af failed"
    # Pods (POD --play) leave their pods and the kube network, whose bridge (cni-podmanN) outlives
    # this storage: remove the pods, then every network but the default, bridges included.
    timeout 60 podman pod rm -af -t 1 > /dev/null 2>&1 || warn "podman pod rm -af failed"
    timeout 30 podman network prune -f > /dev/null 2>&1 || warn "podman network prune failed"
  fi
  # conmon of finished exec sessions lingers for exit_command_delay and ignores SIGTERM: kill ours
  # (their arguments name our storage) by PID; their containers are gone already.
  local pid
  while read -r pid; do
    kill_wait "$pid" KILL 2
  done < <(ps -eo pid=,comm=,args= | awk -v p="$ENGINE/" '$2 == "conmon" && index($0, p) > 0 { print $1 }')
  if pid=$(running "$SERVICE_PIDFILE"); then log "stopping podman service (pid $pid)"; fi
  stop_pid "$SERVICE_PIDFILE" TERM 10
  if pid=$(running "$REGISTRY_PIDFILE"); then log "stopping registry (pid $pid)"; fi
  stop_pid "$REGISTRY_PIDFILE" TERM 10
  # Podman bind-mounts its overlay directory onto itself; more mounts remain if a container survived.
  local m
  while read -r m; do
    umount "$m" 2> /dev/null || umount -l "$m" 2> /dev/null || warn "cannot unmount $m"
  done < <(awk -v p="$ENGINE/" 'index($2, p) == 1 { print $2 }' /proc/self/mounts | sort -r)
  rm -rf "$ENGINE"/{graph,runroot,registry-data,tmp,cni,bbroot} "$ENGINE"/events.log* "$SOCKET" "$AUTH_FILE" "$ENV_FILE"
  log "engine stopped in $(elapsed_since "$t0") s"
}

status_line() {   # status_line NAME PIDFILE CHECK
  local name=$1 f=$2 pid state=down
  if "$3"; then state=up; fi
  if pid=$(running "$f"); then
    printf '%-16s running  pid %-8s %s\n' "$name" "$pid" "$state"
  else
    printf '%-16s stopped  %-12s %s\n' "$name" "" "$state"
  fi
}

registry_up() { [[ $(curl -s -o /dev/null -w '%{http_code}' --max-time 2 "http://$REGISTRY/v2/" 2> /dev/null) == 401 ]]; }

cmd_status() {
  echo "engine in $RUN_DIR"
  status_line podman-service "$SERVICE_PIDFILE" ping_socket
  status_line registry "$REGISTRY_PIDFILE" registry_up
}

case $CMD in
  start) cmd_start ;;
  stop) cmd_stop ;;
  status) cmd_status ;;
  env)
    [[ -s $PASSWORD_FILE ]] || die "no engine in $RUN_DIR yet: run 'RUN_DIR=$RUN_DIR scripts/engine.sh start' first"
    print_env
    ;;
  *) usage ;;
esac
