package io.touchpoints.generate;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.try_to_timestamp;
import static org.apache.spark.sql.functions.when;

import io.touchpoints.input.EventColumns;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.fs.ChecksumFileSystem;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.function.MapFunction;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Generates a synthetic raw event log of customer touchpoints with known ("planted") effects and data-quality
 * problems, so that the job's measurements can be checked against a ground truth ({@link PlantedTruth}).
 *
 * <h2>Generative process, per customer</h2>
 * Each customer is simulated independently from a random stream seeded by (seed, customer index) only; the planted
 * parameters are the constants of {@link PlantedModel}, listed in {@code truth.json}.
 * <ol>
 *   <li>Segment: {@code business} with probability 0.25, else {@code consumer}. Anonymous with probability
 *       {@code anonymous_share}.</li>
 *   <li>The first event time is uniform over the window [start_date, start_date + days).</li>
 *   <li>A journey starts at a touchpoint drawn from the start distribution. After each interaction at touchpoint t:
 *     <ul>
 *       <li>with probability survey_response_rate(t) a {@code survey} event (touchpoint {@code survey}) follows 1-48
 *           hours later, with CSAT = 1 + Binomial(4, (csat_mean(t) - 1) / 4) and NPS = Binomial(10,
 *           nps_mean_score(t) / 10); 70% of surveys name t in rated_touchpoint, the others rely on "most recent
 *           interaction" linking, which is right because the next touch always comes after the survey;</li>
 *       <li>with probability conversion_propensity(t) a {@code conversion} event (touchpoint {@code checkout})
 *           follows 5 minutes to 8 hours later (log-uniform), with log-normal revenue (median 60 for consumers, 350
 *           for business, sigma 0.7, 2 decimals); it closes the journey;</li>
 *       <li>otherwise the next state is drawn from the transition row of t: another touchpoint, or {@code (exit)}
 *           which ends the journey unconverted. The next touch follows after a gap of 1-29 minutes (30%), 1-24 hours
 *           log-uniform (50%) or 1-5 days (20%), counted from the survey if there was one.</li>
 *     </ul></li>
 *   <li>After a journey ends, with probability churn_hazard(last interaction's touchpoint) the customer churns: half
 *       of churners get an explicit {@code churn} event 1-14 days after the journey's last event, at the last
 *       interaction's touchpoint; the other half go silent. Otherwise a new journey starts 31-80 days after the
 *       journey's last event (surveys included), so journeys separate at the default 30-day inactivity window.</li>
 *   <li>The customer stops at the end of the window; later events are not written.</li>
 *   <li>Anonymous customers: the events of the first journey before its conversion (the first two events when it
 *       does not convert) carry only anonymous_id {@code anon-<hex>}; the next event carries both ids; later ones only
 *       customer_id.</li>
 *   <li>Channel and stage come from the taxonomy; 30% of rows leave both empty for the job's taxonomy to fill.</li>
 *   <li>Planted problems, per clean row: with probability {@code duplicate_share} it is written twice (byte-identical);
 *       with probability {@code invalid_share} an extra row follows, a copy with its own event id and exactly one
 *       {@link InvalidReason} drawn uniformly. For Parquet, event_time is cast to a timestamp and an unparseable
 *       time becomes null, so it is recorded as MISSING_TIME there instead of UNPARSEABLE_TIME.</li>
 * </ol>
 * Ids: customer_id {@code c000123} (zero padded), event_id {@code e<customer index>-<seq>}, unique.
 *
 * <h2>Spark</h2>
 * {@code spark.range(customers)} split into the requested partitions, then one {@code flatMap} per customer: no
 * shuffle and nothing per customer on the driver. {@link #write} runs the generation twice (it is deterministic):
 * once to aggregate the realised counts (one pass, a tiny final shuffle of one row per partition), once to write.
 * Small outputs (under {@value #SINGLE_FILE_MAX_ROWS} rows) are coalesced into one file.
 */
public final class SyntheticLogGenerator {

  private static final Logger LOG = LoggerFactory.getLogger(SyntheticLogGenerator.class);

  /** Folder under the output path that receives the event files. */
  public static final String EVENTS_DIR = "events";
  /** File under the output path that receives the {@link PlantedTruth}. */
  public static final String TRUTH_FILE = "truth.json";
  /** File under the output path that receives the customers' attributes ({@link SimulatedCustomer}). */
  public static final String CUSTOMERS_FILE = "customers.csv";
  /** Name of the single CSV file written for small data. */
  public static final String SINGLE_CSV_FILE = "part-00000.csv";
  /** Outputs with fewer rows than this are written as one file. */
  public static final long SINGLE_FILE_MAX_ROWS = 200_000;
  /** Customers per partition when the partition count is automatic. */
  static final long CUSTOMERS_PER_PARTITION = 50_000;

  /**
   * Columns of the generated log, in file order. event_time is text (ISO-8601 UTC) so that invalid times can be
   * written; revenue has 2 decimals.
   */
  public static final StructType SCHEMA = new StructType(new StructField[] {
      string(EventColumns.EVENT_ID),
      string(EventColumns.CUSTOMER_ID),
      string(EventColumns.ANONYMOUS_ID),
      string(EventColumns.EVENT_TIME),
      string(EventColumns.TOUCHPOINT),
      string(EventColumns.EVENT_TYPE),
      string(EventColumns.CHANNEL),
      string(EventColumns.STAGE),
      DataTypes.createStructField(EventColumns.REVENUE, DataTypes.createDecimalType(18, 2), true),
      DataTypes.createStructField(EventColumns.CSAT, DataTypes.IntegerType, true),
      DataTypes.createStructField(EventColumns.NPS, DataTypes.IntegerType, true),
      string(EventColumns.RATED_TOUCHPOINT),
      string(EventColumns.SEGMENT),
  });

  // Bookkeeping columns of the marked rows; never written.
  static final String ROW_KIND = "_row_kind";
  static final String INVALID_REASON = "_invalid_reason";
  static final String CUSTOMER_FIRST = "_customer_first";
  static final String JOURNEY_START = "_journey_start";
  static final String ANONYMOUS_CUSTOMER = "_anonymous_customer";
  static final String CHURNED_CUSTOMER = "_churned_customer";

  /** {@link #SCHEMA} plus the bookkeeping columns, in the order {@link CustomerSimulator} fills them. */
  static final StructType MARKED_SCHEMA = SCHEMA
      .add(string(ROW_KIND))
      .add(string(INVALID_REASON))
      .add(DataTypes.createStructField(CUSTOMER_FIRST, DataTypes.IntegerType, false))
      .add(DataTypes.createStructField(JOURNEY_START, DataTypes.IntegerType, false))
      .add(DataTypes.createStructField(ANONYMOUS_CUSTOMER, DataTypes.IntegerType, false))
      .add(DataTypes.createStructField(CHURNED_CUSTOMER, DataTypes.IntegerType, false));

  private SyntheticLogGenerator() {}

  /**
   * The raw event log (columns {@link #SCHEMA}), lazily; the same settings give the same rows whatever
   * {@code partitions} is. Nothing is written.
   */
  public static Dataset<Row> generate(SparkSession spark, GeneratorSettings settings) {
    return eventColumns(generateMarked(spark, settings));
  }

  /**
   * Writes the log to {@code <output>/events/} in the settings' format (replacing what is there) and the truth to
   * {@code <output>/truth.json}, and returns the truth. CSV has a header; small CSV output is one file named
   * {@value #SINGLE_CSV_FILE} with no {@code _SUCCESS} or checksum files, so that it can be committed as sample data.
   */
  public static PlantedTruth write(SparkSession spark, GeneratorSettings settings) {
    PlantedModel model = PlantedModel.standard();
    Dataset<Row> marked = generateMarked(spark, settings, model);
    PlantedTruth.RealisedCounts realised = realisedCounts(marked, settings.format());

    Dataset<Row> events = eventColumns(marked);
    if (settings.format().equals("parquet")) {
      // Parquet keeps a real timestamp; text that is not a time becomes null (counted as MISSING_TIME).
      events = events.withColumn(EventColumns.EVENT_TIME, try_to_timestamp(col(EventColumns.EVENT_TIME)));
    }
    boolean singleFile = realised.rowsWritten() < SINGLE_FILE_MAX_ROWS;
    if (singleFile) {
      events = events.coalesce(1);
    }
    Path output = new Path(settings.outputPath());
    Path eventsDir = new Path(output, EVENTS_DIR);
    var writer = events.write().mode(SaveMode.Overwrite);
    switch (settings.format()) {
      case "csv" -> writer.option("header", "true").csv(eventsDir.toString());
      case "json" -> writer.json(eventsDir.toString());
      case "parquet" -> writer.parquet(eventsDir.toString());
      default -> throw new IllegalStateException("unhandled format " + settings.format());
    }
    try {
      FileSystem fs = eventsDir.getFileSystem(spark.sparkContext().hadoopConfiguration());
      // A checksum file system (the local one) hides and writes .crc side files; the raw one does neither.
      if (fs instanceof ChecksumFileSystem checksummed) {
        fs = checksummed.getRawFileSystem();
      }
      if (singleFile && settings.format().equals("csv")) {
        renameSingleCsv(fs, eventsDir);
      }
      writeCustomers(spark, settings, model, fs, output);
      PlantedTruth truth = PlantedTruth.of(settings, model, realised);
      try (OutputStream out = fs.create(new Path(output, TRUTH_FILE), true)) {
        out.write(truth.toJson().getBytes(StandardCharsets.UTF_8));
      }
      LOG.info("generated {} rows for {} customers ({} duplicates, {} invalid) into {}", realised.rowsWritten(),
          realised.customers(), realised.duplicateRows(), realised.invalidTotal(), output);
      return truth;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot finish writing " + output, e);
    }
  }

  /** The truth these settings would plant, without realised counts (all zero); for documentation and tests. */
  public static PlantedTruth plannedTruth(GeneratorSettings settings) {
    Map<String, Long> invalid = new LinkedHashMap<>();
    for (InvalidReason reason : InvalidReason.values()) {
      invalid.put(reason.name(), 0L);
    }
    return PlantedTruth.of(settings, PlantedModel.standard(),
        new PlantedTruth.RealisedCounts(0, 0, invalid, 0, 0, 0, 0, 0, 0, 0));
  }

  static Dataset<Row> generateMarked(SparkSession spark, GeneratorSettings settings) {
    return generateMarked(spark, settings, PlantedModel.standard());
  }

  private static Dataset<Row> generateMarked(SparkSession spark, GeneratorSettings settings, PlantedModel model) {
    int partitions = settings.partitions() > 0 ? settings.partitions() : automaticPartitions(spark, settings);
    // range with a partition count splits the ids without a shuffle; each customer depends only on its own index.
    return spark.range(0, settings.customers(), 1, partitions)
        .flatMap(new CustomerSimulator(model, settings), Encoders.row(MARKED_SCHEMA));
  }

  private static int automaticPartitions(SparkSession spark, GeneratorSettings settings) {
    long bySize = (settings.customers() + CUSTOMERS_PER_PARTITION - 1) / CUSTOMERS_PER_PARTITION;
    return (int) Math.max(spark.sparkContext().defaultParallelism(), Math.min(bySize, 100_000));
  }

  private static Dataset<Row> eventColumns(Dataset<Row> marked) {
    return marked.select(java.util.Arrays.stream(SCHEMA.fieldNames()).map(name -> col(name)).toArray(Column[]::new));
  }

  /** Realised counts in one aggregation over the marked rows. */
  static PlantedTruth.RealisedCounts realisedCounts(Dataset<Row> marked, String format) {
    Column clean = col(ROW_KIND).equalTo(CustomerSimulator.KIND_CLEAN);
    List<Column> aggregates = new ArrayList<>();
    aggregates.add(sum(flag(col(ROW_KIND).equalTo(CustomerSimulator.KIND_DUPLICATE))).as("duplicates"));
    InvalidReason[] reasons = InvalidReason.values();
    for (InvalidReason reason : reasons) {
      aggregates.add(sum(flag(col(INVALID_REASON).equalTo(reason.name()))).as(reason.name()));
    }
    aggregates.add(sum(col(ANONYMOUS_CUSTOMER)).as("anonymous"));
    aggregates.add(sum(col(CUSTOMER_FIRST)).as("customers"));
    aggregates.add(sum(col(JOURNEY_START)).as("journeys"));
    aggregates.add(sum(flag(clean.and(col(EventColumns.EVENT_TYPE).equalTo(EventColumns.TYPE_CONVERSION)))));
    aggregates.add(sum(flag(clean.and(col(EventColumns.EVENT_TYPE).equalTo(EventColumns.TYPE_SURVEY)))));
    aggregates.add(sum(flag(clean.and(col(EventColumns.EVENT_TYPE).equalTo(EventColumns.TYPE_CHURN)))));
    aggregates.add(sum(col(CHURNED_CUSTOMER)).as("churned"));
    Row r = marked.agg(count(lit(1)), aggregates.toArray(Column[]::new)).first();

    Map<String, Long> invalid = new LinkedHashMap<>();
    for (int i = 0; i < reasons.length; i++) {
      invalid.put(reasons[i].name(), longAt(r, 2 + i));
    }
    if (format.equals("parquet")) {
      // Written as a timestamp, an unparseable time is null in the file: that is what the job will see.
      invalid.merge(InvalidReason.MISSING_TIME.name(), invalid.get(InvalidReason.UNPARSEABLE_TIME.name()), Long::sum);
      invalid.put(InvalidReason.UNPARSEABLE_TIME.name(), 0L);
    }
    int k = 2 + reasons.length;
    return new PlantedTruth.RealisedCounts(longAt(r, 0), longAt(r, 1), invalid, longAt(r, k), longAt(r, k + 1),
        longAt(r, k + 2), longAt(r, k + 3), longAt(r, k + 4), longAt(r, k + 5), longAt(r, k + 6));
  }

  private static Column flag(Column condition) {
    return when(condition, 1).otherwise(0);
  }

  private static long longAt(Row row, int i) {
    // sum over an empty data set is null; there is always at least one customer, but stay total.
    return row.isNullAt(i) ? 0L : ((Number) row.get(i)).longValue();
  }

  /**
   * Writes {@code <output>/customers.csv}: one row per customer with the attributes of {@link SimulatedCustomer},
   * drawn from their own random stream (so writing them changes no event). One file: a row per customer is small
   * next to the events.
   */
  private static void writeCustomers(SparkSession spark, GeneratorSettings settings, PlantedModel model,
      FileSystem fs, Path output) throws IOException {
    CustomerSimulator ids = new CustomerSimulator(model, settings);
    long seed = settings.seed();
    int partitions = settings.partitions() > 0 ? settings.partitions() : automaticPartitions(spark, settings);
    Path staging = new Path(output, "_" + CUSTOMERS_FILE + ".staging");
    spark.range(0, settings.customers(), 1, partitions)
        .map((MapFunction<Long, Row>) index -> SimulatedCustomer.draw(seed, index).toRow(ids.customerId(index)),
            Encoders.row(SimulatedCustomer.SCHEMA))
        .coalesce(1)
        .write().mode(SaveMode.Overwrite).option("header", "true").csv(staging.toString());
    Path target = new Path(output, CUSTOMERS_FILE);
    fs.delete(target, false);
    if (!fs.rename(singlePart(fs, staging), target)) {
      throw new IOException("cannot move the customers file to " + target);
    }
    fs.delete(staging, true);
  }

  /** Renames the one part file to {@value #SINGLE_CSV_FILE} and removes Spark's marker and checksum files. */
  private static void renameSingleCsv(FileSystem fs, Path eventsDir) throws IOException {
    Path part = singlePart(fs, eventsDir);
    Path target = new Path(eventsDir, SINGLE_CSV_FILE);
    if (!fs.rename(part, target)) {
      throw new IOException("cannot rename " + part + " to " + target);
    }
    for (FileStatus status : fs.listStatus(eventsDir)) {
      String name = status.getPath().getName();
      if (name.equals("_SUCCESS") || name.endsWith(".crc")) {
        fs.delete(status.getPath(), false);
      }
    }
  }

  /** The one CSV part file Spark wrote into {@code dir}. */
  private static Path singlePart(FileSystem fs, Path dir) throws IOException {
    Path part = null;
    for (FileStatus status : fs.listStatus(dir)) {
      String name = status.getPath().getName();
      if (name.startsWith("part-") && name.endsWith(".csv")) {
        if (part != null) {
          throw new IllegalStateException("expected one part file in " + dir + ", found several");
        }
        part = status.getPath();
      }
    }
    if (part == null) {
      throw new IllegalStateException("no part file written in " + dir);
    }
    return part;
  }

  private static StructField string(String name) {
    return DataTypes.createStructField(name, DataTypes.StringType, true);
  }
}
