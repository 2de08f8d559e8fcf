package io.touchpoints.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigObject;
import com.typesafe.config.ConfigParseOptions;
import com.typesafe.config.ConfigRenderOptions;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueFactory;
import io.touchpoints.pipeline.InputException;
import io.touchpoints.input.InputFormat;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The job's settings, resolved once per run from, lowest precedence first: the defaults file
 * ({@code conf/touchpoints.conf}, also packed in the jar), {@code --config FILE}, {@code --conf key=value}, and the
 * command's own options. Every setting has its default in that one commented file.
 *
 * @param raw the resolved {@code touchpoints} block, kept for stages that read their own section
 * @param sparkSettings {@code spark.*} settings to apply when the session is built (defaults file and --conf)
 */
public record JobConfig(
    String inputPath,
    String inputFormat,
    String mappingPath,
    String outputPath,
    LocalDate runDate,
    ValidationSettings validation,
    JourneySettings journey,
    Map<String, Taxonomy> taxonomy,
    Map<String, String> sparkSettings,
    Config raw) {

  public static final String ROOT = "touchpoints";
  private static final String DEFAULTS_RESOURCE = "io/touchpoints/defaults/touchpoints.conf";
  /** Sections whose keys are the user's own (touchpoint names, Spark settings): any key is accepted there. */
  private static final List<String> OPEN_SECTIONS = List.of("taxonomy", "spark");

  /** Bounds on validated values. */
  public record ValidationSettings(
      Duration maxFuture, LocalDate minTime, int csatMin, int csatMax, int npsMin, int npsMax) {
    /** Parquet and Delta refuse to write earlier times unless rebased between calendars. */
    public static final LocalDate EARLIEST_STORABLE = LocalDate.of(1583, 1, 1);

    public ValidationSettings {
      if (maxFuture == null || maxFuture.isNegative()) {
        throw new ConfigurationException("validation.max_future must be zero or a positive duration, got " + maxFuture);
      }
      if (minTime == null || minTime.isBefore(EARLIEST_STORABLE)) {
        throw new ConfigurationException("validation.min_time must be " + EARLIEST_STORABLE
            + " or later (Parquet and Delta cannot store earlier times as written), got " + minTime);
      }
    }
  }

  /** Journey reconstruction settings; see {@code journey} in the defaults file. */
  public record JourneySettings(
      Duration sessionGap,
      Duration inactivityTimeout,
      boolean stitchIdentities,
      boolean collapseRepeats,
      List<String> dropTouchpoints) {
    public JourneySettings {
      requirePositive("journey.session_gap", sessionGap);
      requirePositive("journey.inactivity_timeout", inactivityTimeout);
      dropTouchpoints = List.copyOf(dropTouchpoints);
    }
  }

  /** Channel and stage of a touchpoint, from the taxonomy. */
  public record Taxonomy(String channel, String stage) {}

  /**
   * Loads the configuration.
   *
   * @param configFile optional user file (may be null)
   * @param overrides {@code key=value} pairs; keys may omit the {@code touchpoints.} prefix, {@code spark.*} keys go
   *     to the Spark session
   * @param options command-line options already in {@code key -> value} form under the root (null values ignored)
   * @throws ConfigurationException naming the bad key and value
   */
  public static JobConfig load(Path configFile, List<String> overrides, Map<String, Object> options) {
    Config defaults = ConfigFactory.parseResources(
        JobConfig.class.getClassLoader(), DEFAULTS_RESOURCE, ConfigParseOptions.defaults().setAllowMissing(false));
    Config config = defaults;
    if (configFile != null) {
      if (!Files.isReadable(configFile)) {
        throw new ConfigurationException("config file not readable: " + configFile);
      }
      try {
        config = ConfigFactory.parseFile(configFile.toFile()).withFallback(config);
      } catch (ConfigException e) {
        throw new ConfigurationException("cannot parse config file " + configFile + ": " + e.getMessage());
      }
    }
    Map<String, String> sparkOverrides = new LinkedHashMap<>();
    for (String pair : overrides == null ? List.<String>of() : overrides) {
      int eq = pair.indexOf('=');
      if (eq <= 0) {
        throw new ConfigurationException("--conf expects key=value, got '" + pair + "'");
      }
      String key = pair.substring(0, eq).trim();
      String value = pair.substring(eq + 1).trim();
      if (key.startsWith("spark.")) {
        sparkOverrides.put(key, value);
      } else {
        String path = key.startsWith(ROOT + ".") ? key : ROOT + "." + key;
        try {
          ConfigValue parsed = ConfigFactory.parseString("v = " + quoteIfNeeded(value)).getValue("v");
          config = config.withValue(path, parsed);
        } catch (ConfigException e) {
          throw new ConfigurationException("bad --conf value for " + key + ": '" + value + "'");
        }
      }
    }
    if (options != null) {
      for (Map.Entry<String, Object> option : options.entrySet()) {
        if (option.getValue() != null) {
          config = config.withValue(ROOT + "." + option.getKey(), ConfigValueFactory.fromAnyRef(option.getValue()));
        }
      }
    }
    try {
      Config resolved = config.resolve();
      SettingKeys.requireKnown(defaults.getConfig(ROOT), resolved, OPEN_SECTIONS);
      return fromConfig(resolved.getConfig(ROOT), sparkOverrides);
    } catch (ConfigException e) {
      throw new ConfigurationException("bad configuration: " + e.getMessage());
    }
  }

  private static String quoteIfNeeded(String value) {
    // Lists and objects pass as HOCON; bare scalars are quoted so that paths and times parse literally.
    if (value.startsWith("[") || value.startsWith("{") || value.startsWith("\"")) {
      return value;
    }
    return ConfigValueFactory.fromAnyRef(value).render(ConfigRenderOptions.concise());
  }

  private static JobConfig fromConfig(Config c, Map<String, String> sparkOverrides) {
    String format = c.getString("input.format").toLowerCase();
    try {
      InputFormat.parse(format, "input.format");
    } catch (InputException e) {
      throw new ConfigurationException(e.getMessage());
    }
    String runDateText = c.getString("run_date");
    LocalDate runDate;
    try {
      runDate = runDateText.isBlank() ? LocalDate.now(ZoneOffset.UTC) : LocalDate.parse(runDateText);
    } catch (DateTimeParseException e) {
      throw new ConfigurationException("run date must be yyyy-MM-dd, got '" + runDateText + "'");
    }
    String minTimeText = c.getString("validation.min_time");
    LocalDate minTime;
    try {
      minTime = LocalDate.parse(minTimeText);
    } catch (DateTimeParseException e) {
      throw new ConfigurationException("validation.min_time must be yyyy-MM-dd, got '" + minTimeText + "'");
    }
    ValidationSettings validation = new ValidationSettings(
        c.getDuration("validation.max_future"), minTime,
        c.getInt("validation.csat_min"), c.getInt("validation.csat_max"),
        c.getInt("validation.nps_min"), c.getInt("validation.nps_max"));
    JourneySettings journey = new JourneySettings(
        c.getDuration("journey.session_gap"),
        c.getDuration("journey.inactivity_timeout"),
        c.getBoolean("journey.stitch_identities"),
        c.getBoolean("journey.collapse_repeats"),
        c.getStringList("journey.drop_touchpoints"));
    Map<String, Taxonomy> taxonomy = new TreeMap<>();
    for (Map.Entry<String, ConfigValue> e : c.getObject("taxonomy").entrySet()) {
      String touchpoint = e.getKey();
      if (!(e.getValue() instanceof ConfigObject object)) {
        throw new ConfigurationException("taxonomy." + touchpoint + " must be { channel = ..., stage = ... }");
      }
      Config entry = object.toConfig();
      String stage = entry.getString("stage");
      if (!List.of("pre_purchase", "purchase", "post_purchase").contains(stage)) {
        throw new ConfigurationException(
            "taxonomy." + touchpoint + ".stage must be pre_purchase, purchase or post_purchase, got '" + stage + "'");
      }
      taxonomy.put(touchpoint, new Taxonomy(entry.getString("channel"), stage));
    }
    Map<String, String> spark = new LinkedHashMap<>();
    for (Map.Entry<String, ConfigValue> e : c.getObject("spark").entrySet()) {
      spark.put(e.getKey().replace("\"", ""), String.valueOf(e.getValue().unwrapped()));
    }
    spark.putAll(sparkOverrides);
    return new JobConfig(
        c.getString("input.path"), format, c.getString("input.mapping"), c.getString("output.path"),
        runDate, validation, journey, taxonomy, spark, c);
  }

  /** The resolved settings as compact JSON, stored in the runs ledger so every run says how it was configured. */
  public String toJson() {
    return raw.root().withoutKey("spark").render(ConfigRenderOptions.concise().setJson(true));
  }

  /** SHA-256 of {@link #toJson()}, for comparing runs at a glance. */
  public String hash() {
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(toJson().getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(digest, 0, 8);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** A copy with one setting (a key under the root) changed. */
  public JobConfig with(String key, Object value) {
    Config changed = raw.withValue(key, ConfigValueFactory.fromAnyRef(value)).atKey(ROOT);
    return fromConfig(changed.getConfig(ROOT), sparkSettings);
  }

  /** A copy with another run date. */
  public JobConfig withRunDate(LocalDate date) {
    return new JobConfig(inputPath, inputFormat, mappingPath, outputPath, date, validation, journey, taxonomy,
        sparkSettings, raw.withValue("run_date", ConfigValueFactory.fromAnyRef(date.toString())));
  }

  private static void requirePositive(String key, Duration d) {
    if (d == null || d.isNegative() || d.isZero()) {
      throw new ConfigurationException(key + " must be a positive duration, got " + d);
    }
  }
}
