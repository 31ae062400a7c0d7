#!/usr/bin/env bash
# End-to-end test of compose/compose.yaml (make compose-test): brings the platform up with
# scripts/compose.sh (own engine and run dir), then from the HOST, with the CLI over HTTP on the
# published Gateway port (login as the generated admin):
#   1. coxswain exec RUN on both demo nodes; an orchestration of two blocks (--wait --check);
#   2. scales the Scheduler to 3 (docker-compose up --scale scheduler=3), all healthy;
#   3. starts an orchestration of STEPS steps on both nodes (each step appends its number to a file
#      in the node's container), kills one Scheduler container with SIGKILL mid-run, and checks that
#      the run succeeds and every step ran exactly once on every node (no task lost or repeated);
# then tears everything down (KEEP=1 leaves it up).
#
# Usage: [RUN_DIR=.run-compose] [STEPS=40] scripts/compose-test.sh [--if-images]
#   --if-images   skip (exit 0, with a message) when `make images` has not built the images: how
#                 `make test` calls it, so a fresh clone's test run does not get slower.
set -euo pipefail
# shellcheck source=scripts/lib.sh source-path=SCRIPTDIR/..
. "$(dirname -- "${BASH_SOURCE[0]}")/lib.sh"
LOG_TAG=compose-test

if [[ ${1:-} == -h || ${1:-} == --help ]]; then sed -n '2,15s/^# \{0,1\}//p' "${BASH_SOURCE[0]}" >&2; exit 0; fi
RUN_DIR=$(abspath "${RUN_DIR:-$REPO/.run-compose}")
export RUN_DIR
STEPS=${STEPS:-40}
T0=$EPOCHREALTIME

if ! "$REPO/scripts/images.sh" exists; then
  if [[ ${1:-} == --if-images ]]; then
    log "SKIPPED: the container images are not built (make images builds them; then make compose-test or make test runs this test)"
    exit 0
  fi
  die "the container images are not built: run make images first"
fi

# The host's CLI: the release build the images came from, else a debug build.
CLI=$REPO/.build-release/release/coxswain
[[ -x $CLI ]] || CLI=$REPO/.build/debug/coxswain
[[ -x $CLI ]] || die "no coxswain CLI binary (.build-release/release or .build/debug): build first"
export COXSWAIN_CONFIG_DIR=$RUN_DIR/cli-config   # the test's own saved session, not yours
WORK=$RUN_DIR/compose-test
rm -rf "$WORK" "$COXSWAIN_CONFIG_DIR"
mkdir -p "$WORK" "$COXSWAIN_CONFIG_DIR"

compose() { "$REPO/scripts/compose.sh" "$@"; }
# shellcheck disable=SC2317 # invoked by the trap
cleanup() {
  local rc=$?
  trap - EXIT INT TERM
  if (( rc != 0 )); then
    compose dc ps >&2 || true
    compose dc logs --tail 15 >&2 2> /dev/null || true
  fi
  if [[ ${KEEP:-0} == 1 ]]; then
    log "KEEP=1: the platform stays up (scripts/compose.sh down stops it)"
  else
    compose down || true
  fi
  if (( rc == 0 )); then log "PASSED in $(elapsed_since "$T0") s"; else log "FAILED (exit $rc) after $(elapsed_since "$T0") s"; fi
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# ---------------------------------------------------------------------------- up

t=$EPOCHREALTIME
compose up
UP_SECONDS=$(elapsed_since "$t")
log "compose up took $UP_SECONDS s"
env_value() { sed -n "s/^$1=//p" "$REPO/compose/.env" | tail -n 1; }
COXSWAIN_URL=http://127.0.0.1:$(env_value COXSWAIN_GATEWAY_PORT)
export COXSWAIN_URL
export DOCKER_HOST=unix://$RUN_DIR/engine/podman.sock
export CONTAINERS_CONF=$RUN_DIR/engine/containers.conf CONTAINERS_STORAGE_CONF=$RUN_DIR/engine/storage.conf \
  CONTAINERS_REGISTRIES_CONF=$RUN_DIR/engine/registries.conf

COXSWAIN_PASSWORD=$(env_value COXSWAIN_ADMIN_PASSWORD) "$CLI" login --url "$COXSWAIN_URL" --user "$(env_value COXSWAIN_ADMIN_USER)" < /dev/null

# ---------------------------------------------------------------------------- 1. exec + orchestrate

# shellcheck disable=SC2016 # expanded on the node
out=$("$CLI" exec --verb RUN '--skip-cache echo "hello from $(uname -n)"' --wait --check --no-trunc < /dev/null)
printf '%s\n' "$out"
for node in node-a node-b; do
  grep -q "hello from $node" <<< "$out" || die "exec: no output from $node"
done
log "exec RUN on both nodes: OK"

cat > "$WORK/site.yaml" <<'EOF'
- jobs:
    - RUN: echo first block on $(uname -n)
    - ECHO: second step
- jobs:
    - RUN: test -d /var/lib/coxswain/deployer && echo second block
EOF
"$CLI" orchestrate "$WORK/site.yaml" --wait --check < /dev/null || die "the orchestration failed"
log "orchestration of two blocks: OK"

# Through the second Gateway too (both serve the same platform).
# (a session is saved per URL: a second session, through gateway-b, in its own directory)
gw_b=http://127.0.0.1:$(env_value COXSWAIN_GATEWAY_B_PORT)
COXSWAIN_CONFIG_DIR=$WORK/cli-b COXSWAIN_PASSWORD=$(env_value COXSWAIN_ADMIN_PASSWORD) \
  "$CLI" login --url "$gw_b" --user "$(env_value COXSWAIN_ADMIN_USER)" < /dev/null > /dev/null
COXSWAIN_CONFIG_DIR=$WORK/cli-b COXSWAIN_URL=$gw_b "$CLI" manage --list-nodes < /dev/null || die "gateway-b does not answer"

# ---------------------------------------------------------------------------- 2. scale

t=$EPOCHREALTIME
compose dc up -d --no-recreate --scale scheduler=3 scheduler
deadline=$((SECONDS + 120))
while :; do
  n=$(podman ps --filter label=com.docker.compose.project=coxswain --filter label=com.docker.compose.service=scheduler \
    --filter health=healthy -q | wc -l)
  (( n >= 3 )) && break
  (( SECONDS < deadline )) || die "only $n of 3 Schedulers healthy after 120 s"
  sleep 0.5
done
log "scaled to 3 healthy Schedulers in $(elapsed_since "$t") s"

# ---------------------------------------------------------------------------- 3. kill one mid-run

run_id=$(random_secret | cut -c1-8)
marks=/tmp/cx-steps-$run_id
{
  echo "- jobs:"
  for ((i = 1; i <= STEPS; i++)); do
    echo "    - RUN: sleep 0.1; echo $i >> $marks"
  done
} > "$WORK/long.yaml"
"$CLI" orchestrate "$WORK/long.yaml" --wait --check < /dev/null > "$WORK/long.out" 2>&1 &
orch_pid=$!
sleep "${KILL_AFTER:-2}"
victim=$(podman ps --filter label=com.docker.compose.project=coxswain --filter label=com.docker.compose.service=scheduler \
  --format '{{.Names}}' | sort | tail -n 1)
[[ -n $victim ]] || die "no Scheduler container to kill"
alive "$orch_pid" || { cat "$WORK/long.out" >&2; die "the orchestration finished before the kill: raise STEPS"; }
podman kill --signal KILL "$victim" > /dev/null
log "killed $victim (SIGKILL) mid-run"
rc=0
wait "$orch_pid" || rc=$?
grep -E "^(parent|job) " "$WORK/long.out" || true
(( rc == 0 )) || die "the orchestration that lived through the kill exited $rc"
expected=$(seq 1 "$STEPS")
for node in node-a node-b; do
  ctr=coxswain_deployer-${node#node-}_1
  got=$(podman exec "$ctr" cat "$marks")
  if [[ $got != "$expected" ]]; then
    printf 'expected 1..%s once each, in order; got:\n%s\n' "$STEPS" "$got" >&2
    die "$node: steps lost or repeated after the Scheduler was killed"
  fi
done
log "all $STEPS steps ran exactly once on both nodes with a Scheduler killed mid-run: OK"

# ---------------------------------------------------------------------------- figures

log "figures: compose up $UP_SECONDS s (images loaded, engine started, healthy, admin and two nodes enrolled)"
podman images --format '{{.Repository}}:{{.Tag}} {{.Size}}' | grep 'coxswain-.*:latest' | sort >&2 || true
