package io.touchpoints.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Settings the session factory merges with a cluster's own. */
class SparkSessionFactoryTest {

  private static final String DELTA = "io.delta.sql.DeltaSparkSessionExtension";

  @Test
  void deltaIsAddedToAClustersExtensionsOnce() {
    assertThat(SparkSessionFactory.withExtension(
        "org.apache.iceberg.spark.extensions.IcebergSparkSessionExtensions", DELTA))
        .as("Iceberg kept, Delta added")
        .isEqualTo("org.apache.iceberg.spark.extensions.IcebergSparkSessionExtensions," + DELTA);
    assertThat(SparkSessionFactory.withExtension(" a , " + DELTA + ",", DELTA)).as("already listed")
        .isEqualTo("a," + DELTA);
    assertThat(SparkSessionFactory.withExtension("", DELTA)).as("empty list").isEqualTo(DELTA);
  }
}
