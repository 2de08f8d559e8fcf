package io.touchpoints.input;

import io.touchpoints.pipeline.InputException;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigValue;
import java.io.File;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * How a customer attributes file maps onto the attributes table, read from a HOCON file ({@code --customers-mapping}):
 * the source's format and reader options, renamed columns and declared attribute types.
 *
 * <pre>
 * customers {
 *   format = csv                                   # optional: else from the file name, else csv
 *   options { sep = ";" }                          # Spark reader options
 *   columns { customer_id = CUST_NO, plan = PlanName }   # attribute name = source column
 *   types { zip_code = categorical, tenure = numeric }  # else inferred (CustomerReader)
 * }
 * </pre>
 *
 * @param format csv, json, parquet or delta; null = from the path
 * @param options Spark reader options
 * @param columns attribute name to source column; source columns not named keep their names
 * @param types declared kinds by attribute name (after renaming)
 */
public record CustomerMapping(String format, Map<String, String> options, Map<String, String> columns,
    Map<String, AttributeKind> types) {

  static final List<String> FORMATS = List.of("csv", "json", "parquet", "delta");

  public CustomerMapping {
    options = Map.copyOf(options);
    columns = Map.copyOf(columns);
    types = Map.copyOf(types);
  }

  /** No mapping file: the source names the columns, every type is inferred. */
  public static CustomerMapping none() {
    return new CustomerMapping(null, Map.of(), Map.of(), Map.of());
  }

  /** Loads a mapping file; an empty path means {@link #none()}. */
  public static CustomerMapping load(String file) {
    if (file == null || file.isBlank()) {
      return none();
    }
    if (!new File(file).isFile()) {
      throw new InputException("customers mapping file not found: " + file);
    }
    try {
      return parse(file, ConfigFactory.parseFile(new File(file)));
    } catch (ConfigException e) {
      throw new InputException("cannot parse customers mapping " + file + ": " + e.getMessage(), e);
    }
  }

  /** Parses the text of a mapping file ({@code name} is for messages). */
  public static CustomerMapping parse(String name, Config root) {
    if (!root.hasPath("customers")) {
      throw new InputException("customers mapping " + name + " has no `customers { ... }` block");
    }
    Config c = root.getConfig("customers");
    for (String key : c.root().keySet()) {
      if (!List.of("format", "options", "columns", "types").contains(key)) {
        throw new InputException("customers mapping " + name + ": unknown key '" + key
            + "' (expected format, options, columns, types)");
      }
    }
    try {
      String format = c.hasPath("format") ? c.getString("format").trim().toLowerCase(Locale.ROOT) : null;
      if (format != null && !FORMATS.contains(format)) {
        throw new InputException("customers mapping " + name + ": format must be one of " + FORMATS + ", got '"
            + format + "'");
      }
      Map<String, AttributeKind> types = new LinkedHashMap<>();
      strings(c, "types").forEach((column, kind) -> types.put(column, AttributeKind.parse(kind,
          "customers mapping " + name + ": types." + column)));
      return new CustomerMapping(format, strings(c, "options"), strings(c, "columns"), types);
    } catch (ConfigException e) {
      throw new InputException("customers mapping " + name + ": " + e.getMessage(), e);
    }
  }

  private static Map<String, String> strings(Config c, String key) {
    Map<String, String> out = new LinkedHashMap<>();
    if (c.hasPath(key)) {
      for (Map.Entry<String, ConfigValue> e : c.getObject(key).entrySet()) {
        out.put(unquote(e.getKey()), String.valueOf(e.getValue().unwrapped()));
      }
    }
    return out;
  }

  private static String unquote(String key) {
    return key.length() > 1 && key.startsWith("\"") && key.endsWith("\"") ? key.substring(1, key.length() - 1) : key;
  }
}
