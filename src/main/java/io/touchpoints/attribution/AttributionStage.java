package io.touchpoints.attribution;

import io.touchpoints.config.JobConfig;
import io.touchpoints.pipeline.RequiredFile;
import io.touchpoints.pipeline.RunRequest;
import io.touchpoints.pipeline.Stage;
import io.touchpoints.pipeline.StageContext;
import io.touchpoints.pipeline.StageOutcome;
import io.touchpoints.pipeline.StageReporter;
import io.touchpoints.pipeline.StageSpec;
import io.touchpoints.tables.TableNames;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * Attribution: every heuristic, Markov and Shapley model ({@link AttributionRunner}) from the run date's journeys or
 * an aggregated path file. Paths are aggregated with one shuffle; the models then run on the driver.
 */
public final class AttributionStage implements Stage<AttributionStage.Settings> {

  /** @param pathFile aggregated path file read instead of the journeys (null: the journeys) */
  public record Settings(AttributionSettings attribution, String pathFile, String pathSeparator) {}

  @Override
  public StageSpec spec() {
    return new StageSpec("attribution", "heuristic, Markov and Shapley attribution",
        List.of("attribution"), List.of(TableNames.JOURNEYS + " (or --paths FILE)"),
        List.of(TableNames.ATTRIBUTION, TableNames.TRANSITIONS, TableNames.REMOVAL_EFFECTS,
            TableNames.MARKOV_ORDER_FIT));
  }

  @Override
  public Settings settings(JobConfig config, RunRequest request) {
    return new Settings(AttributionSettings.from(config.raw().getConfig("attribution")), request.pathFile(),
        request.pathSeparator());
  }

  @Override
  public void check(SparkSession spark, Settings settings, JobConfig config, RunRequest request) {
    if (settings.pathFile() != null) {
      RequiredFile.require(spark, settings.pathFile(), "path file");
    }
  }

  @Override
  public StageOutcome run(StageContext context, Settings settings) {
    var tables = context.tables();
    var runDate = context.config().runDate();
    Dataset<Row> paths;
    Dataset<Row> journeys = null;
    String source;
    if (settings.pathFile() != null) {
      paths = PathSource.fromPathFile(context.spark(), settings.pathFile(), settings.pathSeparator());
      source = settings.pathFile();
    } else {
      journeys = tables.readRunDate(TableNames.JOURNEYS, runDate).drop(TableNames.RUN_DATE);
      paths = PathSource.fromJourneys(journeys);
      source = "journeys";
    }
    AttributionRunner.Output out = new AttributionRunner(context.spark(), settings.attribution()).run(paths, journeys);
    Map<String, Dataset<Row>> written = new LinkedHashMap<>();
    written.put(TableNames.ATTRIBUTION, out.attribution());
    written.put(TableNames.TRANSITIONS, out.transitions());
    written.put(TableNames.REMOVAL_EFFECTS, out.removalEffects());
    written.put(TableNames.MARKOV_ORDER_FIT, out.orderFit());
    tables.replaceRunDates(written, runDate);
    // The runner's tables are local (already computed): summarised from memory, not read back.
    long rows = out.attribution().count();
    String notes = String.join("; ", out.notes());
    return StageOutcome.ok(null, rows, notes.isEmpty() ? null : notes,
        StageReporter.count(rows) + " credits from " + source + (notes.isEmpty() ? "" : " (" + notes + ")"))
        .withDetails(reporter -> AttributionSummary.print(out.attribution(), reporter));
  }
}
