package io.touchpoints.tables;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.touchpoints.testing.SparkTestBase;
import java.time.LocalDate;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.delta.DeltaLog;
import org.apache.spark.sql.functions;
import org.junit.jupiter.api.Test;

/**
 * The row counts a write returns come from its Delta commit and equal what a reader then sees; a table keeps Delta
 * statistics for the columns it was created with.
 */
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

  @Test
  void statisticsAreKeptForTheDeclaredColumnsOnlyAndStayAfterLaterWrites() {
    DeltaTables tables = new DeltaTables(session(), newTempDir("delta-stats").toString());
    Dataset<Row> rows = numbers(40).withColumn("label", functions.concat(functions.lit("row "), functions.col("n")))
        .withColumn("note", functions.lit("free text"));
    tables.replaceRunDate("t", rows, DAY_ONE, List.of("n", "label"));
    assertEquals(Set.of("n", "label"), statsFields("t", tables), "statistics of the first write");
    // A later write (and a write naming no columns) keeps the table's statistics as created.
    tables.replaceRunDate("t", rows, DAY_TWO, List.of());
    assertEquals(Set.of("n", "label"), statsFields("t", tables), "statistics after a later write");
    assertEquals(40, tables.readRunDate("t", DAY_TWO).count());

    tables.createCurrent("current", rows.schema(), List.of("label"));
    tables.replaceRunDate("current", rows, DAY_ONE);
    assertEquals(Set.of("label"), statsFields("current", tables), "a table created empty in the current layout");
  }

  /** The columns that have a minimum in some file's statistics; the files' row counts must add up to the table's. */
  private Set<String> statsFields(String table, DeltaTables tables) {
    Set<String> fields = new TreeSet<>();
    long records = 0;
    List<String> stats = DeltaLog.forTable(session(), tables.path(table)).update(false, scala.Option.empty(),
        scala.Option.empty()).allFiles().select("stats").as(Encoders.STRING()).collectAsList();
    for (String file : stats) {
      try {
        JsonNode json = new ObjectMapper().readTree(file);
        records += json.get("numRecords").asLong();
        json.get("minValues").fieldNames().forEachRemaining(fields::add);
      } catch (JsonProcessingException e) {
        throw new AssertionError("statistics are not JSON: " + file, e);
      }
    }
    assertEquals(tables.read(table).count(), records, "numRecords of " + table);
    return fields;
  }
}
