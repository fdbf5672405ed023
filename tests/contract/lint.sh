#!/usr/bin/env bash
# lint.sh — lints the OpenAPI contract twice: with Redocly's `recommended`
# rules (tests/contract/redocly.yaml), then with Spectral's OWASP API
# Security ruleset (tests/contract/spectral.yaml). Usage: lint.sh [OPENAPI_YAML]
# Default: ../../openapi.yaml relative to this script. Needs `npm ci` in
# this folder first. Both always run; the exit status is non-zero if either
# found an error (Spectral: any result of severity error; its warnings are
# shown and do not fail the lint). spectral.yaml's overrides name parts of
# the contract by their path from this folder (../../openapi.yaml).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
spec="$(realpath "${1:-$here/../../openapi.yaml}")"

# No telemetry, no update check: CI has no network but the package registries.
export REDOCLY_TELEMETRY=off
export REDOCLY_SUPPRESS_UPDATE_NOTICE=true

cd "$here"
status=0
npx --no-install redocly lint --config=redocly.yaml --format=stylish "$spec" || status=1
echo "spectral (OWASP API Security ruleset):"
npx --no-install spectral lint --ruleset=spectral.yaml --fail-severity=error --format=stylish "$spec" || status=1
exit $status
