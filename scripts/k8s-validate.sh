#!/usr/bin/env bash
# Offline checks of the Kubernetes manifests in compose/kubernetes: every overlay renders with
# `kubectl kustomize`, and kubernetes-validate --strict (PyPI, in a venv under RUN_DIR, installed
# once) accepts every rendered object against the Kubernetes schema (KUBE_VERSION, default 1.30).
# A "couldn't find schema" warning (a removed API, a CRD) counts as a failure.
#
# Usage: [RUN_DIR=.run-compose] [KUBE_VERSION=1.30] scripts/k8s-validate.sh
# Skips with a clear message (exit 0) when kubectl is missing, or when the validator cannot be
# installed (no PyPI); set K8S_VALIDATE_REQUIRED=1 to make those failures. Needs no stdin.
set -euo pipefail
# shellcheck source=scripts/lib.sh source-path=SCRIPTDIR/..
. "$(dirname -- "${BASH_SOURCE[0]}")/lib.sh"
LOG_TAG=k8s-validate

RUN_DIR=$(abspath "${RUN_DIR:-$REPO/.run-compose}")
KUBE_VERSION=${KUBE_VERSION:-1.30}
REQUIRED=${K8S_VALIDATE_REQUIRED:-0}
VENV=$RUN_DIR/venv-kv
K8S=$REPO/compose/kubernetes
T0=$EPOCHREALTIME

skip() {
  if [[ $REQUIRED == 1 ]]; then die "$*"; fi
  warn "SKIPPED: $*"
  exit 0
}

command -v kubectl > /dev/null || skip "kubectl not found; the Kubernetes manifests were not rendered (install kubectl >= 1.27 to check them)"

# The validator, once per run dir (idempotent: a marker file after a complete install).
if [[ ! -f $VENV/.installed ]]; then
  mkdir -p "$RUN_DIR"
  log "installing kubernetes-validate into $VENV"
  rm -rf "$VENV"
  if ! venv_install "$VENV" kubernetes-validate 1.37.0 > "$RUN_DIR/venv-kv.log" 2>&1; then
    tail_logs "$RUN_DIR/venv-kv.log"
    rm -rf "$VENV"
    skip "kubernetes-validate could not be installed from PyPI (log above); the manifests were rendered but not schema-checked"
  fi
  touch "$VENV/.installed"
fi

failed=0
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
for dir in "$K8S"/base "$K8S"/overlays/*/; do
  dir=${dir%/}
  name=${dir#"$K8S"/}
  if ! kubectl kustomize "$dir" > "$out/rendered.yaml" 2> "$out/err"; then
    cat "$out/err" >&2
    warn "$name: kubectl kustomize failed"
    failed=1
    continue
  fi
  count=$(grep -c '^kind:' "$out/rendered.yaml" || true)
  if ! "$VENV/bin/kubernetes-validate" --strict --quiet -k "$KUBE_VERSION" "$out/rendered.yaml" > "$out/val" 2>&1 ||
    grep -qi "couldn't find schema\|error" "$out/val"; then
    cat "$out/val" >&2
    warn "$name: kubernetes-validate --strict -k $KUBE_VERSION refused the rendered objects"
    failed=1
    continue
  fi
  log "$name: $count objects render and validate (Kubernetes $KUBE_VERSION, strict)"
done
(( failed == 0 )) || die "the Kubernetes manifests have problems (above)"
log "manifests OK in $(elapsed_since "$T0") s"
