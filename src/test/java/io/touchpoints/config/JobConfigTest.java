package io.touchpoints.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Settings: the defaults file, {@code --conf} overrides (with or without the {@code touchpoints.} prefix, and
 * {@code spark.*}), errors that show the bad value, precedence of the four layers and the settings hash.
 */
class JobConfigTest {

  @TempDir
  Path tmp;

  private static JobConfig load(String... overrides) {
    return JobConfig.load(null, List.of(overrides), Map.of());
  }

  @Test
  void defaultsLoadWithTheValuesOfTheDefaultsFile() {
    LocalDate before = LocalDate.now(ZoneOffset.UTC);
    JobConfig c = load();
    LocalDate after = LocalDate.now(ZoneOffset.UTC);
    assertThat(c.inputPath()).as("input.path").isEqualTo("sample-data/events");
    assertThat(c.inputFormat()).as("input.format").isEqualTo("csv");
    assertThat(c.mappingPath()).as("input.mapping").isEmpty();
    assertThat(c.outputPath()).as("output.path").isEqualTo("output");
    assertThat(c.runDate()).as("empty run_date = today in UTC").isBetween(before, after);
    assertThat(c.validation()).as("validation").isEqualTo(new JobConfig.ValidationSettings(
        Duration.ofDays(1), LocalDate.of(1900, 1, 1), 1, 5, 0, 10));
    assertThat(c.journey()).as("journey").isEqualTo(new JobConfig.JourneySettings(
        Duration.ofMinutes(30), Duration.ofDays(30), true, false, List.of()));
    assertThat(c.taxonomy()).as("taxonomy entries").hasSize(15)
        .containsEntry("email", new JobConfig.Taxonomy("owned", "pre_purchase"))
        .containsEntry("product_page", new JobConfig.Taxonomy("owned", "purchase"))
        .containsEntry("call_center", new JobConfig.Taxonomy("service", "post_purchase"))
        .containsEntry("paid_search", new JobConfig.Taxonomy("paid", "pre_purchase"));
    assertThat(c.sparkSettings()).as("spark settings of the defaults file, keys unquoted").isEqualTo(Map.of(
        "spark.sql.shuffle.partitions", "8",
        "spark.sql.adaptive.enabled", "true",
        "spark.databricks.delta.optimizeWrite.enabled", "false",
        "spark.databricks.delta.snapshotPartitions", "4",
        "spark.sql.inMemoryColumnarStorage.compressed", "false",
        "spark.rdd.compress", "true",
        "spark.ui.showConsoleProgress", "true"));
  }

  @Test
  void confOverridesWorkWithAndWithoutThePrefix() {
    JobConfig c = load("journey.session_gap=15m", "touchpoints.validation.csat_max=7",
        " journey.drop_touchpoints = [direct, \"web visit\"] ", "input.path=s3://bucket/events/2024-01-01");
    assertThat(c.journey().sessionGap()).as("journey.session_gap without prefix").isEqualTo(Duration.ofMinutes(15));
    assertThat(c.validation().csatMax()).as("validation.csat_max with prefix").isEqualTo(7);
    assertThat(c.journey().dropTouchpoints()).as("a list value, key and value trimmed")
        .containsExactly("direct", "web visit");
    assertThat(c.inputPath()).as("a path with ':' and '/' is taken literally")
        .isEqualTo("s3://bucket/events/2024-01-01");
    assertThat(c.validation().csatMin()).as("untouched setting").isEqualTo(1);
  }

  @Test
  void sparkKeysGoToSparkSettingsNotToTheJobSettings() {
    JobConfig c = load("spark.sql.shuffle.partitions=64", "spark.executor.memory=2g");
    assertThat(c.sparkSettings()).as("spark settings")
        .containsEntry("spark.sql.shuffle.partitions", "64")
        .containsEntry("spark.executor.memory", "2g")
        .containsEntry("spark.sql.adaptive.enabled", "true");
    assertThat(c.raw().hasPath("spark.executor.memory")).as("spark key under touchpoints").isFalse();
    assertThat(c.raw().hasPath("\"spark.executor.memory\"")).as("quoted spark key under touchpoints").isFalse();
  }

  @Test
  void badRunDateShowsTheValue() {
    assertThatThrownBy(() -> JobConfig.load(null, List.of(), Map.of("run_date", "2024-13-01")))
        .isInstanceOf(ConfigurationException.class).hasMessage("run date must be yyyy-MM-dd, got '2024-13-01'");
    assertThatThrownBy(() -> load("run_date=01/02/2024"))
        .isInstanceOf(ConfigurationException.class).hasMessageContaining("'01/02/2024'");
  }

  @Test
  void badFormatShowsTheValue() {
    assertThatThrownBy(() -> load("input.format=xml"))
        .isInstanceOf(ConfigurationException.class)
        .hasMessage("input.format must be one of csv, json, parquet, delta, got 'xml'");
  }

  @Test
  void negativeOrZeroDurationShowsTheKeyAndValue() {
    assertThatThrownBy(() -> load("journey.session_gap=-5m"))
        .isInstanceOf(ConfigurationException.class)
        .hasMessage("journey.session_gap must be a positive duration, got PT-5M"); // the value, in ISO-8601 form
    assertThatThrownBy(() -> load("journey.inactivity_timeout=0d"))
        .isInstanceOf(ConfigurationException.class)
        .hasMessage("journey.inactivity_timeout must be a positive duration, got PT0S");
    assertThatThrownBy(() -> load("validation.max_future=-1d"))
        .isInstanceOf(ConfigurationException.class)
        .hasMessage("validation.max_future must be zero or a positive duration, got PT-24H");
    assertThat(load("validation.max_future=0s").validation().maxFuture()).as("max_future may be zero")
        .isEqualTo(Duration.ZERO);
  }

  @Test
  void unparseableDurationShowsTheKeyAndValue() {
    assertThatThrownBy(() -> load("journey.session_gap=soon"))
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("session_gap")
        .hasMessageContaining("soon");
  }

  @Test
  void confWithoutEqualsShowsTheArgument() {
    assertThatThrownBy(() -> load("journey.session_gap"))
        .isInstanceOf(ConfigurationException.class)
        .hasMessage("--conf expects key=value, got 'journey.session_gap'");
    assertThatThrownBy(() -> load("=15m"))
        .isInstanceOf(ConfigurationException.class).hasMessage("--conf expects key=value, got '=15m'");
  }

  @Test
  void unparseableConfValueShowsIt() {
    assertThatThrownBy(() -> load("journey.drop_touchpoints=[direct,"))
        .isInstanceOf(ConfigurationException.class)
        .hasMessage("bad --conf value for journey.drop_touchpoints: '[direct,'");
  }

  @Test
  void unreadableConfigFileIsReported() {
    Path missing = tmp.resolve("missing.conf");
    assertThatThrownBy(() -> JobConfig.load(missing, List.of(), Map.of()))
        .isInstanceOf(ConfigurationException.class).hasMessage("config file not readable: " + missing);
  }

  @Test
  void precedenceIsDefaultsThenFileThenConfThenOptions() throws IOException {
    Path file = tmp.resolve("job.conf");
    Files.writeString(file, """
        touchpoints {
          input { path = from-file, format = json }
          output.path = out-from-file
          run_date = "2024-01-01"
          journey.session_gap = 10m
        }
        """);
    Map<String, Object> options = new HashMap<>();
    options.put("input.path", "from-option");
    options.put("input.format", null); // an option not given on the command line
    JobConfig c = JobConfig.load(file, List.of("input.path=from-conf", "run_date=2024-02-02"), options);
    assertThat(c.inputPath()).as("set in file, --conf and options: options win").isEqualTo("from-option");
    assertThat(c.runDate()).as("set in file and --conf: --conf wins").isEqualTo(LocalDate.of(2024, 2, 2));
    assertThat(c.outputPath()).as("set in file only").isEqualTo("out-from-file");
    assertThat(c.inputFormat()).as("set in file; the null option does not override").isEqualTo("json");
    assertThat(c.journey().sessionGap()).as("set in file only").isEqualTo(Duration.ofMinutes(10));
    assertThat(c.journey().inactivityTimeout()).as("set nowhere: the default").isEqualTo(Duration.ofDays(30));
  }

  @Test
  void hashIsStableAndChangesWithASetting() {
    JobConfig base = load("run_date=2024-03-01");
    assertThat(base.hash()).as("hash format").matches("[0-9a-f]{16}");
    assertThat(load("run_date=2024-03-01").hash()).as("same settings, loaded again").isEqualTo(base.hash());
    assertThat(load("run_date=2024-03-01", "journey.session_gap=15m").hash()).as("another session gap")
        .isNotEqualTo(base.hash());
    assertThat(load("run_date=2024-03-02").hash()).as("another run date").isNotEqualTo(base.hash());
    assertThat(base.withRunDate(LocalDate.of(2024, 3, 2)).hash()).as("withRunDate to another date")
        .isEqualTo(load("run_date=2024-03-02").hash());
    assertThat(load("run_date=2024-03-01", "spark.sql.shuffle.partitions=64").hash())
        .as("spark tuning is not part of the job's settings").isEqualTo(base.hash());
    assertThat(base.toJson()).as("settings JSON").contains("\"session_gap\":\"30m\"").doesNotContain("spark.sql");
  }

  @Test
  void unknownKeysAreRejectedWithTheNearestKnownOne() throws IOException {
    assertThatThrownBy(() -> load("metrics.confidnce=0.9")).isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("unknown setting 'metrics.confidnce'")
        .hasMessageContaining("did you mean 'metrics.confidence'?");
    assertThatThrownBy(() -> load("model.suppress_small_cells=true")).as("a key under the wrong section")
        .hasMessageContaining("did you mean 'metrics.suppress_small_cells'?");
    assertThatThrownBy(() -> load("model.holdout={a=1}")).as("an object where a value belongs")
        .hasMessageContaining("unknown setting 'model.holdout.a'");
    Path file = tmp.resolve("user.conf");
    Files.writeString(file, "touchpoints { journey { sesion_gap = 10m } }\nmetrics { confidence = 0.9 }\n");
    assertThatThrownBy(() -> JobConfig.load(file, List.of(), Map.of())).as("a key outside touchpoints { }")
        .hasMessageContaining("unknown setting 'metrics'");
    Files.writeString(file, "touchpoints { journey { sesion_gap = 10m } }\n");
    assertThatThrownBy(() -> JobConfig.load(file, List.of(), Map.of()))
        .hasMessageContaining("did you mean 'journey.session_gap'?");
  }

  @Test
  void theTaxonomyAndSparkSectionsTakeKeysOfTheirOwn() {
    JobConfig c = load("taxonomy.podcast={channel=owned, stage=pre_purchase}",
        "spark.sql.files.maxPartitionBytes=64m");
    assertThat(c.taxonomy()).containsKey("podcast");
    assertThat(c.sparkSettings()).containsEntry("spark.sql.files.maxPartitionBytes", "64m");
  }
}
