#!/usr/bin/env bash
# The whole Coxswain test suite: installs missing packages, builds, starts a private
# PostgreSQL + RabbitMQ in $REPO/.run-test (PG 25442, AMQP 25682, so it runs beside `make run`)
# and a container engine with a registry (scripts/engine.sh, registry 25510),
# runs `swift test` against them and always stops them again.
#
# Usage: scripts/test.sh [SWIFT_TEST_ARGS...]     e.g. scripts/test.sh --filter IntegrationTests
# Output of swift test is also kept in .run-test/test.log; the exit code is swift test's.
set -euo pipefail
# shellcheck source=scripts/lib.sh source-path=SCRIPTDIR/..
. "$(dirname -- "${BASH_SOURCE[0]}")/lib.sh"
LOG_TAG="test"

# TEST_RUN_DIR / TEST_PG_PORT / TEST_AMQP_PORT / TEST_REGISTRY_PORT let two suites run side by side (e.g. a chaos run beside make test).
export RUN_DIR=${TEST_RUN_DIR:-$REPO/.run-test} PG_PORT=${TEST_PG_PORT:-25442} AMQP_PORT=${TEST_AMQP_PORT:-25682}
REGISTRY_PORT=${TEST_REGISTRY_PORT:-25510}
T0=$EPOCHREALTIME
cd "$REPO"

"$REPO/scripts/deps.sh"

# The whole suite (no arguments, as CI runs it) starts with the static checks; their failure fails
# the run at the end, after the tests, so one CI run reports both.
validate_rc=0
if [[ $# -eq 0 ]]; then
  "$REPO/scripts/validate.sh" || validate_rc=$?
fi

t=$EPOCHREALTIME
log "swift build --build-tests"
swift build --build-tests
log "build took $(elapsed_since "$t") s"

# Fresh state: stop whatever an earlier, interrupted run left, then start from an empty dir.
if [[ -d $RUN_DIR ]]; then
  "$REPO/scripts/platform.sh" stop || true
  "$REPO/scripts/infra.sh" stop || true
  rm -rf "$RUN_DIR"
fi

# shellcheck disable=SC2317 # invoked by the trap
cleanup() {
  local rc=$?
  trap - EXIT INT TERM
  # Services that tests may have left behind (pidfiles under $RUN_DIR/pids), then the infra.
  "$REPO/scripts/platform.sh" stop > /dev/null 2>&1 || true
  "$REPO/scripts/engine.sh" stop || true
  "$REPO/scripts/infra.sh" stop || true
  log "total $(elapsed_since "$T0") s"
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

"$REPO/scripts/infra.sh" start
# shellcheck source=/dev/null
. "$RUN_DIR/infra.env"
# A real container engine (Podman's Docker API) and registry for the container suites.
REGISTRY_PORT=$REGISTRY_PORT "$REPO/scripts/engine.sh" start
# shellcheck source=/dev/null
. "$RUN_DIR/engine.env"
export COXSWAIN_BIN_DIR=$REPO/.build/debug
export COXSWAIN_TEST_RUN_DIR=$RUN_DIR
export COXSWAIN_TEST_RESTART_BROKER="$REPO/scripts/infra.sh restart-rabbitmq"   # needs RUN_DIR, AMQP_PORT (exported)
export COXSWAIN_TEST_RESTART_POSTGRES="$REPO/scripts/infra.sh restart-postgres"   # needs RUN_DIR, PG_PORT (exported)
export COXSWAIN_INTEGRATION=1

# Two phases, so tests that restart the shared broker never run beside each other: first every
# suite but the end-to-end one (Swift Testing runs suites in parallel), then the end-to-end suite
# (serialized). With arguments (e.g. --filter X) a single run with those arguments.
run_phase() {
  local t=$EPOCHREALTIME rc
  log "swift test --skip-build $*"
  set +e
  swift test --skip-build "$@" 2>&1 | tee -a "$RUN_DIR/test.log"
  rc=${PIPESTATUS[0]}
  set -e
  log "swift test $* exited $rc after $(elapsed_since "$t") s (log: $RUN_DIR/test.log)"
  return "$rc"
}
if [[ $# -gt 0 ]]; then
  run_phase "$@"
  exit $?
fi
rc1=0; rc2=0
run_phase --skip '^(IntegrationTests|BrokerAdminTests)\.' || rc1=$?
run_phase --filter '^(IntegrationTests|BrokerAdminTests)\.' --no-parallel || rc2=$?
if [[ $rc1 -ne 0 || $rc2 -ne 0 || $validate_rc -ne 0 ]]; then
  log "FAILED: unit/AMQP phase exit $rc1, end-to-end phase exit $rc2, validation exit $validate_rc"
  exit 1
fi
log "all phases passed"
