#!/usr/bin/env bash
# Runs the whole job on the bundled sample data into ./output and prints a summary. No Spark install needed.
#   jobs/run-local.sh [extra options for `touchpoints run`]
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$here"
output="${TOUCHPOINTS_OUTPUT:-output}"

jobs/touchpoints run --input sample-data/events --format csv --customers sample-data/customers.csv --output "$output" "$@"

echo
echo "== paths (top 10) =="
jobs/touchpoints show paths --output "$output" --limit 10
echo "== quarantine (first 5) =="
jobs/touchpoints show quarantine --output "$output" --limit 5
echo "Tables under $output/: $(ls "$output" | grep -v "^_" | tr '\n' ' ')"
