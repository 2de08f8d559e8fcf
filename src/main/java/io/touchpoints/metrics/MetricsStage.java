package io.touchpoints.metrics;

import io.touchpoints.config.JobConfig;
import io.touchpoints.pipeline.RunRequest;
import io.touchpoints.pipeline.Stage;
import io.touchpoints.pipeline.StageContext;
import io.touchpoints.pipeline.StageOutcome;
import io.touchpoints.pipeline.StageReporter;
import io.touchpoints.pipeline.StageSpec;
import io.touchpoints.tables.TableNames;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Touchpoint metrics: conversion, friction, churn and satisfaction per touchpoint (and channel, stage, segment),
 * with intervals, from the run date's events and journeys ({@link TouchpointMetrics}). Shuffles once by customer.
 */
public final class MetricsStage implements Stage<MetricsSettings> {

  @Override
  public StageSpec spec() {
    return new StageSpec("metrics", "touchpoint conversion, churn and satisfaction metrics",
        List.of("metrics"), List.of(TableNames.EVENTS, TableNames.JOURNEYS), List.of(TableNames.TOUCHPOINT_METRICS));
  }

  @Override
  public MetricsSettings settings(JobConfig config, RunRequest request) {
    return MetricsSettings.from(config.raw().getConfig("metrics"));
  }

  @Override
  public StageOutcome run(StageContext context, MetricsSettings settings) {
    var tables = context.tables();
    var runDate = context.config().runDate();
    Dataset<Row> journeys = tables.readRunDate(TableNames.JOURNEYS, runDate).drop(TableNames.RUN_DATE);
    Dataset<Row> events = tables.readRunDate(TableNames.EVENTS, runDate).drop(TableNames.RUN_DATE);
    long rows = tables.replaceRunDate(TableNames.TOUCHPOINT_METRICS,
        new TouchpointMetrics(settings).compute(journeys, events), runDate);
    Dataset<Row> written = tables.readRunDate(TableNames.TOUCHPOINT_METRICS, runDate);
    return StageOutcome.ok(null, rows, null,
        StageReporter.count(rows) + " metric rows (" + String.join(", ", settings.dimensions()) + ")")
        .withDetails(reporter -> MetricsSummary.print(written, settings, reporter));
  }
}
