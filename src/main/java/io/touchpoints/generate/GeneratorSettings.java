package io.touchpoints.generate;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import java.io.Serializable;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Locale;

/**
 * Settings of one synthetic data set: how many customers over which window, the random seed, the planted
 * data-quality problems, and where and how to write it.
 *
 * <p>Read from the {@code touchpoints.generate} block of {@code conf/touchpoints.conf} with
 * {@link #fromConfig(Config, String, String, int)}; the format, output path and partition count come from the caller
 * (the command line). Every field is validated on construction; a bad value throws {@link IllegalArgumentException}
 * whose message names the setting (by its configuration key) and shows the value.
 *
 * @param customers number of customers to simulate (>= 1)
 * @param days length of the event window in days, starting at {@code startDate} 00:00 UTC (1..3650)
 * @param seed random seed; the same seed and settings give the same rows whatever the partitioning
 * @param startDate first day of the window (UTC)
 * @param anonymousShare share of customers whose first events carry only an anonymous id (0..1)
 * @param duplicateShare probability that a clean row is written twice, byte for byte (0..0.5)
 * @param invalidShare probability that a clean row is followed by an extra invalid row (0..0.5)
 * @param format {@code csv}, {@code json} (JSON lines) or {@code parquet}
 * @param outputPath folder that receives {@code events/} and {@code truth.json}
 * @param partitions Spark partitions to generate in; 0 = chosen from the customer count and the cluster
 * @param causal journeys from the planted causal process ({@link CausalModel}: exposure confounded by customer
 *     attributes, known touchpoint effects) instead of the Markov chain of {@link PlantedModel}; off by default so
 *     that the sample's events stay as they are
 */
public record GeneratorSettings(
    long customers,
    int days,
    long seed,
    LocalDate startDate,
    double anonymousShare,
    double duplicateShare,
    double invalidShare,
    String format,
    String outputPath,
    int partitions,
    boolean causal) implements Serializable {

  private static final long serialVersionUID = 1L;

  /** Output formats the generator writes. */
  public static final List<String> FORMATS = List.of("csv", "json", "parquet");

  /** Configuration keys of the {@code touchpoints.generate} block; also the names used in error messages. */
  public static final String KEY_CUSTOMERS = "customers";
  public static final String KEY_DAYS = "days";
  public static final String KEY_SEED = "seed";
  public static final String KEY_START_DATE = "start_date";
  public static final String KEY_ANONYMOUS_SHARE = "anonymous_share";
  public static final String KEY_DUPLICATE_SHARE = "duplicate_share";
  public static final String KEY_INVALID_SHARE = "invalid_share";
  public static final String KEY_FORMAT = "format";
  public static final String KEY_OUTPUT = "output";
  public static final String KEY_PARTITIONS = "partitions";
  public static final String KEY_CAUSAL = "causal";

  static final int MAX_DAYS = 3650;
  // Above one half a "share" would make planted problems the majority of the data; that is not a useful test set.
  static final double MAX_PROBLEM_SHARE = 0.5;

  public GeneratorSettings {
    if (customers < 1) {
      throw new IllegalArgumentException(KEY_CUSTOMERS + " must be >= 1, got " + customers);
    }
    if (days < 1 || days > MAX_DAYS) {
      throw new IllegalArgumentException(KEY_DAYS + " must be between 1 and " + MAX_DAYS + ", got " + days);
    }
    if (startDate == null) {
      throw new IllegalArgumentException(KEY_START_DATE + " must be set (yyyy-MM-dd), got null");
    }
    requireShare(KEY_ANONYMOUS_SHARE, anonymousShare, 1.0);
    requireShare(KEY_DUPLICATE_SHARE, duplicateShare, MAX_PROBLEM_SHARE);
    requireShare(KEY_INVALID_SHARE, invalidShare, MAX_PROBLEM_SHARE);
    String normalisedFormat = format == null ? null : format.trim().toLowerCase(Locale.ROOT);
    if (normalisedFormat == null || !FORMATS.contains(normalisedFormat)) {
      throw new IllegalArgumentException(
          KEY_FORMAT + " must be one of " + String.join(", ", FORMATS) + ", got '" + format + "'");
    }
    format = normalisedFormat;
    if (outputPath == null || outputPath.isBlank()) {
      throw new IllegalArgumentException(KEY_OUTPUT + " must be a non-empty path, got '" + outputPath + "'");
    }
    if (partitions < 0) {
      throw new IllegalArgumentException(KEY_PARTITIONS + " must be >= 0 (0 = automatic), got " + partitions);
    }
  }

  /**
   * Settings from the {@code touchpoints.generate} block.
   *
   * @param generate the block itself (e.g. {@code jobConfig.raw().getConfig("generate")}), with the keys
   *     customers, days, seed, start_date, anonymous_share, duplicate_share, invalid_share, causal
   * @param format csv, json or parquet
   * @param outputPath folder to write {@code events/} and {@code truth.json} into
   * @param partitions partitions to generate in, 0 = automatic
   * @throws IllegalArgumentException naming the key when one is missing, of the wrong type, or out of range
   */
  public static GeneratorSettings fromConfig(Config generate, String format, String outputPath, int partitions) {
    String dateText = read(generate, KEY_START_DATE, () -> generate.getString(KEY_START_DATE));
    LocalDate start;
    try {
      start = LocalDate.parse(dateText.trim());
    } catch (DateTimeParseException e) {
      throw new IllegalArgumentException(KEY_START_DATE + " must be a date yyyy-MM-dd, got '" + dateText + "'");
    }
    return new GeneratorSettings(
        read(generate, KEY_CUSTOMERS, () -> generate.getLong(KEY_CUSTOMERS)),
        read(generate, KEY_DAYS, () -> generate.getInt(KEY_DAYS)),
        read(generate, KEY_SEED, () -> generate.getLong(KEY_SEED)),
        start,
        read(generate, KEY_ANONYMOUS_SHARE, () -> generate.getDouble(KEY_ANONYMOUS_SHARE)),
        read(generate, KEY_DUPLICATE_SHARE, () -> generate.getDouble(KEY_DUPLICATE_SHARE)),
        read(generate, KEY_INVALID_SHARE, () -> generate.getDouble(KEY_INVALID_SHARE)),
        format,
        outputPath,
        partitions,
        read(generate, KEY_CAUSAL, () -> generate.getBoolean(KEY_CAUSAL)));
  }

  /** A copy with another customer count. */
  public GeneratorSettings withCustomers(long value) {
    return new GeneratorSettings(value, days, seed, startDate, anonymousShare, duplicateShare, invalidShare,
        format, outputPath, partitions, causal);
  }

  /** A copy with another seed. */
  public GeneratorSettings withSeed(long value) {
    return new GeneratorSettings(customers, days, value, startDate, anonymousShare, duplicateShare, invalidShare,
        format, outputPath, partitions, causal);
  }

  /** A copy with other shares of anonymous customers, duplicate rows and invalid rows. */
  public GeneratorSettings withShares(double anonymous, double duplicate, double invalid) {
    return new GeneratorSettings(customers, days, seed, startDate, anonymous, duplicate, invalid,
        format, outputPath, partitions, causal);
  }

  /** A copy with another format and output folder. */
  public GeneratorSettings withOutput(String newFormat, String newOutputPath) {
    return new GeneratorSettings(customers, days, seed, startDate, anonymousShare, duplicateShare, invalidShare,
        newFormat, newOutputPath, partitions, causal);
  }

  /** A copy with another partition count (0 = automatic). */
  public GeneratorSettings withPartitions(int value) {
    return new GeneratorSettings(customers, days, seed, startDate, anonymousShare, duplicateShare, invalidShare,
        format, outputPath, value, causal);
  }

  /** A copy that generates journeys from the planted causal process, or not. */
  public GeneratorSettings withCausal(boolean value) {
    return new GeneratorSettings(customers, days, seed, startDate, anonymousShare, duplicateShare, invalidShare,
        format, outputPath, partitions, value);
  }

  /** First instant after the window, {@code startDate + days} at 00:00 UTC; later events are not written. */
  public LocalDate endDate() {
    return startDate.plusDays(days);
  }

  private static void requireShare(String key, double value, double max) {
    // The negated form also rejects NaN.
    if (!(value >= 0.0 && value <= max)) {
      throw new IllegalArgumentException(key + " must be between 0 and " + max + ", got " + value);
    }
  }

  private interface ConfigRead<T> {
    T get();
  }

  private static <T> T read(Config config, String key, ConfigRead<T> getter) {
    try {
      return getter.get();
    } catch (ConfigException.Missing e) {
      throw new IllegalArgumentException("generate." + key + " is missing");
    } catch (ConfigException e) {
      throw new IllegalArgumentException("generate." + key + " has a bad value: " + e.getMessage());
    }
  }
}
