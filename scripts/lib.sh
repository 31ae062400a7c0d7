# shellcheck shell=bash
# Shared helpers for the Coxswain scripts. Source it, do not run it:
#   . "$(dirname -- "${BASH_SOURCE[0]}")/lib.sh"
# Provides: REPO (repository root), log/warn/die, abspath, alive PID, running PIDFILE,
# write_pidfile PIDFILE PID, kill_wait PID [SIGNAL] [TIMEOUT_S], stop_pid PIDFILE [SIGNAL] [TIMEOUT_S], run_bg PIDFILE LOG CMD...,
# port_open HOST PORT, wait_port HOST PORT TIMEOUT_S, port_owner_pid PORT, tail_logs FILE...,
# elapsed_since T0 (T0 from $EPOCHREALTIME), random_secret, online_nodes (python3 JSON check).
#
# Process rules on this machine (see the recipes): PID 1 reaps orphans slowly, so a dead
# service stays a zombie for ~1 s and `kill -0` still succeeds. `alive` reads the process
# state instead. Services are started so that `$!` is the service itself, in their own
# session (setsid), with stdin from /dev/null and output appended to a log file.

# shellcheck disable=SC2034 # used by the scripts that source this file
REPO=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")/.." && pwd -P)
# The scripts take a lock on this file descriptor; run_bg closes it for the services.
LOCK_FD=9

log()  { printf '%s [%s] %s\n' "$(date +%H:%M:%S)" "${LOG_TAG:-${0##*/}}" "$*" >&2; }
warn() { log "WARNING: $*"; }
die()  { log "ERROR: $*"; exit 1; }

# abspath PATH: absolute form of PATH (relative to $PWD), without creating anything.
abspath() {
  case $1 in
    /*) printf '%s\n' "${1%/}" ;;
    *) local p=${1#./}; printf '%s\n' "${PWD%/}/${p%/}" ;;
  esac
}

# alive PID: true if the process exists and is not a zombie.
alive() {
  local s
  [[ ${1:-} =~ ^[0-9]+$ ]] || return 1
  s=$(ps -o stat= -p "$1" 2>/dev/null) || return 1
  s=${s// /}
  [[ -n $s && ${s:0:1} != Z ]]
}

# start_ticks PID: when the process started, in clock ticks since boot (/proc/PID/stat field 22).
# Unlike wall-clock times it does not move when the clock is set, and with the PID it names one
# process for the whole uptime.
start_ticks() {
  local stat fields
  stat=$(< "/proc/$1/stat") 2> /dev/null || return 1
  read -r -a fields <<< "${stat##*) }"   # fields[0] is field 3 (state); comm may hold spaces
  [[ ${fields[19]:-} =~ ^[0-9]+$ ]] || return 1
  printf '%s\n' "${fields[19]}"
}

# write_pidfile PIDFILE PID: records PID and, beside it in PIDFILE.start, its start ticks.
write_pidfile() {
  printf '%s\n' "$2" > "$1"
  start_ticks "$2" > "$1.start" 2> /dev/null || rm -f -- "$1.start"
}

# running PIDFILE: prints the PID and succeeds if the pidfile names a live process that is the
# one it was written for (so a PID reused after a reboot or a crash does not count as our
# service). With a PIDFILE.start stamp (write_pidfile, run_bg) the start ticks must match, which
# survives wall-clock jumps; a pidfile a daemon wrote itself falls back to "started no later than
# the pidfile was written" (wall clock), or a command line naming $RUN_DIR.
running() {
  local f=$1 pid etimes mtime now stamp
  [[ -s $f ]] || return 1
  read -r pid < "$f" || true
  alive "$pid" || return 1
  if [[ -s $f.start ]]; then
    read -r stamp < "$f.start" || true
    [[ $(start_ticks "$pid") == "$stamp" ]] || return 1
    printf '%s\n' "$pid"
    return 0
  fi
  etimes=$(ps -o etimes= -p "$pid" 2>/dev/null) || return 1
  etimes=${etimes// /}
  mtime=$(stat -c %Y "$f") || return 1
  now=$(date +%s)
  if (( now - etimes > mtime + 2 )); then
    [[ -n ${RUN_DIR:-} ]] && tr '\0' ' ' < "/proc/$pid/cmdline" 2> /dev/null | grep -qF -- "$RUN_DIR" || return 1
  fi
  printf '%s\n' "$pid"
}

# kill_wait PID [SIGNAL] [TIMEOUT_S]: signal PID, wait until it is gone; after TIMEOUT_S
# (default 30) escalate to KILL. Always succeeds.
kill_wait() {
  local pid=$1 sig=${2:-TERM} t=${3:-30} i=0
  alive "$pid" || return 0
  kill -"$sig" "$pid" 2>/dev/null || return 0
  while alive "$pid"; do
    sleep 0.1
    i=$((i + 1))
    if (( i == t * 10 )); then
      warn "pid $pid still alive ${t}s after SIG$sig; sending KILL"
      kill -KILL "$pid" 2>/dev/null || true
    fi
    (( i < t * 10 + 100 )) || { warn "pid $pid survived KILL"; return 0; }
  done
}

# stop_pid PIDFILE [SIGNAL] [TIMEOUT_S]: stop the process named by PIDFILE (if it is ours and
# alive) with SIGNAL (default TERM), escalate to KILL after TIMEOUT_S (default 30), remove PIDFILE.
stop_pid() {
  local f=$1 pid
  if pid=$(running "$f"); then
    kill_wait "$pid" "${2:-TERM}" "${3:-30}"
  fi
  rm -f -- "$f" "$f.start"
}

# run_bg PIDFILE LOGFILE CMD [ARGS...]: start CMD in the background in its own session,
# stdin from /dev/null, stdout+stderr appended to LOGFILE; write its PID to PIDFILE.
run_bg() {
  local pidfile=$1 logfile=$2
  shift 2
  mkdir -p -- "$(dirname -- "$pidfile")" "$(dirname -- "$logfile")"
  printf '==== %s starting: %s\n' "$(date '+%F %T')" "$*" >> "$logfile"
  # setsid execs (the child of a non-interactive shell is no group leader), so $! is CMD.
  setsid "$@" < /dev/null >> "$logfile" 2>&1 {LOCK_FD}>&- &
  write_pidfile "$pidfile" "$!"
}

# port_open HOST PORT: true if a TCP connect succeeds.
port_open() { (exec 3<> "/dev/tcp/$1/$2") 2> /dev/null; }

# wait_port HOST PORT TIMEOUT_S: poll every 0.1 s until the port accepts connections.
wait_port() {
  local host=$1 port=$2 deadline=$((SECONDS + $3))
  until port_open "$host" "$port"; do
    (( SECONDS < deadline )) || return 1
    sleep 0.1
  done
}

# wait_port_closed HOST PORT TIMEOUT_S: poll every 0.05 s until nothing listens on the port. A
# killed multi-threaded process (beam) shows as a zombie before its last thread has closed the
# listening sockets, so "dead" is not yet "port free".
wait_port_closed() {
  local host=$1 port=$2 deadline=$((SECONDS + $3))
  while port_open "$host" "$port"; do
    (( SECONDS < deadline )) || return 1
    sleep 0.05
  done
}

# port_owner_pid PORT: PID of the process listening on TCP PORT (needs ss; empty if unknown).
port_owner_pid() {
  ss -Hltnp "sport = :$1" 2> /dev/null | grep -o 'pid=[0-9]*' | head -n 1 | cut -d= -f2 || true
}

# tail_logs FILE...: print the last ${TAIL_LINES:-40} lines of each existing file.
tail_logs() {
  local f
  for f in "$@"; do
    [[ -f $f ]] || continue
    printf '\n==> %s (last %s lines) <==\n' "$f" "${TAIL_LINES:-40}" >&2
    tail -n "${TAIL_LINES:-40}" -- "$f" >&2 || true
  done
}

# elapsed_since T0: seconds (one decimal) since T0, a value of $EPOCHREALTIME.
elapsed_since() {
  local now=${EPOCHREALTIME/[.,]/} t0=${1/[.,]/}
  local ms=$(( (now - t0) / 1000 ))
  printf '%d.%d\n' $((ms / 1000)) $(((ms % 1000) / 100))
}

# random_secret: 32 hex characters from /dev/urandom (safe in URLs and config files).
random_secret() { od -An -N16 -tx1 /dev/urandom | tr -d ' \n'; }

# online_nodes BIN_DIR SOCKET MODE [ARGS...]: number of nodes reported "online" by
#   COXSWAIN_SOCKET=SOCKET coxswain manage --list-nodes --output json
# (the socket goes in the environment: --socket is an option of each subcommand, so
# `coxswain --socket S manage` would be rejected by ArgumentParser.)
# MODE: all | names NAME... | prefix PREFIX (counts names PREFIX-<number>). Prints 0 on any error.
online_nodes() {
  local bin=$1 sock=$2 out
  shift 2
  out=$(COXSWAIN_SOCKET=$sock "$bin/coxswain" manage --list-nodes --output json 2> /dev/null) || { echo 0; return 0; }
  printf '%s' "$out" | python3 -c '
import json, re, sys
try:
    data = json.load(sys.stdin)
except ValueError:
    print(0); sys.exit(0)
if isinstance(data, dict):
    data = next((data[k] for k in ("nodes", "items", "data") if isinstance(data.get(k), list)), [])
mode, args = sys.argv[1], sys.argv[2:]
count = 0
for node in data if isinstance(data, list) else []:
    if not isinstance(node, dict) or str(node.get("status", "")).lower() != "online":
        continue
    name = str(node.get("name", ""))
    if mode == "all" or (mode == "names" and name in args) or (mode == "prefix" and re.fullmatch(re.escape(args[0]) + r"-[0-9]+", name)):
        count += 1
print(count)
' "$@" || echo 0
}

# venv_install VENV PACKAGE VERSION: PACKAGE==VERSION in the virtualenv VENV (made when missing),
# installed only when that version is not there yet (idempotent; never reads stdin).
venv_install() {
  local venv=$1 package=$2 version=$3
  if [[ ! -x $venv/bin/python ]]; then
    mkdir -p "$(dirname "$venv")"
    python3 -m venv "$venv"
  fi
  if ! "$venv/bin/python" -m pip show "$package" 2> /dev/null | grep -qx "Version: $version"; then
    "$venv/bin/python" -m pip install --quiet --disable-pip-version-check "$package==$version" < /dev/null
  fi
}
