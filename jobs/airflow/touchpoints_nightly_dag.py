"""EXAMPLE Airflow DAG for the nightly touchpoints run -- adapt before use; it is not tested against an Airflow
installation (the project only checks that it compiles: `python3 -m py_compile`).

One task submits the application jar with SparkSubmitOperator (apache-airflow-providers-apache-spark), the same
spark-submit line as README.md, "Running in production". The run date is the DAG run's logical date ({{ ds }}), so
a backfill or a cleared task re-runs exactly that date; the job replaces that date's rows, so a retry is safe.
max_active_runs=1 keeps two runs from overlapping, as the lock of jobs/nightly.sh does under cron.

Connection `spark_touchpoints` (Admin > Connections): type Spark, host spark://spark-master, port 7077.
"""

from datetime import datetime, timedelta

from airflow import DAG
from airflow.providers.apache.spark.operators.spark_submit import SparkSubmitOperator

APP_JAR = "/opt/touchpoints/touchpoints-0.1.0-app.jar"  # ./mvnw package -> target/touchpoints-0.1.0-app.jar
SETTINGS = "/etc/touchpoints/prod.conf"  # input.path, output.path, ... on top of the defaults packed in the jar

with DAG(
    dag_id="touchpoints_nightly",
    description="EXAMPLE: journeys, touchpoint metrics and attribution into Delta tables, one run date per night",
    schedule="30 2 * * *",
    start_date=datetime(2026, 11, 1),
    catchup=False,
    max_active_runs=1,
    default_args={
        "owner": "data-platform",
        "retries": 1,
        "retry_delay": timedelta(minutes=30),
        "execution_timeout": timedelta(hours=4),
    },
    tags=["touchpoints", "example"],
) as dag:
    SparkSubmitOperator(
        task_id="run",
        conn_id="spark_touchpoints",
        application=APP_JAR,
        java_class="io.touchpoints.cli.TouchpointsCli",
        name="touchpoints-nightly-{{ ds }}",
        deploy_mode="client",
        driver_memory="4g",
        executor_memory="8g",
        executor_cores=4,
        num_executors=10,
        conf={
            "spark.sql.shuffle.partitions": "400",
            "spark.driver.extraJavaOptions": "-Duser.timezone=UTC",
            "spark.executor.extraJavaOptions": "-Duser.timezone=UTC",
        },
        # Add "--incremental" once the night's input holds only new events (README, incremental runs).
        application_args=["run", "--config", SETTINGS, "--run-date", "{{ ds }}"],
    )
