package io.touchpoints.metrics;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.when;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.touchpoints.config.JobConfig;
import io.touchpoints.tables.DeltaTables;
import io.touchpoints.tables.TableNames;
import io.touchpoints.pipeline.StageReporter;
import io.touchpoints.pipeline.PipelineStage;
import io.touchpoints.pipeline.TouchpointJob;
import io.touchpoints.testing.SharedData;
import io.touchpoints.testing.SparkTestBase;
import java.util.EnumSet;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;

/** On the real Olist funnel: conversion rate per origin equals a direct count of closed deals over leads. */
class OlistMetricsTest extends SparkTestBase {

  @Test
  void conversionRatePerOriginEqualsClosedDealsOverLeads() {
    Path data = SharedData.require("olist-marketing-funnel");
    Path out = newTempDir("olist").resolve("out");
    Map<String, Object> options = new HashMap<>();
    options.put("input.path", data.toString());
    options.put("input.mapping", SharedData.projectDir().resolve("conf/mappings/olist-marketing-funnel.conf")
        .toString());
    options.put("output.path", out.toString());
    options.put("run_date", "2018-12-31");
    JobConfig config = JobConfig.load(null, List.of(), options);
    PrintStream quiet = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
    new TouchpointJob(session(), config, new StageReporter(quiet)).execute("test", EnumSet.of(PipelineStage.JOURNEYS, PipelineStage.METRICS));

    // The direct count, with plain Spark on the raw files.
    Dataset<Row> leads = session().read().option("header", "true").csv(data.resolve("leads.csv").toString());
    Dataset<Row> deals = session().read().option("header", "true").csv(data.resolve("closed_deals.csv").toString())
        .select(col("mql_id").as("deal_mql"));
    Map<String, double[]> direct = new HashMap<>();
    for (Row r : leads.join(deals, col("mql_id").equalTo(col("deal_mql")), "left")
        .groupBy(coalesce(col("origin"), lit("not_recorded")).as("origin"))
        .agg(count(lit(1)).as("leads"), count(when(col("deal_mql").isNotNull(), lit(1))).as("deals"))
        .collectAsList()) {
      direct.put(r.getString(0), new double[] {r.getLong(1), r.getLong(2)});
    }

    List<Row> metrics = new DeltaTables(session(), out.toString()).readRunDate(TableNames.TOUCHPOINT_METRICS, null)
        .filter(col(MetricColumns.DIMENSION).equalTo("touchpoint").and(col(MetricColumns.SEGMENT).isNull()))
        .collectAsList();
    assertThat(metrics).as("one row per origin").hasSize(direct.size());
    for (Row m : metrics) {
      String origin = m.getAs(MetricColumns.NAME);
      double[] counts = direct.get(origin);
      assertThat(counts).as("origin " + origin + " in the raw file").isNotNull();
      assertThat(m.<Long>getAs(MetricColumns.JOURNEYS)).as("leads of " + origin).isEqualTo((long) counts[0]);
      assertThat(m.<Long>getAs(MetricColumns.CONVERSIONS)).as("deals of " + origin).isEqualTo((long) counts[1]);
      assertThat(m.<Double>getAs(MetricColumns.CONVERSION_RATE)).as("conversion rate of " + origin)
          .isCloseTo(counts[1] / counts[0], within(1e-12));
    }
  }
}
