#!/usr/bin/env bash
# A throwaway OpenSSH server for tests (CoxswainSSH), on loopback, stopped by its recorded PID.
#
# Usage:
#   scripts/sshd.sh start DIR PORT USER [HOST_ADDRESS]   start sshd (idempotent), wait until the port accepts
#   scripts/sshd.sh stop DIR                              stop the sshd recorded in DIR/sshd.pid
#   scripts/sshd.sh status DIR                            print the PID if it runs
#
# `start` (as root) creates USER if missing (useradd -m; `usermod -p '*'` unlocks it without a
# password), generates once in DIR: host keys ssh_host_{ed25519,ecdsa,rsa}_key and client keys
# id_ed25519, id_ecdsa, id_rsa (no passphrase), authorizes the client keys for USER in
# DIR/authorized_keys/USER, writes DIR/sshd_config, checks it with `sshd -t`, and runs
# `/usr/sbin/sshd -D -e` in the background (log: DIR/sshd.log, PID: DIR/sshd.pid).
# HOST_ADDRESS defaults to 127.0.0.1 (use ::1 for IPv6). The project's tests use ports 24022-24040.
#
# Traps handled (see shared/recipes/services.md §4): sshd needs an absolute path and /run/sshd;
# useradd leaves the account locked ('!'), which sshd refuses with UsePAM no; StrictModes no
# because DIR lives under /tmp; PubkeyAcceptedAlgorithms +ssh-rsa because libssh2 1.10 signs RSA
# user keys with SHA-1 only.
set -euo pipefail

usage() { sed -n '2,19s/^# \{0,1\}//p' "${BASH_SOURCE[0]}" >&2; exit "${1:-2}"; }
log() { printf '%s [sshd.sh] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

# alive PID: the process exists and is not a zombie (PID 1 reaps orphans slowly here).
alive() {
  local s
  [[ ${1:-} =~ ^[0-9]+$ ]] || return 1
  s=$(ps -o stat= -p "$1" 2>/dev/null) || return 1
  s=${s// /}
  [[ -n $s && ${s:0:1} != Z ]]
}

# our_pid DIR: prints the recorded PID if it is alive and is the sshd of DIR's config.
our_pid() {
  local pid
  [[ -s $1/sshd.pid ]] || return 1
  read -r pid < "$1/sshd.pid" || return 1
  alive "$pid" || return 1
  tr '\0' ' ' < "/proc/$pid/cmdline" 2>/dev/null | grep -qF -- "$1/sshd_config" || return 1
  printf '%s\n' "$pid"
}

port_open() { (exec 3<> "/dev/tcp/$1/$2") 2>/dev/null; }

absdir() { mkdir -p -- "$1" && (cd -- "$1" && pwd -P); }

start() {
  [[ $# -ge 3 && $# -le 4 ]] || usage
  local dir port=$2 user=$3 address=${4:-127.0.0.1} pid i
  if ! [[ $port =~ ^[0-9]+$ ]] || (( port < 1 || port > 65535 )); then die "PORT must be a TCP port number"; fi
  [[ $user =~ ^[a-z_][a-z0-9_-]*$ ]] || die "USER must be a plain user name"
  [[ $(id -u) == 0 ]] || die "must run as root (creates the user, sshd needs privilege separation)"
  dir=$(absdir "$1")
  if pid=$(our_pid "$dir"); then
    log "already running: pid $pid"
    return 0
  fi

  if ! id "$user" > /dev/null 2>&1; then
    useradd -m -s /bin/bash "$user"
  fi
  usermod -p '*' "$user"

  local t
  for t in ed25519 ecdsa rsa; do
    [[ -f $dir/ssh_host_${t}_key ]] || ssh-keygen -q -t "$t" -N '' -C "host-$t" -f "$dir/ssh_host_${t}_key"
    [[ -f $dir/id_$t ]] || ssh-keygen -q -t "$t" -N '' -C "client-$t" -f "$dir/id_$t"
  done
  mkdir -p "$dir/authorized_keys"
  cat "$dir/id_ed25519.pub" "$dir/id_ecdsa.pub" "$dir/id_rsa.pub" > "$dir/authorized_keys/$user"
  chmod 644 "$dir/authorized_keys/$user"

  cat > "$dir/sshd_config" <<CONF
Port $port
ListenAddress $address
HostKey $dir/ssh_host_ed25519_key
HostKey $dir/ssh_host_ecdsa_key
HostKey $dir/ssh_host_rsa_key
PidFile none
AuthorizedKeysFile $dir/authorized_keys/%u
AuthenticationMethods publickey
PubkeyAuthentication yes
PasswordAuthentication no
KbdInteractiveAuthentication no
PermitRootLogin no
AllowUsers $user
UsePAM no
StrictModes no
# libssh2 1.10 signs RSA user keys with SHA-1 ("ssh-rsa") only; OpenSSH 8.8+ refuses that by default.
PubkeyAcceptedAlgorithms +ssh-rsa
PrintMotd no
Subsystem sftp internal-sftp
LogLevel VERBOSE
CONF

  mkdir -p /run/sshd
  chmod 755 /run/sshd
  /usr/sbin/sshd -t -f "$dir/sshd_config" || die "sshd -t rejected $dir/sshd_config"
  # Absolute path (sshd re-execs itself); -D keeps it in the foreground so $! is the listener.
  /usr/sbin/sshd -D -e -f "$dir/sshd_config" < /dev/null > "$dir/sshd.log" 2>&1 &
  pid=$!
  echo "$pid" > "$dir/sshd.pid"
  for ((i = 0; i < 500; i++)); do
    if port_open "$address" "$port"; then
      log "sshd pid $pid listening on $address port $port (user $user, dir $dir)"
      return 0
    fi
    alive "$pid" || break
    sleep 0.02
  done
  tail -n 20 "$dir/sshd.log" >&2 || true
  if alive "$pid"; then kill -TERM "$pid" 2> /dev/null || true; fi
  rm -f "$dir/sshd.pid"
  die "sshd did not accept connections on $address port $port"
}

stop() {
  [[ $# -eq 1 ]] || usage
  local dir pid i
  [[ -d $1 ]] || { log "no directory $1: nothing to stop"; return 0; }
  dir=$(cd -- "$1" && pwd -P)
  if ! pid=$(our_pid "$dir"); then
    rm -f "$dir/sshd.pid"
    log "not running"
    return 0
  fi
  kill -TERM "$pid" 2> /dev/null || true
  for ((i = 0; i < 100; i++)); do
    alive "$pid" || break
    sleep 0.05
  done
  if alive "$pid"; then
    log "sshd pid $pid ignored SIGTERM: SIGKILL"
    kill -KILL "$pid" 2> /dev/null || true
  fi
  rm -f "$dir/sshd.pid"
  log "stopped sshd pid $pid"
}

status() {
  [[ $# -eq 1 ]] || usage
  local dir pid
  dir=$(cd -- "$1" 2> /dev/null && pwd -P) || { echo "stopped"; return 1; }
  if pid=$(our_pid "$dir"); then echo "running $pid"; else echo "stopped"; return 1; fi
}

[[ $# -ge 1 ]] || usage
cmd=$1
shift
case $cmd in
  start) start "$@" ;;
  stop) stop "$@" ;;
  status) status "$@" ;;
  -h | --help | help) usage 0 ;;
  *) usage ;;
esac
