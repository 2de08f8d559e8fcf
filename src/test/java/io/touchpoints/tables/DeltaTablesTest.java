package io.touchpoints.tables;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.touchpoints.testing.SparkTestBase;
import java.time.LocalDate;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;

/** The row counts a write returns come from its Delta commit and equal what a reader then sees. */
class DeltaTablesTest extends SparkTestBase {

  private static final LocalDate DAY_ONE = LocalDate.parse("2026-01-01");
  private static final LocalDate DAY_TWO = LocalDate.parse("2026-01-02");
  private static final LocalDate DAY_THREE = LocalDate.parse("2026-01-03");

  private Dataset<Row> numbers(long n) {
    return session().range(n).toDF("n");
  }

  @Test
  void aWriteReturnsTheRowsOfItsRunDateNotTheWholeTable() {
    DeltaTables tables = new DeltaTables(session(), newTempDir("delta-counts").toString());
    assertEquals(7, tables.replaceRunDate("t", numbers(7), DAY_ONE));
    assertEquals(5, tables.replaceRunDate("t", numbers(5), DAY_TWO));
    // Replacing a date with fewer rows: the count is the new rows, not new plus removed.
    assertEquals(3, tables.replaceRunDate("t", numbers(3), DAY_ONE));
    assertEquals(0, tables.replaceRunDate("t", numbers(0), DAY_TWO));
    assertEquals(3, tables.readRunDate("t", DAY_ONE).count());
    assertEquals(0, tables.readRunDate("t", DAY_TWO).count());
  }

  @Test
  void anEmptyNightAfterANightWithRowsCountsNone() {
    DeltaTables tables = new DeltaTables(session(), newTempDir("delta-counts-empty").toString());
    assertEquals(1, tables.replaceRunDate("t", numbers(1), DAY_ONE));
    // Nothing to add and nothing to replace: Delta records no commit, so the newest commit is still DAY_ONE's.
    long version = tables.version("t");
    assertEquals(0, tables.replaceRunDate("t", numbers(0), DAY_TWO));
    assertEquals(0, tables.replaceRunDate("t", numbers(0), DAY_TWO));
    assertEquals(version, tables.version("t"), "the empty writes committed nothing");
    Map<String, Dataset<Row>> byTable = new LinkedHashMap<>();
    byTable.put("t", numbers(0));
    assertEquals(Map.of("t", 0L), tables.replaceRunDates(byTable, DAY_THREE));
  }

  @Test
  void severalTablesWrittenSideBySideEachReturnTheirOwnCount() {
    DeltaTables tables = new DeltaTables(session(), newTempDir("delta-counts-many").toString());
    Map<String, Dataset<Row>> byTable = new LinkedHashMap<>();
    byTable.put("a", numbers(11));
    byTable.put("b", numbers(4));
    assertEquals(Map.of("a", 11L, "b", 4L), tables.replaceRunDates(byTable, DAY_ONE));
  }

  @Test
  void withoutCommitMetricsTheRowsAreCounted() {
    SparkSession spark = session();
    String key = "spark.databricks.delta.history.metricsEnabled";
    spark.conf().set(key, "false");
    try {
      DeltaTables tables = new DeltaTables(spark, newTempDir("delta-counts-nometrics").toString());
      tables.replaceRunDate("t", numbers(6), DAY_ONE);
      assertEquals(2, tables.replaceRunDate("t", numbers(2), DAY_TWO));
    } finally {
      spark.conf().unset(key);
    }
  }
}
