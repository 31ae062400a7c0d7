#!/usr/bin/env bash
# End-to-end latency of `coxswain exec --wait` against fleets of 12 and 52 nodes (the 2 default
# nodes plus N extra deployers), in a private run dir $REPO/.run-bench (PG 25452, AMQP 25692,
# HTTP 28090). Prints median/min/max in ms and writes them to .run-bench/bench-results.txt.
# Always stops everything it started.
#
# Usage: [SIZES="10 50"] [RUNS=7] scripts/bench.sh      (the first run of each series is a warm-up)
set -euo pipefail
# shellcheck source=scripts/lib.sh source-path=SCRIPTDIR/..
. "$(dirname -- "${BASH_SOURCE[0]}")/lib.sh"
LOG_TAG=bench

export RUN_DIR=$REPO/.run-bench PG_PORT=25452 AMQP_PORT=25692 HTTP_PORT=28090
export BIN_DIR=$REPO/.build/debug
SIZES=${SIZES:-10 50}
RUNS=${RUNS:-7}
{ [[ $RUNS =~ ^[0-9]+$ ]] && (( RUNS >= 2 )); } || die "RUNS must be >= 2 (one warm-up + measured runs)"
SOCK=$RUN_DIR/coxswain.sock
cd "$REPO"

"$REPO/scripts/deps.sh"
t=$EPOCHREALTIME
swift build
log "build took $(elapsed_since "$t") s"

if [[ -d $RUN_DIR ]]; then   # leftovers of an interrupted run
  "$REPO/scripts/platform.sh" stop || true
  "$REPO/scripts/infra.sh" stop || true
fi

# shellcheck disable=SC2317 # invoked by the trap
cleanup() {
  local rc=$?
  trap - EXIT INT TERM
  "$REPO/scripts/platform.sh" stop || true
  "$REPO/scripts/infra.sh" stop || true
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

"$REPO/scripts/infra.sh" start
"$REPO/scripts/platform.sh" start

OUT=$RUN_DIR/bench
mkdir -p "$OUT"
RESULTS=$RUN_DIR/bench-results.txt
ROWS=()

# series NODES LABEL ARGS...: RUNS timed runs of coxswain ARGS; prints a table row. In ARGS, @RUN@
# becomes the run's number and @BLOB@ a fresh 1 MiB random file (made before the clock starts).
series() {
  local nodes=$1 label=$2 i start end ms times=() med min max out args
  shift 2
  for ((i = 0; i < RUNS; i++)); do
    head -c 1048576 /dev/urandom > "$OUT/blob-$i.bin"
    args=("${@//@RUN@/$nodes-$i}")
    args=("${args[@]//@BLOB@/$OUT/blob-$i.bin}")
    start=$(date +%s%N)
    out=$OUT/${label// /_}-$nodes-$i.out
    if ! COXSWAIN_SOCKET=$SOCK "$BIN_DIR/coxswain" "${args[@]}" > "$out" 2>&1; then
      tail_logs "$out"
      die "coxswain $* failed (run $i, $nodes nodes)"
    fi
    end=$(date +%s%N)
    ms=$(( (end - start) / 1000000 ))
    (( i == 0 )) || times+=("$ms")   # run 0 is the warm-up
  done
  local sorted stats
  sorted=$(printf '%s\n' "${times[@]}" | sort -n)
  stats=$(awk '{ v[NR] = $1 } END {
      med = (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
      printf "%.1f %d %d", med, v[1], v[NR] }' <<< "$sorted")
  read -r med min max <<< "$stats"
  ROWS+=("$(printf '%-6s %-10s %5s %10s %8s %8s' "$nodes" "$label" "${#times[@]}" "$med" "$min" "$max")  [$(tr '\n' ' ' <<< "$sorted")]")
  printf '%s\n' "${ROWS[-1]}"
}

HEADER=$(printf '%-6s %-10s %5s %10s %8s %8s' nodes verb runs median_ms min_ms max_ms)
echo "$HEADER"
for n in $SIZES; do
  [[ $n =~ ^[0-9]+$ ]] || die "SIZES must be numbers: $SIZES"
  "$REPO/scripts/platform.sh" stop-deployers bench
  "$REPO/scripts/platform.sh" start-deployers "$n" bench
  nodes=$(online_nodes "$BIN_DIR" "$SOCK" all)
  (( nodes == n + 2 )) || warn "expected $((n + 2)) online nodes, the gateway reports $nodes"
  series "$nodes" "RUN --skip-cache true" exec --verb RUN '--skip-cache true' --wait --output json
  series "$nodes" "ECHO hi" exec --verb ECHO hi --wait --output json
  # A new 1 MiB file each run: hashed and uploaded once by the CLI, fetched by every node (signed, digest-checked).
  series "$nodes" "COPY 1MiB" exec --verb COPY "@BLOB@ $OUT/copied/@RUN@/" --wait --output json
  # Two phases: every node's QUERY, then the query data sent to every node with the next step.
  series "$nodes" "QUERY" exec --verb QUERY "--skip-cache nothing" --wait --output json
done

{
  echo "# coxswain bench $(date '+%F %T'), commit $(git -C "$REPO" rev-parse --short HEAD 2> /dev/null || echo none)," \
       "$(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg); end-to-end ms per 'coxswain exec ... --wait'," \
       "$((RUNS - 1)) runs after 1 warm-up; [sorted runs]"
  echo "$HEADER"
  printf '%s\n' "${ROWS[@]}"
} > "$RESULTS"
log "results in $RESULTS"
