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

  static void exec(Connection db, String sql) throws SQLException {
    try (Statement s = db.createStatement()) {
      s.execute(sql);
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
