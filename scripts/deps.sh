#!/usr/bin/env bash
# Install the Debian packages Coxswain needs to build, test and run locally (Debian 12).
# Idempotent and fast when everything is present: only missing packages are installed.
#
# Usage: scripts/deps.sh
# Runs apt-get as root, through sudo when not root (sudo -n without a terminal, as in CI);
# otherwise prints the command to run and exits 1. Swift itself is not installed here.
set -euo pipefail
# shellcheck source=scripts/lib.sh source-path=SCRIPTDIR/..
. "$(dirname -- "${BASH_SOURCE[0]}")/lib.sh"
LOG_TAG=deps

PACKAGES=(
  rabbitmq-server librabbitmq-dev libsodium-dev libyaml-dev libssh2-1-dev openssh-server openssh-client
  postgresql-15 postgresql-client-15 libpq-dev libsqlite3-dev
  curl python3 ca-certificates procps iproute2 shellcheck facter
  podman runc catatonit busybox-static docker-registry apache2-utils
  docker-compose python3-venv
  chromium chromium-driver
)

command -v dpkg-query > /dev/null || die "dpkg-query not found: these scripts expect Debian 12 (install ${PACKAGES[*]} yourself)"
command -v swift > /dev/null || warn "swift is not on PATH: install a Swift toolchain (swift.org) to build Coxswain"

missing=()
for p in "${PACKAGES[@]}"; do
  status=$(dpkg-query -W -f='${db:Status-Status}' "$p" 2> /dev/null || true)
  [[ $status == installed ]] || missing+=("$p")
done
if (( ${#missing[@]} == 0 )); then
  log "all ${#PACKAGES[@]} packages present"
  exit 0
fi

APT_INSTALL=(apt-get -o DPkg::Lock::Timeout=600 install -y --no-install-recommends "${missing[@]}")
if [[ $(id -u) == 0 ]]; then
  AS_ROOT=()
elif command -v sudo > /dev/null; then
  if [[ -t 0 ]]; then AS_ROOT=(sudo); else AS_ROOT=(sudo -n); fi
else
  log "missing packages: ${missing[*]}"
  echo "Run as root:" >&2
  echo "  apt-get update && DEBIAN_FRONTEND=noninteractive ${APT_INSTALL[*]}" >&2
  exit 1
fi

log "installing: ${missing[*]}"
# Package scripts must not start system services (a system RabbitMQ or PostgreSQL would take
# default ports, and RabbitMQ's default distribution port 25672 is our default AMQP port).
# Where no policy-rc.d exists, add one for the duration of the install.
POLICY=/usr/sbin/policy-rc.d
if [[ ! -e $POLICY ]]; then
  printf '#!/bin/sh\n# temporary, from coxswain scripts/deps.sh\nexit 101\n' | "${AS_ROOT[@]}" tee "$POLICY" > /dev/null
  "${AS_ROOT[@]}" chmod 755 "$POLICY"
  trap '"${AS_ROOT[@]}" rm -f "$POLICY"' EXIT
fi
t0=$EPOCHREALTIME
"${AS_ROOT[@]}" apt-get -o DPkg::Lock::Timeout=600 update
"${AS_ROOT[@]}" env DEBIAN_FRONTEND=noninteractive "${APT_INSTALL[@]}"
log "installed ${#missing[@]} packages in $(elapsed_since "$t0") s"
