package io.touchpoints.pipeline;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.SparkConf;
import org.apache.spark.sql.SparkSession;

/**
 * Builds the one SparkSession of a run. The master is never set here: spark-submit sets it, and the local launcher
 * passes {@code -Dspark.master=local[*]}. Settings that the job's correctness depends on are applied always; tuning
 * settings come from {@code conf/touchpoints.conf} ({@code touchpoints.spark}) and {@code --conf}, and never
 * override what spark-submit already set.
 */
public final class SparkSessionFactory {

  private SparkSessionFactory() {}

  /** Settings the job needs to be correct, whatever the cluster. */
  public static Map<String, String> requiredSettings() {
    Map<String, String> s = new LinkedHashMap<>();
    // Timestamps are stored and compared in UTC; a source zone is applied only through a mapping.
    s.put("spark.sql.session.timeZone", "UTC");
    // Delta Lake as the table format, through the session catalog.
    s.put("spark.sql.extensions", "io.delta.sql.DeltaSparkSessionExtension");
    s.put("spark.sql.catalog.spark_catalog", "org.apache.spark.sql.delta.catalog.DeltaCatalog");
    // Java 8 time parsing; an unparseable time becomes null (and is quarantined) instead of failing the job.
    s.put("spark.sql.legacy.timeParserPolicy", "CORRECTED");
    // Executors in UTC too, so that any JVM-default-zone code path agrees with the session.
    s.put("spark.driver.extraJavaOptions", "-Duser.timezone=UTC");
    s.put("spark.executor.extraJavaOptions", "-Duser.timezone=UTC");
    return s;
  }

  /**
   * Gets or creates the session.
   *
   * @param appName shown in the Spark UI and history server
   * @param tuning settings applied only where not already set (by spark-submit or system properties)
   */
  public static SparkSession create(String appName, Map<String, String> tuning) {
    SparkConf existing = new SparkConf(true);
    SparkSession.Builder builder = SparkSession.builder().appName(appName);
    for (Map.Entry<String, String> e : tuning.entrySet()) {
      if (!existing.contains(e.getKey())) {
        builder.config(e.getKey(), e.getValue());
      }
    }
    requiredSettings().forEach((k, v) -> {
      if (k.endsWith("extraJavaOptions")) {
        // Only a default: a cluster may set its own JVM options.
        if (!existing.contains(k)) {
          builder.config(k, v);
        }
      } else if (k.equals("spark.sql.extensions") && existing.contains(k)) {
        // A cluster's own extensions (Iceberg, say) stay; Delta's is added to the list once.
        builder.config(k, withExtension(existing.get(k), v));
      } else {
        builder.config(k, v);
      }
    });
    return builder.getOrCreate();
  }

  /** A comma-separated extension list with {@code extension} added once at its end. */
  static String withExtension(String extensions, String extension) {
    List<String> list = new ArrayList<>(Arrays.stream(extensions.split(","))
        .map(String::trim).filter(e -> !e.isEmpty()).toList());
    if (!list.contains(extension)) {
      list.add(extension);
    }
    return String.join(",", list);
  }
}
