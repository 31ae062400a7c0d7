#!/usr/bin/env bash
# Validates the Gateway's OpenAPI 3.1 document with a real validator: openapi-spec-validator
# (PyPI, pinned), installed once into a virtualenv under the run directory. With --url and
# --token it also runs schemathesis (PyPI, pinned), bounded, against a few GET routes of a
# running Gateway and fails on any 5xx.
#
#   scripts/openapi-check.sh [FILE]          validate FILE (default: coxswain-gateway --print-openapi)
#   scripts/openapi-check.sh FILE --url http://127.0.0.1:PORT --token cxt_…   and fuzz GET routes
#
# The virtualenv: $OPENAPI_VENV, default ${TEST_RUN_DIR:-.run-test}/openapi-venv. Needs python3
# with venv and network access to PyPI (or a pip mirror) the first time; never reads stdin.
set -euo pipefail
# shellcheck source=scripts/lib.sh source-path=SCRIPTDIR/..
. "$(dirname -- "${BASH_SOURCE[0]}")/lib.sh"
cd "$REPO"

VALIDATOR_VERSION=0.9.0
SCHEMATHESIS_VERSION=4.32.5
venv=${OPENAPI_VENV:-${TEST_RUN_DIR:-$PWD/.run-test}/openapi-venv}

file=""
url=""
token=""
while (($#)); do
    case $1 in
    --url) url=$2; shift 2 ;;
    --token) token=$2; shift 2 ;;
    -h | --help) sed -n '2,12p' "$0"; exit 0 ;;
    *) file=$1; shift ;;
    esac
done

install() { venv_install "$venv" "$1" "$2"; }

if [[ -z $file ]]; then
    file=$(mktemp --suffix=.json)
    trap 'rm -f "$file"' EXIT
    gateway=${COXSWAIN_BIN_DIR:-$(swift build --show-bin-path)}/coxswain-gateway
    "$gateway" --print-openapi >"$file"
fi

install openapi-spec-validator "$VALIDATOR_VERSION"
"$venv/bin/openapi-spec-validator" "$file"
python3 - "$file" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
ops = sum(len(v) for v in d["paths"].values())
print(f"openapi-check: {ops} operations on {len(d['paths'])} paths, {len(d['components']['schemas'])} schemas")
PY

if [[ -n $url ]]; then
    install schemathesis "$SCHEMATHESIS_VERSION"
    # Read-only routes whose parameters are free-form or absent: a few examples each, any 5xx fails.
    "$venv/bin/schemathesis" run "$file" --url "$url" -H "Authorization: Bearer $token" \
        --checks not_a_server_error --max-examples "${SCHEMATHESIS_EXAMPLES:-10}" --workers 1 --request-timeout 10 \
        --include-method GET --exclude-path-regex 'events|/file$|/node/artifacts|/browse$' \
        --generation-deterministic </dev/null
fi
