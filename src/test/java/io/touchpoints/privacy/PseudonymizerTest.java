package io.touchpoints.privacy;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.sha2;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assumptions.assumeThat;

import io.touchpoints.cli.TouchpointsCli;
import io.touchpoints.config.ConfigurationException;
import io.touchpoints.config.JobConfig;
import io.touchpoints.input.EventReader;
import io.touchpoints.input.SourceMapping;
import io.touchpoints.pipeline.StageReporter;
import io.touchpoints.pipeline.PipelineStage;
import io.touchpoints.pipeline.RunRequest;
import io.touchpoints.pipeline.TouchpointJob;
import io.touchpoints.tables.DeltaTables;
import io.touchpoints.tables.TableNames;
import io.touchpoints.testing.QuickRuns;
import io.touchpoints.testing.SparkTestBase;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

/** --pseudonymize: salted SHA-256 ids everywhere, raw ids and the salt nowhere (tables, ledger, output, plans). */
class PseudonymizerTest extends SparkTestBase {

  private static final String SALT = "pepper-7f3a-not-in-any-output";
  private static final Map<String, String> ENV = Map.of(Pseudonymizer.SALT_VARIABLE, SALT);
  private static final List<String> RAW_IDS = List.of("alice.example", "bob.example", "visitor-nine");

  private static final String LOG = String.join("\n",
      "customer_id,event_time,touchpoint,event_type,revenue,csat,nps,rated_touchpoint,event_id,anonymous_id",
      ",2024-01-01T09:00:00Z,display_ad,interaction,,,,,,visitor-nine",
      "alice.example,2024-01-01T10:00:00Z,email,interaction,,,,,,visitor-nine",
      "alice.example,2024-01-01T12:00:00Z,checkout,conversion,99.50,,,,,",
      "alice.example,2024-01-02T09:00:00Z,survey,survey,,5,9,email,,",
      "bob.example,2024-01-04T09:00:00Z,display_ad,interaction,,,,,,",
      "bob.example,2024-01-04T09:00:00Z,email,purchase?,,,,,,",
      "bob.example,2024-01-03T09:00:00Z,email,interaction,,,,,,,,,extra") + "\n";

  @Test
  void pseudonymsAreSaltedSha256AsSparkComputesIt() {
    StructType schema = new StructType().add("id", DataTypes.StringType);
    Dataset<Row> ids = session().createDataFrame(List.of(RowFactory.create("alice.example"),
        RowFactory.create("bob.example"), RowFactory.create((Object) null)), schema);
    Pseudonymizer p = Pseudonymizer.fromEnvironment(ENV);
    List<Row> rows = ids.select(p.pseudonym(col("id")).as("ours"), sha2(concat(lit(SALT), col("id")), 256).as("spark"))
        .collectAsList();
    for (Row r : rows) {
      assertThat(r.<String>getAs("ours")).isEqualTo(r.<String>getAs("spark"));
    }
    assertThat(rows.get(0).<String>getAs("ours")).hasSize(64);
    assertThat(Pseudonymizer.fromEnvironment(Map.of(Pseudonymizer.SALT_VARIABLE, "other")).pseudonym(col("id")))
        .as("another salt").isNotNull();
    assertThat(ids.select(Pseudonymizer.fromEnvironment(Map.of(Pseudonymizer.SALT_VARIABLE, "other"))
        .pseudonym(col("id"))).first().getString(0)).isNotEqualTo(rows.get(0).getString(0));
  }

  @Test
  void aMissingOrEmptySaltIsBadUsage() {
    assertThatThrownBy(() -> Pseudonymizer.fromEnvironment(Map.of()))
        .isInstanceOf(ConfigurationException.class).hasMessageContaining(Pseudonymizer.SALT_VARIABLE);
    assertThatThrownBy(() -> Pseudonymizer.fromEnvironment(Map.of(Pseudonymizer.SALT_VARIABLE, " ")))
        .isInstanceOf(ConfigurationException.class);
  }

  @Test
  void theCommandLineExitsTwoWithoutASalt() throws IOException {
    assumeThat(System.getenv(Pseudonymizer.SALT_VARIABLE)).as("salt not set in the test environment").isNull();
    Path dir = newTempDir("pseudo-cli");
    Path input = dir.resolve("e.csv");
    Files.writeString(input, LOG, StandardCharsets.UTF_8);
    StringWriter err = new StringWriter();
    int code = TouchpointsCli.execute(new PrintWriter(err, true), "journeys", "--pseudonymize", "--input",
        input.toString(), "--output", dir.resolve("out").toString());
    assertThat(code).isEqualTo(2);
    assertThat(err.toString()).contains(Pseudonymizer.SALT_VARIABLE);
    assertThat(Files.exists(dir.resolve("out"))).as("nothing written").isFalse();
  }

  @Test
  void noTableLedgerOrOutputHoldsARawIdOrTheSalt() throws IOException {
    Path dir = newTempDir("pseudo");
    Path input = dir.resolve("e.csv");
    Files.writeString(input, LOG, StandardCharsets.UTF_8);
    Path out = dir.resolve("out");
    Map<String, Object> options = new HashMap<>();
    options.put("input.path", input.toString());
    options.put("output.path", out.toString());
    options.put("run_date", "2024-06-01");
    options.put("input.pseudonymize", true);
    JobConfig config = JobConfig.load(null, List.of("attribution.bootstrap_replicates=2",
        "attribution.markov_orders=[1]"), options);
    ByteArrayOutputStream printed = new ByteArrayOutputStream();
    new TouchpointJob(session(), config, new StageReporter(new PrintStream(printed, true, StandardCharsets.UTF_8)))
        .execute(RunRequest.of("test", QuickRuns.withoutCausalStages()).withEnvironment(ENV));

    DeltaTables tables = new DeltaTables(session(), out.toString());
    StringBuilder everything = new StringBuilder(printed.toString(StandardCharsets.UTF_8));
    for (String table : TableNames.ALL) {
      if (tables.exists(table)) {
        tables.read(table).toJSON().collectAsList().forEach(everything::append);
      }
    }
    String text = everything.toString();
    for (String id : RAW_IDS) {
      assertThat(text).as("raw id " + id).doesNotContain(id);
    }
    assertThat(text).as("salt").doesNotContain(SALT);
    assertThat(config.toJson()).doesNotContain(SALT);

    String alice = Pseudonymizer.digest(SALT.getBytes(StandardCharsets.UTF_8), "alice.example");
    List<Row> journeys = tables.read(TableNames.JOURNEYS).select("customer_id", "journey_id", "path")
        .orderBy("journey_id").collectAsList();
    assertThat(journeys).as("journeys").extracting(r -> r.getString(0) + " " + r.getString(1) + " " + r.getString(2))
        .contains(alice + " " + alice + ":1 display_ad > email");
    assertThat(tables.read(TableNames.QUARANTINE).filter(col("reason").equalTo("MALFORMED_RECORD"))
        .first().<String>getAs("raw_record")).startsWith("malformed line, sha256:");

    // The salt never becomes a literal of a plan (Spark UI, event log, plan logging).
    Dataset<Row> read = Pseudonymizer.fromEnvironment(ENV).apply(
        new EventReader(session()).read(input.toString(), "csv", SourceMapping.identity()));
    assertThat(read.queryExecution().toString()).doesNotContain(SALT);
  }
}
