#!/usr/bin/env bash
# Installs the Jupyter kernel the notebooks run on: the Kotlin Jupyter kernel (org.jetbrains.kotlinx:
# kotlin-jupyter-kernel from Maven Central) started on the job's classpath, so that notebooks call the project's own
# classes with the same Spark and Delta as the job.
#   notebooks/setup-kernel.sh            fetch the kernel jars, build the app jar, install the kernel spec
# Needs: a JDK 17, Jupyter (Debian: apt-get install jupyter-client jupyter-nbconvert python3-ipykernel
# python3-nbformat; or pip install jupyterlab) and network access to Maven Central once; the kernel itself needs no
# network at run time.
# The spec is written to notebooks/kernel/jupyter/kernels/touchpoints-kotlin/ (run-all.sh uses it there through
# JUPYTER_PATH) and installed for the current user when the `jupyter` command exists (JupyterLab then lists
# "Kotlin (touchpoints)").
set -euo pipefail
project="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$project"
kernel_dir="$project/notebooks/kernel"

# One error line naming the missing Debian package, before any download or build.
for need in jupyter:jupyter-core jupyter-kernelspec:jupyter-client; do
  if ! command -v "${need%%:*}" >/dev/null 2>&1; then
    echo "error: ${need%%:*} not found (Debian: apt-get install ${need#*:}; or pip install jupyterlab)" >&2
    exit 2
  fi
done

shopt -s nullglob
jars=("$kernel_dir"/lib/kotlin-jupyter-kernel-*.jar)
if [[ ${#jars[@]} -eq 0 ]]; then
  echo "fetching the Kotlin Jupyter kernel from Maven Central..." >&2
  ./mvnw -B -q -f notebooks/kernel/pom.xml dependency:copy-dependencies >&2
fi

version="$(grep -m1 -A1 '<artifactId>touchpoints</artifactId>' pom.xml | sed -n 's:.*<version>\(.*\)</version>.*:\1:p')"
if [[ ! -f "target/touchpoints-${version}.jar" || ! -f target/local-classpath.txt ]]; then
  echo "building the application jar..." >&2
  ./mvnw -B -q -DskipTests package >&2
fi

spec="$kernel_dir/jupyter/kernels/touchpoints-kotlin"
mkdir -p "$spec" "$kernel_dir/home"
cat >"$spec/kernel.json" <<JSON
{
  "argv": ["$kernel_dir/run-kernel.sh", "{connection_file}"],
  "display_name": "Kotlin (touchpoints)",
  "language": "kotlin",
  "interrupt_mode": "message",
  "metadata": {"debugger": false}
}
JSON
echo "kernel spec written to $spec/kernel.json"
jupyter kernelspec install --user --replace --name touchpoints-kotlin "$spec" >/dev/null
echo "kernel 'touchpoints-kotlin' installed for $(id -un): jupyter lab notebooks/ (or jupyter notebook) lists it"
