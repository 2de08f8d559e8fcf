package io.touchpoints.input;

import io.touchpoints.pipeline.InputException;
import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** The input formats the job reads: the one list behind {@code input.format}, a mapping's {@code format} and --format. */
public enum InputFormat {
  CSV("CSV with a header line"),
  JSON("JSON lines"),
  PARQUET("Parquet"),
  DELTA("a Delta table");

  private final String description;

  InputFormat(String description) {
    this.description = description;
  }

  /** The name as users write it: csv, json, parquet, delta. */
  public String id() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** How a message names it, e.g. "JSON lines (--format json)". */
  public String describe() {
    return description + " (--format " + id() + ")";
  }

  /** Every id, for messages: "csv, json, parquet, delta". */
  public static String ids() {
    return Arrays.stream(values()).map(InputFormat::id).collect(Collectors.joining(", "));
  }

  /**
   * @param what how the message names the setting, e.g. "input.format"
   * @throws InputException naming the value and the accepted ones
   */
  public static InputFormat parse(String value, String what) {
    for (InputFormat f : values()) {
      if (f.id().equalsIgnoreCase(value == null ? "" : value.trim())) {
        return f;
      }
    }
    throw new InputException(what + " must be one of " + ids() + ", got '" + value + "'");
  }
}
