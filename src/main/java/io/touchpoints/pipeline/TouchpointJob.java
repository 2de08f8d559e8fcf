package io.touchpoints.pipeline;

import static org.apache.spark.sql.functions.col;

import io.touchpoints.attribution.AttributionRunner;
import io.touchpoints.attribution.AttributionSettings;
import io.touchpoints.attribution.AttributionSummary;
import io.touchpoints.attribution.PathSource;
import io.touchpoints.config.ConfigurationException;
import io.touchpoints.config.JobConfig;
import io.touchpoints.incremental.IncrementalJourneys;
import io.touchpoints.input.EventReader;
import io.touchpoints.input.EventValidator;
import io.touchpoints.input.InputException;
import io.touchpoints.input.SourceMapping;
import io.touchpoints.journey.IdentityStitcher;
import io.touchpoints.journey.JourneyBuilder;
import io.touchpoints.journey.JourneyColumns;
import io.touchpoints.metrics.MetricsSettings;
import io.touchpoints.metrics.MetricsSummary;
import io.touchpoints.metrics.TouchpointMetrics;
import io.touchpoints.model.ModelEvaluation;
import io.touchpoints.model.ModelSettings;
import io.touchpoints.model.NextTouchpointModel;
import io.touchpoints.model.TooFewExamplesException;
import io.touchpoints.privacy.Pseudonymizer;
import io.touchpoints.tables.DeltaTables;
import io.touchpoints.tables.RunLedger;
import io.touchpoints.tables.TableNames;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.storage.StorageLevel;

/**
 * Runs the pipeline's stages against one session and records each in the runs ledger.
 *
 * <p>Stages: {@code ingest} (read, map, validate; writes quarantine), {@code journeys} (stitch, de-duplicate, order,
 * sessions, journeys; writes events, journeys and paths), {@code metrics} (touchpoint_metrics, from the events and
 * journeys of the run date), {@code attribution} (attribution, transitions, removal_effects, from the journeys or
 * a path file), {@code model} (next-touchpoint model and baselines: model_metrics, model_confusion, a saved model
 * under models/) and {@code predict} (next_touchpoint for open journeys, from the latest saved model). Each runs
 * under a Spark job group named {@code touchpoints:<stage>}, visible in the Spark UI. A run
 * reconciles its rows: rows read = rows kept + rows quarantined + duplicates dropped, or it fails.
 *
 * <p>Modes ({@code touchpoints.incremental}): a full run rebuilds every table of the run date from its input; an
 * incremental run adds the input (one night) to the events kept under the output and rebuilds only the affected
 * customers' journeys ({@link IncrementalJourneys}); later stages then read the whole current state. With
 * {@code input.pseudonymize}, ids are replaced right after reading ({@link Pseudonymizer}). The ledger row of each
 * stage carries the Delta versions it read and wrote; a last row ({@code stage = run}) the run's status.
 */
public final class TouchpointJob {

  private final SparkSession spark;
  private final JobConfig config;
  private final StageReporter reporter;
  private final DeltaTables tables;
  private final List<StageResult> results = new ArrayList<>();
  private final Map<StageResult, RunLedger.TableVersions> versions = new IdentityHashMap<>();
  private Map<String, String> environment = System.getenv();

  public TouchpointJob(SparkSession spark, JobConfig config, StageReporter reporter) {
    this.spark = spark;
    this.config = config;
    this.reporter = reporter;
    this.tables = new DeltaTables(spark, config.outputPath());
  }

  /** Row counts of a run, printed at its end and stored in the ledger. */
  public record Reconciliation(long read, long kept, long quarantined, long duplicates, long journeys, long paths) {
    public boolean balanced() {
      return read == kept + quarantined + duplicates;
    }
  }

  /** The pipeline's stages, in order. */
  public enum Stage { JOURNEYS, METRICS, ATTRIBUTION, MODEL, PREDICT }

  private String pathFile;
  private String pathSeparator = ",";

  /** The environment the pseudonymization salt is read from (tests pass their own). */
  public TouchpointJob withEnvironment(Map<String, String> environment) {
    this.environment = Map.copyOf(environment);
    return this;
  }

  /** Attribution reads this aggregated path file instead of the journeys table. */
  public TouchpointJob withPathFile(String file, String separator) {
    this.pathFile = file;
    this.pathSeparator = separator;
    return this;
  }

  /**
   * Ingests the input and rebuilds journeys for the configured run date.
   *
   * @param command the CLI command, for the ledger
   * @throws io.touchpoints.input.InputException for input that cannot be read (nothing written)
   * @throws IllegalStateException when the row counts do not reconcile
   */
  public Reconciliation runJourneys(String command) {
    return execute(command, EnumSet.of(Stage.JOURNEYS));
  }

  /**
   * Runs the chosen stages as one run (one run id in the ledger). Stages after {@code JOURNEYS} read the tables of
   * the run date, so they can run alone on what an earlier run wrote.
   *
   * @return the row reconciliation when journeys ran, else null
   */
  public Reconciliation execute(String command, Set<Stage> stages) {
    boolean journeys = stages.contains(Stage.JOURNEYS);
    String runId = UUID.randomUUID().toString();
    boolean incremental = journeys && config.raw().getBoolean("incremental");
    RunLedger.RunInfo info = new RunLedger.RunInfo(runId, command, journeys ? config.inputPath() : pathFile,
        AppVersion.get(), config.hash(), config.toJson(), incremental ? "incremental" : "full");
    Instant runStart = Instant.now();
    try {
      tables.requireWritable();
      Pseudonymizer pseudonymizer = journeys && config.raw().getBoolean("input.pseudonymize")
          ? Pseudonymizer.fromEnvironment(environment) : null;
      if (incremental) {
        IncrementalJourneys.requireCurrentLayout(tables, config.outputPath());
      }
      Reconciliation counts = journeys ? journeysStage(incremental, pseudonymizer) : null;
      if (stages.contains(Stage.METRICS)) {
        metricsStage();
      }
      if (stages.contains(Stage.ATTRIBUTION)) {
        attributionStage();
      }
      boolean modelSkipped = false;
      if (stages.contains(Stage.MODEL)) {
        modelSkipped = !modelStage(stages.equals(EnumSet.allOf(Stage.class)));
      }
      if (stages.contains(Stage.PREDICT) && !modelSkipped) {
        predictStage();
      }
      results.add(runResult(StageResult.OK, runStart, counts, null));
      RunLedger.append(spark, tables, config.runDate(), info, results, this::versionsOf);
      return counts;
    } catch (InputException | ConfigurationException e) {
      // Bad input or settings: nothing has been written, and nothing is (not even the ledger).
      throw e;
    } catch (RuntimeException e) {
      // The message names the failure, never row values (Spark's own messages carry none: no cast errors).
      results.add(runResult(StageResult.FAILED, runStart, null, String.valueOf(e.getMessage())));
      try {
        RunLedger.append(spark, tables, config.runDate(), info, results, this::versionsOf);
      } catch (RuntimeException ledgerFailure) {
        e.addSuppressed(ledgerFailure);
      }
      throw e;
    } finally {
      spark.sparkContext().clearJobGroup();
    }
  }

  /** The run's own ledger row: total time, counts, and the versions read first and left last by its stages. */
  private StageResult runResult(String status, Instant start, Reconciliation counts, String message) {
    Map<String, Long> read = new LinkedHashMap<>();
    Map<String, Long> written = new LinkedHashMap<>();
    for (StageResult r : results) {
      RunLedger.TableVersions v = versionsOf(r);
      v.read().forEach((table, version) -> {
        if (!written.containsKey(table)) {
          read.putIfAbsent(table, version);
        }
      });
      written.putAll(v.written());
    }
    if (StageResult.FAILED.equals(status)) {
      // What the failed stage committed before it failed.
      tables.versionsRead().forEach((table, version) -> {
        if (!written.containsKey(table)) {
          read.putIfAbsent(table, version);
        }
      });
      written.putAll(tables.versionsWritten());
    }
    StageResult run = new StageResult(RunLedger.RUN_STAGE, status, start, since(start),
        counts == null ? null : counts.read(), counts == null ? null : counts.kept(),
        counts == null ? null : counts.quarantined(), counts == null ? null : counts.duplicates(), message);
    versions.put(run, new RunLedger.TableVersions(read, written));
    return run;
  }

  private RunLedger.TableVersions versionsOf(StageResult result) {
    return versions.getOrDefault(result, RunLedger.TableVersions.NONE);
  }

  private void metricsStage() {
    Instant start = Instant.now();
    jobGroup("metrics", "touchpoint conversion, churn and satisfaction metrics");
    MetricsSettings settings = MetricsSettings.from(config.raw().getConfig("metrics"));
    Dataset<Row> journeys = tables.readRunDate(TableNames.JOURNEYS, config.runDate()).drop(TableNames.RUN_DATE);
    Dataset<Row> events = tables.readRunDate(TableNames.EVENTS, config.runDate()).drop(TableNames.RUN_DATE);
    tables.replaceRunDate(TableNames.TOUCHPOINT_METRICS, new TouchpointMetrics(settings).compute(journeys, events),
        config.runDate());
    Dataset<Row> written = tables.readRunDate(TableNames.TOUCHPOINT_METRICS, config.runDate());
    long rows = written.count();
    record(new StageResult("metrics", StageResult.OK, start, since(start), null, rows, null, null, null),
        StageReporter.count(rows) + " metric rows (" + String.join(", ", settings.dimensions()) + ")");
    MetricsSummary.print(written, settings, reporter);
  }

  private void attributionStage() {
    Instant start = Instant.now();
    jobGroup("attribution", "heuristic, Markov and Shapley attribution");
    AttributionSettings settings = AttributionSettings.from(config.raw().getConfig("attribution"));
    Dataset<Row> paths;
    Dataset<Row> journeys = null;
    String source;
    if (pathFile != null) {
      paths = PathSource.fromPathFile(spark, pathFile, pathSeparator);
      source = pathFile;
    } else {
      journeys = tables.readRunDate(TableNames.JOURNEYS, config.runDate()).drop(TableNames.RUN_DATE);
      paths = PathSource.fromJourneys(journeys);
      source = "journeys";
    }
    AttributionRunner.Output out = new AttributionRunner(spark, settings).run(paths, journeys);
    Map<String, Dataset<Row>> written = new LinkedHashMap<>();
    written.put(TableNames.ATTRIBUTION, out.attribution());
    written.put(TableNames.TRANSITIONS, out.transitions());
    written.put(TableNames.REMOVAL_EFFECTS, out.removalEffects());
    written.put(TableNames.MARKOV_ORDER_FIT, out.orderFit());
    tables.replaceRunDates(written, config.runDate());
    // The runner's tables are local (already computed): summarised from memory, not read back.
    long rows = out.attribution().count();
    String notes = String.join("; ", out.notes());
    record(new StageResult("attribution", StageResult.OK, start, since(start), null, rows, null, null,
        notes.isEmpty() ? null : notes),
        StageReporter.count(rows) + " credits from " + source + (notes.isEmpty() ? "" : " (" + notes + ")"));
    AttributionSummary.print(out.attribution(), reporter);
  }

  /**
   * Trains and evaluates the next-touchpoint model.
   *
   * @param optional part of a full run: a log the model cannot learn from (no journey with a next touchpoint on
   *     either side of the split) skips the model and its predictions instead of failing the run
   * @return whether a model was trained
   */
  private boolean modelStage(boolean optional) {
    Instant start = Instant.now();
    jobGroup("model", "next-touchpoint model: examples, fit, baselines, evaluation");
    ModelSettings settings = ModelSettings.from(config.raw().getConfig("model"));
    Dataset<Row> journeys = tables.readRunDate(TableNames.JOURNEYS, config.runDate()).drop(TableNames.RUN_DATE);
    Dataset<Row> events = tables.readRunDate(TableNames.EVENTS, config.runDate()).drop(TableNames.RUN_DATE);
    NextTouchpointModel.Trained trained;
    try {
      trained = new NextTouchpointModel(spark, settings)
          .train(journeys, events, config.outputPath(), config.runDate(), AppVersion.get(), config.hash());
    } catch (TooFewExamplesException e) {
      if (!optional) {
        throw e;
      }
      record(new StageResult("model", StageResult.SKIPPED, start, since(start), null, 0L, null, null, e.getMessage()),
          "skipped, with predict: " + e.getMessage());
      return false;
    }
    Map<String, Dataset<Row>> written = new LinkedHashMap<>();
    written.put(TableNames.MODEL_METRICS, trained.metrics());
    written.put(TableNames.MODEL_CONFUSION, trained.evaluation().confusion());
    tables.replaceRunDates(written, config.runDate());
    record(new StageResult("model", StageResult.OK, start, since(start), trained.trainExamples()
        + trained.testExamples(), (long) trained.metrics().count(), null, null, trained.split()),
        trained.chosen() + " on " + StageReporter.count(trained.trainExamples()) + " training prefixes, tested on "
            + StageReporter.count(trained.testExamples()) + " (" + trained.split() + "); " + trained.selection()
            + "; saved to " + trained.savedTo());
    ModelEvaluation.summaryLines(trained.evaluation(), trained.models()).forEach(reporter::line);
    return true;
  }

  private void predictStage() {
    Instant start = Instant.now();
    jobGroup("predict", "next-touchpoint predictions for open journeys");
    ModelSettings settings = ModelSettings.from(config.raw().getConfig("model"));
    Dataset<Row> journeys = tables.readRunDate(TableNames.JOURNEYS, config.runDate()).drop(TableNames.RUN_DATE);
    Dataset<Row> events = tables.readRunDate(TableNames.EVENTS, config.runDate()).drop(TableNames.RUN_DATE);
    NextTouchpointModel.Predicted predicted = new NextTouchpointModel(spark, settings)
        .predict(journeys, events, config.outputPath(), config.journey().inactivityTimeout());
    try {
      tables.replaceRunDate(TableNames.NEXT_TOUCHPOINT, predicted.rows(), config.runDate());
    } finally {
      predicted.release();
    }
    long rows = tables.readRunDate(TableNames.NEXT_TOUCHPOINT, config.runDate()).count();
    String unseen = predicted.unseen().isEmpty() ? null : StageReporter.count(predicted.journeysWithUnseen())
        + " open journeys touch touchpoints the model never saw " + predicted.unseen()
        + ": they count as 'other'";
    record(new StageResult("predict", StageResult.OK, start, since(start), predicted.openJourneys(), rows, null,
        null, unseen),
        StageReporter.count(rows) + " predictions for " + StageReporter.count(predicted.openJourneys())
            + " open journeys (model " + predicted.metadata().version() + ", " + predicted.metadata().model() + ")"
            + (unseen == null ? "" : "; " + unseen));
  }

  private Reconciliation journeysStage(boolean incremental, Pseudonymizer pseudonymizer) {
    SourceMapping mapping = config.mappingPath().isBlank()
        ? SourceMapping.identity() : SourceMapping.load(config.mappingPath());
    EventValidator validator = new EventValidator(config.validation(), config.taxonomy(), config.runDate());
    int lateDays = config.raw().getInt("journey.late_days");
    if (lateDays < 0) {
      throw new ConfigurationException("journey.late_days must be 0 or more, got " + lateDays);
    }

    // Ingest: every row is read once for the count, once for quarantine and once more for journeys (whose clean
    // rows are then kept); reading the source again is cheaper than caching raw text, and the count must not come
    // from the rows it checks.
    Instant ingestStart = Instant.now();
    jobGroup("ingest", "read, map and validate " + config.inputPath());
    Dataset<Row> raw = new EventReader(spark).read(config.inputPath(), config.inputFormat(), mapping);
    if (pseudonymizer != null) {
      raw = pseudonymizer.apply(raw);
    }
    if (incremental && IncrementalJourneys.hasEarlierEvents(tables, config.runDate())) {
      validator = validator.withEarliestDay(config.runDate().minusDays(lateDays));
    }
    Dataset<Row> validated = validator.validate(raw);
    long read = raw.count();
    tables.replaceRunDate(TableNames.QUARANTINE, EventValidator.quarantine(validated), config.runDate());
    long quarantined = tables.readRunDate(TableNames.QUARANTINE, config.runDate()).count();
    record(new StageResult("ingest", StageResult.OK, ingestStart, since(ingestStart), read, read - quarantined,
        quarantined, null, null),
        StageReporter.count(read) + " rows read, " + StageReporter.count(quarantined) + " quarantined");

    if (incremental) {
      return incrementalJourneys(validator.clean(validated), read, quarantined);
    }
    Instant journeyStart = Instant.now();
    jobGroup("journeys", "stitch identities, order events, build journeys");
    JourneyBuilder builder = new JourneyBuilder(config.journey());
    // The clean events feed the stitching's three branches (known ids, anonymous ids, the link table): read and
    // validated once and kept, spilling to disk when large, instead of three more scans of the source.
    Dataset<Row> clean = validator.clean(validated).persist(StorageLevel.MEMORY_AND_DISK());
    Dataset<Row> stitched = IdentityStitcher.stitch(clean, config.journey().stitchIdentities());
    // Reused by the duplicate count, the events table and the journeys: computed once.
    Dataset<Row> ordered = builder.orderEvents(stitched).persist();
    long duplicates;
    long kept;
    long journeys;
    long paths;
    try {
      duplicates = ordered.filter(col(JourneyColumns.IS_DUPLICATE)).count();
      clean.unpersist(); // ordered holds every event now
      tables.replaceRunDate(TableNames.EVENTS, JourneyBuilder.eventsTable(ordered), config.runDate());
      kept = tables.readRunDate(TableNames.EVENTS, config.runDate()).count();
      tables.replaceRunDate(TableNames.JOURNEYS, builder.journeys(ordered), config.runDate());
    } finally {
      ordered.unpersist();
      clean.unpersist();
    }
    Dataset<Row> journeyTable = tables.readRunDate(TableNames.JOURNEYS, config.runDate())
        .drop(TableNames.RUN_DATE);
    journeys = journeyTable.count();
    tables.replaceRunDate(TableNames.PATHS, JourneyBuilder.paths(journeyTable), config.runDate());
    paths = tables.readRunDate(TableNames.PATHS, config.runDate()).count();
    Reconciliation counts = new Reconciliation(read, kept, quarantined, duplicates, journeys, paths);
    if (!counts.balanced()) {
      throw new IllegalStateException("row counts do not reconcile: read " + read + " != kept " + kept
          + " + quarantined " + quarantined + " + duplicates " + duplicates);
    }
    record(new StageResult("journeys", StageResult.OK, journeyStart, since(journeyStart), read - quarantined, kept,
        null, duplicates, null),
        StageReporter.count(kept) + " events kept, " + StageReporter.count(duplicates) + " duplicates dropped, "
            + StageReporter.count(journeys) + " journeys, " + StageReporter.count(paths) + " distinct paths");
    reporter.line(String.format("rows read %s = kept %s + quarantined %s + duplicates %s",
        StageReporter.count(read), StageReporter.count(kept), StageReporter.count(quarantined),
        StageReporter.count(duplicates)));
    return counts;
  }

  /** The incremental journeys stage: MERGE the night into events and journeys, then the paths of every journey. */
  private Reconciliation incrementalJourneys(Dataset<Row> clean, long read, long quarantined) {
    Instant start = Instant.now();
    jobGroup("journeys", "incremental: add the night's events, rebuild affected customers' journeys (MERGE)");
    IncrementalJourneys.Outcome outcome = new IncrementalJourneys(tables, new JourneyBuilder(config.journey()),
        config.journey().stitchIdentities(), config.runDate()).apply(clean);
    long duplicates = outcome.nightEvents() - outcome.eventsInserted();
    Dataset<Row> journeyTable = tables.readRunDate(TableNames.JOURNEYS, config.runDate()).drop(TableNames.RUN_DATE);
    long journeys = journeyTable.count();
    tables.replaceRunDate(TableNames.PATHS, JourneyBuilder.paths(journeyTable), config.runDate());
    long paths = tables.readRunDate(TableNames.PATHS, config.runDate()).count();
    Reconciliation counts = new Reconciliation(read, outcome.eventsInserted(), quarantined, duplicates, journeys,
        paths);
    if (!counts.balanced()) {
      throw new IllegalStateException("row counts do not reconcile: read " + read + " != new " + outcome.eventsInserted()
          + " + quarantined " + quarantined + " + already stored or duplicate " + duplicates);
    }
    record(new StageResult("journeys", StageResult.OK, start, since(start), read - quarantined,
        outcome.eventsInserted(), null, duplicates, outcome.affectedCustomers() + " customers rebuilt"),
        StageReporter.count(outcome.eventsInserted()) + " new events, " + StageReporter.count(duplicates)
            + " already stored or duplicate, " + StageReporter.count(outcome.affectedCustomers())
            + " customers rebuilt; " + StageReporter.count(journeys) + " journeys, " + StageReporter.count(paths)
            + " distinct paths in all");
    reporter.line(String.format("rows read %s = new %s + quarantined %s + already stored or duplicate %s",
        StageReporter.count(read), StageReporter.count(outcome.eventsInserted()), StageReporter.count(quarantined),
        StageReporter.count(duplicates)));
    return counts;
  }

  public List<StageResult> results() {
    return List.copyOf(results);
  }

  private void record(StageResult result, String message) {
    results.add(result);
    versions.put(result, new RunLedger.TableVersions(tables.versionsRead(), tables.versionsWritten()));
    reporter.stage(result.stage(), message, result.seconds());
  }

  private void jobGroup(String stage, String description) {
    // Each stage starts its own record of the table versions it reads and writes.
    tables.clearVersions();
    spark.sparkContext().setJobGroup("touchpoints:" + stage, description, false);
  }

  private static double since(Instant start) {
    return Duration.between(start, Instant.now()).toMillis() / 1000.0;
  }
}
