package io.touchpoints.bench;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Small JDBC conveniences for the DuckDB side of the harness. */
final class Sql {

  private Sql() {}

  static String quote(String text) {
    return "'" + text.replace("'", "''") + "'";
  }

  /** Runs a statement; one taking over a second is logged to stderr with its time (the peer's log shows where
   * DuckDB's time goes). */
  /** Where {@link #exec} writes DuckDB's query profiles; null for none. */
  static java.nio.file.Path profileDir;
  private static int profiled;

  static void exec(Connection db, String sql) throws SQLException {
    long start = System.nanoTime();
    try (Statement s = db.createStatement()) {
      if (profileDir != null) {
        // DuckDB's per-operator profile of this statement, one JSON file each (DuckDbPeer --profile DIR).
        s.execute("SET enable_profiling = 'json'");
        s.execute("SET profiling_output = " + quote(profileDir.resolve(
            String.format("%02d.json", ++profiled)).toString()));
      }
      s.execute(sql);
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    if (seconds >= 1) {
      String first = sql.strip().lines().findFirst().orElse("");
      System.err.printf("sql %.1f s: %s%n", seconds, first.length() > 100 ? first.substring(0, 100) + "..." : first);
    }
  }

  static long scalarLong(Connection db, String sql) throws SQLException {
    try (Statement s = db.createStatement(); ResultSet r = s.executeQuery(sql)) {
      r.next();
      return r.getLong(1);
    }
  }

  /** Every row as column name to value, in order; for small results only. */
  static List<Map<String, Object>> rows(Connection db, String sql) throws SQLException {
    List<Map<String, Object>> out = new ArrayList<>();
    try (Statement s = db.createStatement(); ResultSet r = s.executeQuery(sql)) {
      int n = r.getMetaData().getColumnCount();
      while (r.next()) {
        Map<String, Object> row = new LinkedHashMap<>();
        for (int i = 1; i <= n; i++) {
          row.put(r.getMetaData().getColumnLabel(i), r.getObject(i));
        }
        out.add(row);
      }
    }
    return out;
  }
}
