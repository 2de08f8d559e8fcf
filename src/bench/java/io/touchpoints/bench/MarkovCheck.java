package io.touchpoints.bench;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Compares the job's {@code markov_1} credits and removal effects with {@link FirstOrderMarkov} on the same file. */
final class MarkovCheck {

  /** Largest relative difference still called exact: a few ulps of summed doubles. */
  static final double TOLERANCE = 1e-9;

  private MarkovCheck() {}

  static Map<String, Object> compare(Path file, String separator, Path jobOutput) throws Exception {
    List<FirstOrderMarkov.Credit> expected = FirstOrderMarkov.credits(file, separator);
    Map<String, double[]> job = new LinkedHashMap<>();
    try (Connection db = DriverManager.getConnection("jdbc:duckdb:")) {
      for (Map<String, Object> row : Sql.rows(db, "SELECT touchpoint, conversions, revenue FROM "
          + DeltaFiles.readParquet(jobOutput.resolve("attribution")) + " WHERE model = 'markov_1'")) {
        job.put((String) row.get("touchpoint"), new double[] {((Number) row.get("conversions")).doubleValue(),
            row.get("revenue") == null ? 0 : ((Number) row.get("revenue")).doubleValue(), Double.NaN});
      }
      for (Map<String, Object> row : Sql.rows(db, "SELECT touchpoint, removal_effect FROM "
          + DeltaFiles.readParquet(jobOutput.resolve("removal_effects")) + " WHERE \"order\" = 1")) {
        double[] v = job.get((String) row.get("touchpoint"));
        if (v != null) {
          v[2] = ((Number) row.get("removal_effect")).doubleValue();
        }
      }
    }
    double worst = 0;
    String worstAt = "";
    int missing = 0;
    for (FirstOrderMarkov.Credit c : expected) {
      double[] v = job.get(c.touchpoint());
      if (v == null) {
        missing++;
        continue;
      }
      double[][] pairs = {{c.conversions(), v[0]}, {c.value(), v[1]}, {c.removalEffect(), v[2]}};
      String[] names = {"conversions", "revenue", "removal_effect"};
      for (int i = 0; i < pairs.length; i++) {
        double rel = Math.abs(pairs[i][0] - pairs[i][1]) / Math.max(1e-12, Math.abs(pairs[i][0]));
        if (!(rel <= worst)) {
          worst = rel;
          worstAt = c.touchpoint() + " " + names[i] + ": expected " + pairs[i][0] + ", job " + pairs[i][1];
        }
      }
    }
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("touchpoints", expected.size());
    out.put("job_touchpoints", job.size());
    out.put("missing", missing);
    out.put("max_relative_difference", worst);
    out.put("worst", worstAt);
    boolean exact = missing == 0 && job.size() == expected.size() && worst <= TOLERANCE;
    out.put("verdict", exact ? "exact (max relative difference " + worst + ")" : "DIFFERENT: " + worstAt
        + (missing > 0 ? "; " + missing + " touchpoints missing" : ""));
    out.put("exact", exact);
    return out;
  }
}
