#!/usr/bin/env bash
# Starts the Kotlin Jupyter kernel on the job's own classpath (the app's classes, Spark, Delta): Jupyter runs this
# through the kernel.json that notebooks/setup-kernel.sh writes.
#   notebooks/kernel/run-kernel.sh CONNECTION_FILE
# Java options: TOUCHPOINTS_NOTEBOOK_JAVA_OPTS (default -Xmx4g).
set -euo pipefail
kernel_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
project="$(cd "$kernel_dir/../.." && pwd)"
connection_file="$1"

version="$(grep -m1 -A1 '<artifactId>touchpoints</artifactId>' "$project/pom.xml" | sed -n 's:.*<version>\(.*\)</version>.*:\1:p')"
jar="$project/target/touchpoints-${version}.jar"
classpath_file="$project/target/local-classpath.txt"
if [[ ! -f "$jar" || ! -f "$classpath_file" ]]; then
  echo "error: $jar or $classpath_file missing: run notebooks/setup-kernel.sh (it builds them)" >&2
  exit 2
fi
shopt -s nullglob
kernel_jars=("$kernel_dir"/lib/*.jar)
if [[ ${#kernel_jars[@]} -eq 0 ]]; then
  echo "error: no kernel jars in $kernel_dir/lib: run notebooks/setup-kernel.sh" >&2
  exit 2
fi
kernel_cp="$(IFS=:; echo "${kernel_jars[*]}")"
# The app and Spark first, so that Spark's SLF4J binding (log4j2) wins over the kernel's logback. Notebook code
# compiles against both: the kernel's library (display helpers, the Kotlin standard library) and the app.
app_cp="$jar:$(cat "$classpath_file")"
# Spark on Java 17 needs these: the one list in pom.xml (spark.add.opens), also used by the tests.
read -r -a add_opens <<<"$(sed -n 's:.*<spark.add.opens>\(.*\)</spark.add.opens>.*:\1:p' "$project/pom.xml")"

export SPARK_LOCAL_IP="${SPARK_LOCAL_IP:-127.0.0.1}"
java_cmd="${JAVA_HOME:+$JAVA_HOME/bin/}java"
cd "$project"
exec "$java_cmd" "${add_opens[@]}" ${TOUCHPOINTS_NOTEBOOK_JAVA_OPTS:--Xmx4g} \
  -Duser.timezone=UTC -Djava.awt.headless=true -Dlog4j2.configurationFile="$project/conf/log4j2.properties" \
  -Dspark.driver.host=127.0.0.1 -Dtouchpoints.project.dir="$project" \
  -cp "$app_cp:$kernel_cp" org.jetbrains.kotlinx.jupyter.IkotlinKt \
  "$connection_file" -home="$kernel_dir/home" -cp="$kernel_cp:$app_cp"
