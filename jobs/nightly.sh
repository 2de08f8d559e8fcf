#!/usr/bin/env bash
# The nightly production run: the one entry a scheduler (cron, Airflow, ...) calls.
#   jobs/nightly.sh [--run-date yyyy-MM-dd] [--config FILE] [--conf key=value]... [-- more options of `run`]
#
# - Reads its input and output from the configuration, as the job resolves it (conf/touchpoints.conf, then
#   --config FILE, then --conf): input.path (or nightly.input, where "{run_date}" becomes the run date), input.format,
#   input.mapping, output.path, and the nightly block. Defaults: sample-data/events into ./output.
# - Run date: today (UTC) unless --run-date. A re-run of a date replaces that date's rows, so running twice for one
#   date leaves the tables unchanged (the runs ledger records both runs).
# - The job itself holds the output folder's lock for the whole run: a run started while another writes to the same
#   output exits with code 75, naming the run that holds the lock, and writes nothing.
# - Runs every stage (`touchpoints run`, with --incremental when nightly.incremental = true), logging to the
#   terminal and to nightly.log_dir/nightly-<run date>.log (appended).
# - Exits with the job's code: 0 ok, 1 failure, 2 bad usage, input or configuration; 75 another run in progress.
# Relative paths (in the configuration too) are relative to the installation folder (the one holding jobs/).
# With SPARK_HOME set the job goes through spark-submit (see jobs/touchpoints); pass e.g. `-- --master URL`.
set -uo pipefail

readonly EXIT_USAGE=2
readonly EXIT_LOCKED=75 # EX_TEMPFAIL: try again later

here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

usage() {
  sed -n '2,3p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//' >&2
  exit "$EXIT_USAGE"
}
fail_usage() {
  echo "nightly: error: $*" >&2
  exit "$EXIT_USAGE"
}

run_date="" config_args=() run_args=()
while [[ $# -gt 0 ]]; do
  case "$1" in
    --run-date) [[ $# -ge 2 ]] || fail_usage "--run-date needs a value"; run_date="$2"; shift 2 ;;
    --run-date=*) run_date="${1#--run-date=}"; shift ;;
    --config)
      [[ $# -ge 2 ]] || fail_usage "--config needs a file"
      [[ -r "$2" ]] || fail_usage "config file not readable: $2"
      config_args+=(--config "$(cd "$(dirname "$2")" && pwd)/$(basename "$2")"); shift 2 ;;
    --conf) [[ $# -ge 2 ]] || fail_usage "--conf needs key=value"; config_args+=(--conf "$2"); shift 2 ;;
    -h|--help) usage ;;
    --) shift; run_args=("$@"); break ;;
    *) fail_usage "unknown option '$1' (options of \`run\` go after --)" ;;
  esac
done

if [[ -z "$run_date" ]]; then
  run_date="$(date -u +%F)"
elif [[ ! "$run_date" =~ ^[0-9]{4}-[0-9]{2}-[0-9]{2}$ || "$(date -u -d "$run_date" +%F 2>/dev/null)" != "$run_date" ]]; then
  fail_usage "run date must be a date yyyy-MM-dd, got '$run_date'"
fi

cd "$here"

# The job resolves the settings (and rejects a bad file or value) exactly as it will for the run itself.
if ! settings="$(jobs/touchpoints config "${config_args[@]}" \
    nightly.input input.path output.path nightly.incremental nightly.log_dir)"; then
  echo "nightly: error: cannot read the settings (see the message above)" >&2
  exit "$EXIT_USAGE"
fi
mapfile -t values <<<"$settings"
nightly_input="${values[0]}" input="${values[1]}" output="${values[2]}" incremental="${values[3]}"
log_dir="${values[4]}"
[[ "$incremental" == true || "$incremental" == false ]] \
  || fail_usage "nightly.incremental must be true or false, got '$incremental'"
[[ -n "$log_dir" ]] || fail_usage "nightly.log_dir is empty"
if [[ -n "$nightly_input" ]]; then
  input="${nightly_input//\{run_date\}/$run_date}"
fi

mkdir -p "$log_dir" || exit 1
log="$log_dir/nightly-$run_date.log"
say() {
  printf '%s nightly: %s\n' "$(date -u +%FT%TZ)" "$*" | tee -a "$log"
}

mode=full
incremental_args=()
if [[ "$incremental" == true ]]; then
  mode=incremental
  incremental_args=(--incremental)
fi
say "run date $run_date ($mode): $input -> $output; log $log"
started=$SECONDS
jobs/touchpoints run "${incremental_args[@]}" --run-date "$run_date" --input "$input" --output "$output" \
  "${config_args[@]}" "${run_args[@]}" 2>&1 | tee -a "$log"
code=${PIPESTATUS[0]}
if [[ $code -eq 0 ]]; then
  say "run date $run_date finished in $((SECONDS - started)) s"
elif [[ $code -eq $EXIT_LOCKED ]]; then
  say "run date $run_date not started: another run is writing to $output"
else
  say "run date $run_date FAILED with exit code $code after $((SECONDS - started)) s"
fi
exit "$code"
