#!/usr/bin/env bash
# Static checks that CI runs before the tests (make test calls this first; make validate alone):
#   1. swift format lint --strict with the checked-in .swift-format over every Swift file;
#   2. shellcheck over the scripts;
#   3. the route table is the one source of API paths: no "/v1/..." literal in the CLI's sources;
#   4. the Kubernetes manifests in compose/kubernetes render and validate (scripts/k8s-validate.sh).
# Fix formatting with `make format` (swift format format -i with the same configuration).
set -euo pipefail
# shellcheck source=scripts/lib.sh source-path=SCRIPTDIR/..
. "$(dirname -- "${BASH_SOURCE[0]}")/lib.sh"
LOG_TAG=validate
cd "$REPO"

failed=0

t=$EPOCHREALTIME
mapfile -t swift_files < <(git ls-files -co --exclude-standard -- '*.swift')
if ! swift format lint --strict --parallel --configuration .swift-format "${swift_files[@]}"; then
  warn "swift format lint found problems (fix them with: make format)"
  failed=1
fi
log "swift format lint: ${#swift_files[@]} files in $(elapsed_since "$t") s"

if command -v shellcheck > /dev/null; then
  if ! shellcheck -x scripts/*.sh .ci/run; then
    warn "shellcheck found problems"
    failed=1
  fi
else
  warn "shellcheck not installed (scripts/deps.sh installs it); scripts not checked"
fi

if grep -rn --include='*.swift' '"/v1/' CLI/Sources; then
  warn "the CLI repeats API paths; use APIRoute (Shared/CoxswainCore/API/APIRoute.swift)"
  failed=1
fi

# The Kubernetes manifests render (kubectl kustomize) and pass kubernetes-validate --strict, offline
# (skipped with a message when kubectl or the validator is missing).
t=$EPOCHREALTIME
if ! "$REPO/scripts/k8s-validate.sh"; then
  warn "the Kubernetes manifests in compose/kubernetes have problems"
  failed=1
fi
log "Kubernetes manifests: $(elapsed_since "$t") s"

(( failed == 0 )) || die "validation failed"
log "validation passed"
