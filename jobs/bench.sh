#!/usr/bin/env bash
# Benchmark harness (docs/benchmarks.md): times each stage of the job at several sizes against a DuckDB peer on the
# same Parquet files, checks that both give the same journeys and touchpoint metrics, times the Markov attribution
# of the 10,000-path file, and writes bench-results/<time>/{results.json,results.csv} and docs/benchmarks.md.
#
#   jobs/bench.sh                          1M and 10M events, 3 runs each
#   jobs/bench.sh --events 100k --runs 1   a quick check
#   jobs/bench.sh --events 10M,100M        the linearity target (100M needs ~20 GB of disk and hours on 2 cores)
#   jobs/bench.sh --report-only bench-results/<time>   rewrite docs/benchmarks.md from a run's results.json
#   jobs/bench.sh --help                   every option (--skip peer,markov, --peer-memory, --no-event-log, ...)
#
# The job runs as `jobs/touchpoints` subprocesses with its default settings; TOUCHPOINTS_JAVA_OPTS (default -Xmx8g)
# sets its JVM. Generated data is cached under bench-results/data/ and reused.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$here"

echo "building the job and the harness (maven profile 'bench')..." >&2
./mvnw -B -q -Pbench -DskipTests package >&2
# The launcher rebuilds a jar older than the sources; this build is the newest, so it will not.
java_cmd="${JAVA_HOME:+$JAVA_HOME/bin/}java"
exec "$java_cmd" -Xmx2g -Duser.timezone=UTC -Dbench.args="$*" \
  -Dlog4j2.configurationFile="$here/conf/log4j2.properties" \
  -cp "target/test-classes:target/classes:$(cat target/bench-classpath.txt)" \
  io.touchpoints.bench.BenchmarkHarness "$@"
