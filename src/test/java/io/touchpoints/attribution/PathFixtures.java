package io.touchpoints.attribution;

import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;

/** Aggregated paths for the attribution tests, and their DataFrame form ({@link PathColumns#SCHEMA}). */
final class PathFixtures {

  /**
   * Paths of one to five touches over five touchpoints: repeats, a touchpoint that never converts (e), a path with no
   * conversions, one with no nulls, and two paths with the same touchpoint set (a > b, b > a).
   */
  static final List<AggregatedPath> MIXED = List.of(
      AggregatedPath.of(40, 400, 60, "a", "b"),
      AggregatedPath.of(3, 30, 0, "b"),
      AggregatedPath.of(0, 0, 7, "c", "a"),
      AggregatedPath.of(12, 90, 30, "a", "a", "b", "c"),
      AggregatedPath.of(5, 80, 2, "d", "b", "a", "b"),
      AggregatedPath.of(0, 0, 25, "e"),
      AggregatedPath.of(9, 45, 11, "c", "d", "c", "d", "b"),
      AggregatedPath.of(2, 10, 4, "b", "a"));

  private PathFixtures() {}

  static Dataset<Row> frame(SparkSession spark, List<AggregatedPath> paths) {
    List<Row> rows = new ArrayList<>();
    for (AggregatedPath p : paths) {
      rows.add(RowFactory.create(p.touchpoints().toArray(String[]::new), p.conversions(), p.value(), p.nulls()));
    }
    return spark.createDataFrame(rows, PathColumns.SCHEMA);
  }
}
