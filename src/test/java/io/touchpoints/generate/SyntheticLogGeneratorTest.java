package io.touchpoints.generate;

import static io.touchpoints.input.EventColumns.ANONYMOUS_ID;
import static io.touchpoints.input.EventColumns.CSAT;
import static io.touchpoints.input.EventColumns.CUSTOMER_ID;
import static io.touchpoints.input.EventColumns.EVENT_TIME;
import static io.touchpoints.input.EventColumns.EVENT_TYPE;
import static io.touchpoints.input.EventColumns.NPS;
import static io.touchpoints.input.EventColumns.RATED_TOUCHPOINT;
import static io.touchpoints.input.EventColumns.REVENUE;
import static io.touchpoints.input.EventColumns.TOUCHPOINT;
import static org.apache.spark.sql.functions.avg;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lag;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.not;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.try_to_timestamp;
import static org.apache.spark.sql.functions.unix_timestamp;
import static org.apache.spark.sql.functions.when;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.touchpoints.input.EventColumns;
import io.touchpoints.testing.SparkTestBase;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.expressions.WindowSpec;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

/**
 * The generator: determinism, realised counts against the written files, the planted model's consistency, a
 * statistical check of survey answers, settings validation, and the file layout of the output.
 */
class SyntheticLogGeneratorTest extends SparkTestBase {

  /** The defaults file's {@code touchpoints.generate} block, as the CLI will pass it. */
  private static final Config GENERATE_BLOCK =
      ConfigFactory.parseFile(io.touchpoints.testing.SharedData.projectDir().resolve("conf/touchpoints.conf").toFile())
          .getConfig("touchpoints.generate");

  /** One CSV data set with generous problem shares, written once and shared by the tests that only read it. */
  private static GeneratorSettings sharedCsvSettings;
  private static PlantedTruth sharedCsvTruth;

  private static GeneratorSettings defaults(long customers, String format, Path output) {
    return GeneratorSettings.fromConfig(GENERATE_BLOCK, format, output.toString(), 0).withCustomers(customers);
  }

  private PlantedTruth sharedCsv() {
    if (sharedCsvTruth == null) {
      sharedCsvSettings = defaults(1500, "csv", newTempDir("gen-csv")).withShares(0.25, 0.02, 0.03);
      sharedCsvTruth = SyntheticLogGenerator.write(session(), sharedCsvSettings);
    }
    return sharedCsvTruth;
  }

  private Dataset<Row> readSharedCsv() {
    sharedCsv();
    return readAsText("csv", Path.of(sharedCsvSettings.outputPath(), SyntheticLogGenerator.EVENTS_DIR));
  }

  /** The written files with every column as text, the way a job without a mapping first sees them. */
  private Dataset<Row> readAsText(String format, Path dir) {
    StructType text = new StructType(Stream.of(SyntheticLogGenerator.SCHEMA.fieldNames())
        .map(n -> DataTypes.createStructField(n, DataTypes.StringType, true)).toArray(StructField[]::new));
    var reader = session().read().schema(text);
    return format.equals("csv") ? reader.option("header", "true").csv(dir.toString()) : reader.json(dir.toString());
  }

  // ---- determinism ----

  @Test
  void sameSeedGivesSameRowsWhateverThePartitionCount() {
    GeneratorSettings s = defaults(400, "csv", newTempDir("unused"));
    Dataset<Row> one = SyntheticLogGenerator.generate(session(), s.withPartitions(1));
    Dataset<Row> three = SyntheticLogGenerator.generate(session(), s.withPartitions(3));
    assertThat(one.rdd().getNumPartitions()).as("partitions of the first run").isEqualTo(1);
    assertThat(three.rdd().getNumPartitions()).as("partitions of the second run").isEqualTo(3);
    assertDataFrameNoOrderEquals(one, three);
  }

  @Test
  void differentSeedGivesDifferentRows() {
    GeneratorSettings s = defaults(300, "csv", newTempDir("unused"));
    Dataset<Row> a = SyntheticLogGenerator.generate(session(), s);
    Dataset<Row> b = SyntheticLogGenerator.generate(session(), s.withSeed(s.seed() + 1));
    long rows = a.count();
    assertThat(a.except(b).count()).as("rows of seed %d not produced by seed %d (of %d)", s.seed(), s.seed() + 1, rows)
        .isGreaterThan(rows / 2);
  }

  // ---- realised counts against the files ----

  @Test
  void realisedCountsEqualCountsRecomputedFromTheWrittenCsv() {
    PlantedTruth truth = sharedCsv();
    PlantedTruth.RealisedCounts realised = truth.realised();
    Dataset<Row> rows = readSharedCsv().cache();
    long total = rows.count();
    long distinct = rows.distinct().count();
    assertThat(total).as("rows written").isEqualTo(realised.rowsWritten());
    assertThat(total - distinct).as("exact duplicate rows (rows - distinct rows)").isEqualTo(realised.duplicateRows());
    assertThat(realised.duplicateRows()).as("duplicates planted at all").isPositive();

    Map<String, Column> rules = invalidRules(sharedCsvSettings);
    Map<String, Long> recounted = new LinkedHashMap<>();
    for (Map.Entry<String, Column> rule : rules.entrySet()) {
      recounted.put(rule.getKey(), rows.filter(rule.getValue()).count());
    }
    assertThat(recounted).as("invalid rows per reason, recomputed by checking each rule on the file")
        .isEqualTo(realised.invalidRows());
    assertThat(recounted.values()).as("every reason planted at least once").allMatch(n -> n > 0);
    Column ruleCount = rules.values().stream().map(c -> when(c, 1).otherwise(0)).reduce(Column::plus).orElseThrow();
    assertThat(rows.filter(ruleCount.gt(1)).count()).as("rows breaking more than one rule").isZero();

    Column anyRule = rules.values().stream().reduce(Column::or).orElseThrow();
    Dataset<Row> valid = rows.filter(not(anyRule)).distinct().cache();
    assertThat(countType(valid, EventColumns.TYPE_CONVERSION)).as("conversions").isEqualTo(realised.conversions());
    assertThat(countType(valid, EventColumns.TYPE_SURVEY)).as("surveys").isEqualTo(realised.surveys());
    assertThat(countType(valid, EventColumns.TYPE_CHURN)).as("churn events").isEqualTo(realised.churnEvents());
    assertThat(valid.filter(col(ANONYMOUS_ID).isNotNull()).select(ANONYMOUS_ID).distinct().count())
        .as("anonymous customers").isEqualTo(realised.anonymousCustomers());

    Dataset<Row> stitched = stitchIdentities(valid);
    assertThat(stitched.select("identity").distinct().count()).as("customers").isEqualTo(realised.customers());
    assertThat(countJourneys(stitched)).as("journeys split at conversions and 30-day gaps")
        .isEqualTo(realised.journeys());
    valid.unpersist();
    rows.unpersist();
  }

  /** The job's validation rules, one per reason code, on the text columns. */
  private static Map<String, Column> invalidRules(GeneratorSettings s) {
    Column time = try_to_timestamp(col(EVENT_TIME));
    Column windowEnd = lit(s.endDate().toString() + " 00:00:00").cast(DataTypes.TimestampType);
    Map<String, Column> rules = new LinkedHashMap<>();
    rules.put(InvalidReason.MISSING_CUSTOMER.name(), col(CUSTOMER_ID).isNull().and(col(ANONYMOUS_ID).isNull()));
    rules.put(InvalidReason.MISSING_TIME.name(), col(EVENT_TIME).isNull());
    rules.put(InvalidReason.UNPARSEABLE_TIME.name(), col(EVENT_TIME).isNotNull().and(time.isNull()));
    rules.put(InvalidReason.UNKNOWN_EVENT_TYPE.name(),
        col(EVENT_TYPE).isNull().or(not(col(EVENT_TYPE).isin(EventColumns.EVENT_TYPES.toArray()))));
    rules.put(InvalidReason.CSAT_OUT_OF_RANGE.name(), not(col(CSAT).cast("int").between(1, 5)));
    rules.put(InvalidReason.NPS_OUT_OF_RANGE.name(), not(col(NPS).cast("int").between(0, 10)));
    rules.put(InvalidReason.NEGATIVE_REVENUE.name(), col(REVENUE).cast(EventColumns.REVENUE_TYPE).lt(0));
    rules.put(InvalidReason.FUTURE_TIME.name(), time.geq(windowEnd));
    rules.put(InvalidReason.MISSING_TOUCHPOINT.name(), col(TOUCHPOINT).isNull());
    // Comparisons with null are null: a row breaks a rule only when the rule is true.
    rules.replaceAll((k, v) -> coalesce(v, lit(false)));
    return rules;
  }

  private static long countType(Dataset<Row> rows, String type) {
    return rows.filter(col(EVENT_TYPE).equalTo(type)).count();
  }

  /** Adds {@code identity}: customer_id, or the customer an anonymous id is seen with, or the anonymous id. */
  private static Dataset<Row> stitchIdentities(Dataset<Row> valid) {
    Dataset<Row> links = valid.filter(col(CUSTOMER_ID).isNotNull().and(col(ANONYMOUS_ID).isNotNull()))
        .select(col(ANONYMOUS_ID).as("link_anonymous"), col(CUSTOMER_ID).as("link_customer")).distinct();
    return valid.join(links, col(ANONYMOUS_ID).equalTo(col("link_anonymous")), "left")
        .withColumn("identity", coalesce(col(CUSTOMER_ID), col("link_customer"), col(ANONYMOUS_ID)));
  }

  /**
   * Journeys over interactions and conversions: a new one after a conversion or a gap over 30 days (surveys and
   * churn events do not start journeys).
   */
  private static long countJourneys(Dataset<Row> stitched) {
    Dataset<Row> touches = stitched
        .filter(col(EVENT_TYPE).isin(EventColumns.TYPE_INTERACTION, EventColumns.TYPE_CONVERSION))
        .withColumn("ts", unix_timestamp(try_to_timestamp(col(EVENT_TIME))));
    WindowSpec byCustomer = Window.partitionBy("identity").orderBy("ts", EventColumns.EVENT_ID);
    Column previousTs = lag(col("ts"), 1).over(byCustomer);
    Column previousType = lag(col(EVENT_TYPE), 1).over(byCustomer);
    Column starts = previousTs.isNull()
        .or(previousType.equalTo(EventColumns.TYPE_CONVERSION))
        .or(col("ts").minus(previousTs).gt(30L * 86_400));
    Row r = touches.withColumn("start", when(starts, 1).otherwise(0)).agg(sum("start")).first();
    return r.getLong(0);
  }

  // ---- planted model ----

  @Test
  void everyTransitionRowAndTheStartDistributionSumToOne() {
    PlantedTruth truth = SyntheticLogGenerator.plannedTruth(defaults(10, "csv", newTempDir("unused")));
    assertThat(truth.transitions().keySet()).as("transition rows")
        .containsExactlyElementsOf(truth.touchpoints().stream().map(PlantedTruth.TouchpointTruth::name).toList());
    truth.transitions().forEach((from, row) -> {
      assertThat(row).as("row %s has an exit column", from).containsKey(PlantedTruth.EXIT);
      assertThat(row.values()).as("probabilities of row %s", from).allMatch(p -> p >= 0 && p <= 1);
      assertThat(row.values().stream().mapToDouble(Double::doubleValue).sum()).as("sum of row %s", from)
          .isCloseTo(1.0, within(1e-12));
    });
    assertThat(truth.startDistribution().values().stream().mapToDouble(Double::doubleValue).sum())
        .as("sum of the start distribution").isCloseTo(1.0, within(1e-12));
  }

  @Test
  void plantedParametersCanBeRankedAndDerivedOnesAreInRange() {
    PlantedTruth truth = SyntheticLogGenerator.plannedTruth(defaults(10, "csv", newTempDir("unused")));
    List<PlantedTruth.TouchpointTruth> tps = truth.touchpoints();
    assertThat(tps).as("touchpoints").hasSizeGreaterThanOrEqualTo(10);
    assertThat(tps.stream().map(PlantedTruth.TouchpointTruth::conversionPropensity).distinct().count())
        .as("distinct conversion propensities").isEqualTo(tps.size());
    assertThat(tps.stream().map(PlantedTruth.TouchpointTruth::churnHazard).distinct().count())
        .as("distinct churn hazards").isEqualTo(tps.size());
    assertThat(tps.stream().map(PlantedTruth.TouchpointTruth::csatMean).distinct().count())
        .as("distinct CSAT means").isEqualTo(tps.size());
    for (PlantedTruth.TouchpointTruth t : tps) {
      assertThat(t.channel()).as("channel of %s from the taxonomy", t.name()).isNotBlank();
      assertThat(t.satisfiedShare()).as("satisfied share of %s", t.name()).isBetween(0.0, 1.0);
      assertThat(t.nps()).as("NPS of %s", t.name()).isBetween(-100.0, 100.0);
    }
  }

  @Test
  void surveyAnswersMatchThePlantedMeansWithinFourStandardErrors() {
    GeneratorSettings s = defaults(4000, "csv", newTempDir("unused")).withShares(0.2, 0.0, 0.0);
    PlantedTruth planned = SyntheticLogGenerator.plannedTruth(s);
    List<Row> perTouchpoint = SyntheticLogGenerator.generate(session(), s)
        .filter(col(EVENT_TYPE).equalTo(EventColumns.TYPE_SURVEY).and(col(RATED_TOUCHPOINT).isNotNull()))
        .groupBy(RATED_TOUCHPOINT)
        .agg(count(lit(1)).as("n"), avg(col(CSAT)).as("csat_mean"),
            avg(when(col(CSAT).geq(4), 1.0).otherwise(0.0)).as("satisfied"), avg(col(NPS)).as("nps_mean"))
        .collectAsList();
    List<String> checked = new ArrayList<>();
    long surveys = 0;
    for (Row r : perTouchpoint) {
      long n = r.getLong(1);
      surveys += n;
      if (n < 100) {
        continue;
      }
      PlantedTruth.TouchpointTruth t = planned.touchpoint(r.getString(0));
      double p = (t.csatMean() - 1) / 4;
      double csatSe = Math.sqrt(4 * p * (1 - p) / n);
      assertThat(r.getDouble(2)).as("CSAT mean of %s over %d surveys", t.name(), n)
          .isCloseTo(t.csatMean(), within(4 * csatSe));
      double satisfiedSe = Math.sqrt(t.satisfiedShare() * (1 - t.satisfiedShare()) / n);
      assertThat(r.getDouble(3)).as("share CSAT >= 4 of %s over %d surveys", t.name(), n)
          .isCloseTo(t.satisfiedShare(), within(4 * satisfiedSe));
      double q = t.npsMeanScore() / 10;
      assertThat(r.getDouble(4)).as("NPS score mean of %s over %d surveys", t.name(), n)
          .isCloseTo(t.npsMeanScore(), within(4 * Math.sqrt(10 * q * (1 - q) / n)));
      checked.add(t.name());
    }
    assertThat(surveys).as("rated surveys generated").isGreaterThan(1000);
    assertThat(checked).as("touchpoints with enough surveys to check").hasSizeGreaterThanOrEqualTo(3);
  }

  // ---- settings ----

  @Test
  void settingsFromTheDefaultsFileCarryItsValues() {
    GeneratorSettings s = GeneratorSettings.fromConfig(GENERATE_BLOCK, "CSV", "out", 0);
    assertThat(s.customers()).as("customers").isEqualTo(GENERATE_BLOCK.getLong("customers"));
    assertThat(s.days()).as("days").isEqualTo(GENERATE_BLOCK.getInt("days"));
    assertThat(s.startDate()).as("start date").isEqualTo(LocalDate.parse(GENERATE_BLOCK.getString("start_date")));
    assertThat(s.invalidShare()).as("invalid share").isEqualTo(GENERATE_BLOCK.getDouble("invalid_share"));
    assertThat(s.format()).as("format is normalised to lower case").isEqualTo("csv");
  }

  @Test
  void invalidSettingsAreRejectedNamingTheSettingAndValue() {
    GeneratorSettings ok = defaults(10, "csv", Path.of("out"));
    assertThatThrownBy(() -> ok.withCustomers(0)).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("customers must be >= 1, got 0");
    assertThatThrownBy(() -> new GeneratorSettings(10, 0, 1, ok.startDate(), 0, 0, 0, "csv", "out", 0, false))
        .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("days must be").hasMessageEndingWith("got 0");
    assertThatThrownBy(() -> new GeneratorSettings(10, 5, 1, null, 0, 0, 0, "csv", "out", 0, false))
        .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("start_date");
    assertThatThrownBy(() -> ok.withShares(1.5, 0, 0)).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("anonymous_share must be between 0 and 1.0, got 1.5");
    assertThatThrownBy(() -> ok.withShares(0, -0.1, 0)).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("duplicate_share must be between 0 and 0.5, got -0.1");
    assertThatThrownBy(() -> ok.withShares(0, 0, Double.NaN)).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("invalid_share must be between 0 and 0.5, got NaN");
    assertThatThrownBy(() -> ok.withOutput("xml", "out")).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("format must be one of csv, json, parquet, got 'xml'");
    assertThatThrownBy(() -> ok.withOutput("csv", " ")).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("output must be a non-empty path, got ' '");
    assertThatThrownBy(() -> ok.withPartitions(-1)).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("partitions must be >= 0 (0 = automatic), got -1");
    Config badDate = GENERATE_BLOCK.withValue("start_date",
        com.typesafe.config.ConfigValueFactory.fromAnyRef("2024-13-01"));
    assertThatThrownBy(() -> GeneratorSettings.fromConfig(badDate, "csv", "out", 0))
        .isInstanceOf(IllegalArgumentException.class).hasMessage("start_date must be a date yyyy-MM-dd, got '2024-13-01'");
    assertThatThrownBy(() -> GeneratorSettings.fromConfig(GENERATE_BLOCK.withoutPath("seed"), "csv", "out", 0))
        .isInstanceOf(IllegalArgumentException.class).hasMessage("generate.seed is missing");
  }

  // ---- output layout ----

  @Test
  void truthJsonRoundTrips() {
    PlantedTruth written = sharedCsv();
    PlantedTruth read = PlantedTruth.read(Path.of(sharedCsvSettings.outputPath(), SyntheticLogGenerator.TRUTH_FILE));
    assertThat(read).as("truth read back from truth.json").isEqualTo(written);
    assertThat(PlantedTruth.fromJson(written.toJson())).as("truth parsed from its own JSON").isEqualTo(written);
  }

  @Test
  void smallCsvIsOneStablyNamedFileWithAHeader() throws IOException {
    sharedCsv();
    Path events = Path.of(sharedCsvSettings.outputPath(), SyntheticLogGenerator.EVENTS_DIR);
    List<String> names;
    try (Stream<Path> files = Files.list(events)) {
      names = files.map(p -> p.getFileName().toString()).sorted().toList();
    }
    assertThat(names).as("files in %s", events).containsExactly(SyntheticLogGenerator.SINGLE_CSV_FILE);
    try (Stream<Path> files = Files.list(events.getParent())) {
      assertThat(files.map(p -> p.getFileName().toString()).sorted().toList()).as("files in the output folder")
          .containsExactly(SyntheticLogGenerator.CUSTOMERS_FILE, SyntheticLogGenerator.EVENTS_DIR,
              SyntheticLogGenerator.TRUTH_FILE);
    }
    try (Stream<String> lines = Files.lines(events.resolve(SyntheticLogGenerator.SINGLE_CSV_FILE))) {
      assertThat(lines.findFirst()).as("header line")
          .contains(String.join(",", SyntheticLogGenerator.SCHEMA.fieldNames()));
    }
  }

  @Test
  void parquetStoresTimestampsAndCountsUnparseableTimesAsMissing() {
    GeneratorSettings s = defaults(300, "parquet", newTempDir("gen-parquet")).withShares(0.2, 0.02, 0.2);
    PlantedTruth truth = SyntheticLogGenerator.write(session(), s);
    Dataset<Row> rows = session().read().parquet(Path.of(s.outputPath(), SyntheticLogGenerator.EVENTS_DIR).toString());
    assertThat(rows.schema().apply(EVENT_TIME).dataType()).as("event_time type in Parquet")
        .isEqualTo(DataTypes.TimestampType);
    assertThat(rows.count()).as("rows in Parquet").isEqualTo(truth.realised().rowsWritten());
    assertThat(truth.realised().invalidRows()).as("invalid rows by reason in Parquet")
        .containsEntry(InvalidReason.UNPARSEABLE_TIME.name(), 0L)
        .containsEntry(InvalidReason.MISSING_TIME.name(), rows.filter(col(EVENT_TIME).isNull()).count());
  }

  @Test
  void jsonLinesHoldEveryRow() {
    GeneratorSettings s = defaults(200, "json", newTempDir("gen-json"));
    PlantedTruth truth = SyntheticLogGenerator.write(session(), s);
    Dataset<Row> rows = readAsText("json", Path.of(s.outputPath(), SyntheticLogGenerator.EVENTS_DIR));
    assertThat(rows.count()).as("rows in JSON lines").isEqualTo(truth.realised().rowsWritten());
    assertThat(rows.distinct().count()).as("distinct rows in JSON lines")
        .isEqualTo(truth.realised().rowsWritten() - truth.realised().duplicateRows());
  }

  @Test
  void customersFileHasOneRowPerCustomerOfTheEventsWithTheirAttributes() {
    sharedCsv();
    Dataset<Row> customers = session().read().option("header", "true")
        .csv(Path.of(sharedCsvSettings.outputPath(), SyntheticLogGenerator.CUSTOMERS_FILE).toString());
    assertThat(customers.columns()).as("customers.csv columns").containsExactly(SimulatedCustomer.SCHEMA.fieldNames());
    assertThat(customers.count()).as("rows").isEqualTo(sharedCsvSettings.customers());
    assertThat(customers.select("customer_id").distinct().count()).as("distinct ids")
        .isEqualTo(sharedCsvSettings.customers());
    Dataset<Row> eventIds = readSharedCsv().select(CUSTOMER_ID).filter(col(CUSTOMER_ID).isNotNull()).distinct();
    assertThat(eventIds.except(customers.select("customer_id")).count()).as("event customers missing from the file")
        .isZero();
    double premium = customers.filter(col(SimulatedCustomer.PLAN).equalTo(SimulatedCustomer.PLAN_PREMIUM)).count()
        / (double) sharedCsvSettings.customers();
    assertThat(premium).as("premium share (planted 0.3, 1500 customers)").isBetween(0.25, 0.35);
  }

  @Test
  void committedSampleIsWhatTheDefaultSettingsGenerateSoAttributesLeftItsEventsAlone() {
    // The sample predates customer attributes: drawing them from their own stream must not move one event.
    Path sample = io.touchpoints.testing.SharedData.projectDir().resolve("sample-data");
    GeneratorSettings s = GeneratorSettings.fromConfig(GENERATE_BLOCK, "csv", newTempDir("unused").toString(), 0);
    Dataset<Row> generated = SyntheticLogGenerator.generate(session(), s)
        .select(Stream.of(SyntheticLogGenerator.SCHEMA.fieldNames()).map(n -> col(n).cast("string"))
            .toArray(org.apache.spark.sql.Column[]::new));
    Dataset<Row> committed = readAsText("csv", sample.resolve(SyntheticLogGenerator.EVENTS_DIR));
    assertThat(generated.exceptAll(committed).count()).as("generated rows not in the sample").isZero();
    assertThat(committed.exceptAll(generated).count()).as("sample rows not generated").isZero();
    Dataset<Row> customers = session().read().option("header", "true")
        .csv(sample.resolve(SyntheticLogGenerator.CUSTOMERS_FILE).toString());
    Row first = customers.filter(col("customer_id").equalTo("c000007")).first();
    SimulatedCustomer expected = SimulatedCustomer.draw(s.seed(), 7);
    assertThat(first.<String>getAs(SimulatedCustomer.PLAN)).as("c000007's plan").isEqualTo(expected.plan());
    assertThat(Double.parseDouble(first.getAs(SimulatedCustomer.ENGAGEMENT))).as("c000007's engagement")
        .isEqualTo(expected.engagement());
  }

  @Test
  void causalProcessPlantsItsEffectsInTheTruth() {
    GeneratorSettings s = defaults(100, "csv", newTempDir("gen-causal")).withCausal(true);
    PlantedTruth truth = SyntheticLogGenerator.write(session(), s);
    assertThat(truth.effects()).as("planted effects: 5 treatments x 2 outcomes").hasSize(10);
    assertThat(truth.effect("product_page", "conversion").average()).as("product_page on conversion")
        .isCloseTo(0.7 * 0.04 + 0.3 * 0.20, org.assertj.core.data.Offset.offset(1e-12));
    assertThat(truth.effect("web_visit", "conversion").confounded()).as("web_visit is randomised").isFalse();
    assertThat(truth.touchpoints()).as("no Markov parameters in causal mode").isEmpty();
    assertThat(PlantedTruth.fromJson(truth.toJson())).as("causal truth parsed from its own JSON").isEqualTo(truth);
    Dataset<Row> rows = readAsText("csv", Path.of(s.outputPath(), SyntheticLogGenerator.EVENTS_DIR));
    assertThat(rows.count()).as("rows written").isEqualTo(truth.realised().rowsWritten());
  }
}
