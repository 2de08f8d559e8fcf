package io.touchpoints.journey;

import static org.apache.spark.sql.functions.col;

import io.touchpoints.config.ConfigurationException;
import io.touchpoints.config.JobConfig;
import io.touchpoints.incremental.IncrementalJourneys;
import io.touchpoints.input.EventReader;
import io.touchpoints.input.EventValidator;
import io.touchpoints.input.SourceMapping;
import io.touchpoints.pipeline.Reconciliation;
import io.touchpoints.pipeline.RunRequest;
import io.touchpoints.pipeline.Stage;
import io.touchpoints.pipeline.StageContext;
import io.touchpoints.pipeline.StageOutcome;
import io.touchpoints.pipeline.StageReporter;
import io.touchpoints.pipeline.StageSpec;
import io.touchpoints.pipeline.StageResult;
import io.touchpoints.privacy.Pseudonymizer;
import io.touchpoints.tables.DeltaTables;
import io.touchpoints.tables.TableNames;
import java.time.Instant;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.storage.StorageLevel;

/**
 * Ingest and journeys: reads, maps and validates the input (quarantine), then stitches identities, de-duplicates,
 * orders, and builds sessions, journeys and paths (events, journeys, paths). A full run rebuilds the run date's
 * tables; an incremental run merges the night into the current state ({@link IncrementalJourneys}). The row counts
 * must reconcile: rows read = kept + quarantined + duplicates, or the stage fails. The ingest half prints its own
 * progress line.
 *
 * <p>Shuffles: stitching (by anonymous id), ordering (by customer), journeys (by customer); the source is read once
 * for the count, once for the quarantine and once for the journeys.
 */
public final class JourneysStage implements Stage<JourneysStage.Settings> {

  /**
   * @param lateDays incremental runs accept events this many days older than the run date
   * @param pseudonymize ids replaced by salted hashes right after reading
   */
  public record Settings(JobConfig.JourneySettings journey, JobConfig.ValidationSettings validation, int lateDays,
      boolean incremental, boolean pseudonymize) {
    public Settings {
      if (lateDays < 0) {
        throw new ConfigurationException("journey.late_days must be 0 or more, got " + lateDays);
      }
    }
  }

  @Override
  public StageSpec spec() {
    return new StageSpec("journeys",
        "read, map and validate the input; stitch identities, order events, build sessions and journeys",
        List.of("input", "validation", "journey", "taxonomy", "incremental"),
        List.of("(input)", TableNames.EVENTS + " (incremental)", TableNames.JOURNEYS + " (incremental)"),
        List.of(TableNames.QUARANTINE, TableNames.EVENTS, TableNames.JOURNEYS, TableNames.PATHS));
  }

  @Override
  public Settings settings(JobConfig config, RunRequest request) {
    return new Settings(config.journey(), config.validation(), config.raw().getInt("journey.late_days"),
        config.raw().getBoolean("incremental"), config.raw().getBoolean("input.pseudonymize"));
  }

  @Override
  public void check(SparkSession spark, Settings settings, JobConfig config, RunRequest request) {
    if (settings.pseudonymize()) {
      Pseudonymizer.fromEnvironment(request.environment());
    }
    // Reading plans the source: a missing path, a bad mapping or a missing required column fails here.
    new EventReader(spark).read(config.inputPath(), config.inputFormat(), mapping(config));
    if (settings.incremental()) {
      IncrementalJourneys.requireCurrentLayout(new DeltaTables(spark, config.outputPath()), config.outputPath());
    }
  }

  private static SourceMapping mapping(JobConfig config) {
    return config.mappingPath().isBlank() ? SourceMapping.identity() : SourceMapping.load(config.mappingPath());
  }

  @Override
  public StageOutcome run(StageContext context, Settings settings) {
    JobConfig config = context.config();
    DeltaTables tables = context.tables();
    EventValidator validator = new EventValidator(config.validation(), config.taxonomy(), config.runDate());

    // Ingest: every row is read once for the count, once for quarantine and once more for journeys (whose clean
    // rows are then kept); reading the source again is cheaper than caching raw text, and the count must not come
    // from the rows it checks.
    Instant ingestStart = Instant.now();
    Dataset<Row> raw = new EventReader(context.spark()).read(config.inputPath(), config.inputFormat(), mapping(config));
    if (settings.pseudonymize()) {
      raw = Pseudonymizer.fromEnvironment(context.request().environment()).apply(raw);
    }
    if (settings.incremental() && IncrementalJourneys.hasEarlierEvents(tables, config.runDate())) {
      validator = validator.withEarliestDay(config.runDate().minusDays(settings.lateDays()));
    }
    Dataset<Row> validated = validator.validate(raw);
    long read = raw.count();
    long quarantined = tables.replaceRunDate(TableNames.QUARANTINE, EventValidator.quarantine(validated),
        config.runDate());
    context.part(new StageOutcome(StageResult.OK, read, read - quarantined, quarantined, null, null,
        StageReporter.count(read) + " rows read, " + StageReporter.count(quarantined) + " quarantined"),
        "ingest", ingestStart);
    if (quarantined > 0) {
      EventValidator.hints(tables.readRunDate(TableNames.QUARANTINE, config.runDate()))
          .forEach(context.reporter()::line);
    }

    Dataset<Row> clean = validator.clean(validated);
    return settings.incremental()
        ? incremental(context, settings, clean, read, quarantined)
        : full(context, settings, clean, read, quarantined);
  }

  private static StageOutcome full(StageContext context, Settings settings, Dataset<Row> cleanRows, long read,
      long quarantined) {
    DeltaTables tables = context.tables();
    JobConfig config = context.config();
    JourneyBuilder builder = new JourneyBuilder(settings.journey());
    // The clean events feed the stitching's three branches (known ids, anonymous ids, the link table): read and
    // validated once and kept, spilling to disk when large, instead of three more scans of the source.
    Dataset<Row> clean = cleanRows.persist(StorageLevel.MEMORY_AND_DISK());
    Dataset<Row> stitched = IdentityStitcher.stitch(clean, settings.journey().stitchIdentities());
    // Reused by the duplicate count, the events table and the journeys: computed once.
    Dataset<Row> ordered = builder.orderEvents(stitched).persist();
    long duplicates;
    long kept;
    long journeys;
    try {
      duplicates = ordered.filter(col(JourneyColumns.IS_DUPLICATE)).count();
      clean.unpersist(); // ordered holds every event now
      kept = tables.replaceRunDate(TableNames.EVENTS, JourneyBuilder.eventsTable(ordered), config.runDate(),
          JourneyColumns.EVENTS_STATS_COLUMNS);
      journeys = tables.replaceRunDate(TableNames.JOURNEYS, builder.journeys(ordered), config.runDate(),
          JourneyColumns.JOURNEYS_STATS_COLUMNS);
    } finally {
      ordered.unpersist();
      clean.unpersist();
    }
    Reconciliation counts = paths(context, read, kept, quarantined, duplicates, journeys);
    return outcome(context, counts, read - quarantined, null,
        StageReporter.count(kept) + " events kept, " + StageReporter.count(duplicates) + " duplicates dropped, "
            + StageReporter.count(counts.journeys()) + " journeys, " + StageReporter.count(counts.paths())
            + " distinct paths",
        "rows read %s = kept %s + quarantined %s + duplicates %s");
  }

  /** The incremental journeys: MERGE the night into events and journeys, then the paths of every journey. */
  private static StageOutcome incremental(StageContext context, Settings settings, Dataset<Row> clean, long read,
      long quarantined) {
    JobConfig config = context.config();
    IncrementalJourneys.Outcome outcome = new IncrementalJourneys(context.tables(),
        new JourneyBuilder(settings.journey()), settings.journey().stitchIdentities(), config.runDate()).apply(clean);
    long duplicates = outcome.nightEvents() - outcome.eventsInserted();
    // The journeys table after a MERGE holds every customer's journeys, not only those the night wrote: counted.
    Reconciliation counts = paths(context, read, outcome.eventsInserted(), quarantined, duplicates, -1);
    return outcome(context, counts, read - quarantined, outcome.affectedCustomers() + " customers rebuilt",
        StageReporter.count(outcome.eventsInserted()) + " new events, " + StageReporter.count(duplicates)
            + " already stored or duplicate, " + StageReporter.count(outcome.affectedCustomers())
            + " customers rebuilt; " + StageReporter.count(counts.journeys()) + " journeys, "
            + StageReporter.count(counts.paths()) + " distinct paths in all",
        "rows read %s = new %s + quarantined %s + already stored or duplicate %s");
  }

  /**
   * Writes the paths of the run date's journeys and checks that the counts reconcile; {@code journeysWritten} is
   * the journeys table's row count when the caller knows it, -1 to count it.
   */
  private static Reconciliation paths(StageContext context, long read, long kept, long quarantined,
      long duplicates, long journeysWritten) {
    DeltaTables tables = context.tables();
    Dataset<Row> journeyTable = tables.readRunDate(TableNames.JOURNEYS, context.config().runDate())
        .drop(TableNames.RUN_DATE);
    long journeys = journeysWritten >= 0 ? journeysWritten : journeyTable.count();
    long paths = tables.replaceRunDate(TableNames.PATHS, JourneyBuilder.paths(journeyTable),
        context.config().runDate());
    Reconciliation counts = new Reconciliation(read, kept, quarantined, duplicates, journeys, paths);
    if (!counts.balanced()) {
      throw new IllegalStateException("row counts do not reconcile: read " + read + " != kept " + kept
          + " + quarantined " + quarantined + " + duplicates " + duplicates);
    }
    return counts;
  }

  private static StageOutcome outcome(StageContext context, Reconciliation counts, long rowsIn, String message,
      String summary, String balance) {
    context.reconciliation(counts);
    return new StageOutcome(StageResult.OK, rowsIn, counts.kept(), null, counts.duplicates(), message, summary)
        .withDetails(reporter -> reporter.line(String.format(balance, StageReporter.count(counts.read()),
            StageReporter.count(counts.kept()), StageReporter.count(counts.quarantined()),
            StageReporter.count(counts.duplicates()))));
  }
}
