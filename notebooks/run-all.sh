#!/usr/bin/env bash
# Executes every notebook headless against a run's tables and fails on any cell error.
#   notebooks/run-all.sh [OUTPUT_DIR]      default ./output; runs jobs/run-local.sh first when it has no tables
# Executed copies go to scratch/notebooks/ (the committed notebooks stay without outputs: checked first); each
# notebook's charts are saved as PNG under notebooks/out/<notebook>/. Sets up the kernel when it is not there yet.
# Cell timeout: TOUCHPOINTS_NOTEBOOK_TIMEOUT seconds (default 900).
set -euo pipefail
project="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$project"
output="${1:-${TOUCHPOINTS_OUTPUT:-output}}"
timeout="${TOUCHPOINTS_NOTEBOOK_TIMEOUT:-900}"
executed="scratch/notebooks"
charts="notebooks/out"

# Debian's python3 has nbformat (python3-nbformat); a pyenv python on PATH may not.
python=/usr/bin/python3
[[ -x "$python" ]] || python=python3
"$python" - notebooks/*.ipynb <<'PY'
import json, sys
bad = []
for path in sys.argv[1:]:
    nb = json.load(open(path))
    for i, cell in enumerate(nb["cells"]):
        if cell.get("outputs") or cell.get("execution_count") is not None:
            bad.append(f"{path} cell {i}")
if bad:
    sys.exit("error: committed notebooks must have no outputs (clear them: jupyter nbconvert --clear-output "
             "--inplace notebooks/*.ipynb): " + ", ".join(bad))
PY

for need in jupyter:jupyter-core jupyter-nbconvert:jupyter-nbconvert jupyter-kernelspec:jupyter-client; do
  if ! command -v "${need%%:*}" >/dev/null 2>&1; then
    echo "error: ${need%%:*} not found (Debian: apt-get install ${need#*:} python3-ipykernel python3-nbformat)" >&2
    exit 2
  fi
done
spec=notebooks/kernel/jupyter/kernels/touchpoints-kotlin/kernel.json
if [[ ! -f "$spec" ]] || ! compgen -G "notebooks/kernel/lib/kotlin-jupyter-kernel-*.jar" >/dev/null; then
  notebooks/setup-kernel.sh
fi
if [[ ! -d "$output/journeys" ]]; then
  echo "no tables under $output: running jobs/run-local.sh first" >&2
  TOUCHPOINTS_OUTPUT="$output" jobs/run-local.sh
else
  # The launcher rebuilds a stale jar (the kernel runs on the same jar); --version starts no Spark.
  jobs/touchpoints --version >/dev/null
fi

export JUPYTER_PATH="$project/notebooks/kernel/jupyter${JUPYTER_PATH:+:$JUPYTER_PATH}"
export TOUCHPOINTS_OUTPUT="$output"
mkdir -p "$executed"
failed=()
for nb in notebooks/*.ipynb; do
  name="$(basename "$nb" .ipynb)"
  rm -rf "${charts:?}/$name"
  mkdir -p "$charts/$name"
  start=$SECONDS
  echo "== $name"
  if TOUCHPOINTS_CHARTS="$charts/$name" jupyter nbconvert --to notebook --execute \
      --ExecutePreprocessor.timeout="$timeout" --ExecutePreprocessor.kernel_name=touchpoints-kotlin \
      --output-dir "$executed" "$nb" 2>"$executed/$name.log"; then
    echo "   ok in $((SECONDS - start)) s: $(ls "$charts/$name" | wc -l) charts in $charts/$name/, executed copy $executed/$name.ipynb"
  else
    echo "   FAILED after $((SECONDS - start)) s; the log ($executed/$name.log) ends with:" >&2
    grep -v 'Debugg\|frozen modules\|PYDEVD' "$executed/$name.log" | tail -25 >&2
    failed+=("$name")
  fi
done
if [[ ${#failed[@]} -gt 0 ]]; then
  echo "error: notebooks failed: ${failed[*]}" >&2
  exit 1
fi
echo "all notebooks ran; charts under $charts/"
