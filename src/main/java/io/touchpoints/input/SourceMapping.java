package io.touchpoints.input;

import io.touchpoints.pipeline.InputException;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigObject;
import com.typesafe.config.ConfigValue;
import java.io.File;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.time.DateTimeException;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * How a source log maps onto the canonical event columns, read from a HOCON mapping file (see
 * {@code conf/mappings/}). A mapping renames source columns, sets constants and defaults, maps values (e.g. activity
 * codes to event types) and says how to parse timestamps, so a real log is read without editing it.
 *
 * <pre>
 * mapping {
 *   format = csv                       # optional, else --format
 *   options { sep = "," }              # Spark reader options
 *   columns { customer_id = CaseID, event_time = CompleteTimestamp, touchpoint = ActivityID }
 *   constants { event_type = interaction }   # a fixed value for every row
 *   defaults { touchpoint = unknown }        # used where the source value is empty
 *   values { event_type { won = conversion } }
 *   timestamp { patterns = ["yyyy-MM-dd HH:mm:ss"], zone = "Europe/Brussels" }
 *   encoding = "ISO-8859-1"            # of CSV and JSON files; default UTF-8
 *   sources = [ { path = "leads.csv", columns { ... } } ]   # several files under --input; each falls back
 * }                                                        # to the keys above
 * </pre>
 *
 * @param sources one entry per file (or folder) to read; their events are unioned
 */
public record SourceMapping(List<Source> sources) {

  /**
   * One source file's mapping.
   *
   * @param path relative to {@code --input} (empty: {@code --input} itself)
   * @param format csv, json, parquet or delta; null = the job's {@code --format}
   * @param columns canonical column to source column
   * @param timestampPatterns tried in order; empty = ISO-8601
   * @param zone zone of timestamps that carry no offset; null = UTC
   * @param encoding character set of CSV and JSON files (mapping key {@code encoding}; default UTF-8)
   */
  public record Source(
      String path,
      String format,
      Map<String, String> options,
      Map<String, String> columns,
      Map<String, String> constants,
      Map<String, String> defaults,
      Map<String, Map<String, String>> values,
      List<String> timestampPatterns,
      String zone,
      String encoding) {
    public Source {
      options = Map.copyOf(options);
      columns = Map.copyOf(columns);
      constants = Map.copyOf(constants);
      defaults = Map.copyOf(defaults);
      values = Map.copyOf(values);
      timestampPatterns = List.copyOf(timestampPatterns);
      encoding = encoding == null ? StandardCharsets.UTF_8.name() : encoding;
    }

    /** The files' character set. */
    public Charset charset() {
      return Charset.forName(encoding);
    }

    /** The same source with other timestamp patterns. */
    Source withTimestampPatterns(List<String> patterns) {
      return new Source(path, format, options, columns, constants, defaults, values, patterns, zone, encoding);
    }
  }

  /** No mapping file: one source, the canonical column names, ISO-8601 times in UTC. */
  public static SourceMapping identity() {
    return new SourceMapping(List.of(
        new Source("", null, Map.of(), Map.of(), Map.of(), Map.of(), Map.of(), List.of(), null, null)));
  }

  /**
   * Loads a mapping file. A path that does not exist on disk is also looked up among the mappings packed in the
   * jar (so {@code conf/mappings/x.conf} works on a cluster where {@code conf/} is absent).
   *
   * @throws InputException naming the file and the bad key
   */
  public static SourceMapping load(String file) {
    Config root;
    File onDisk = new File(file);
    if (onDisk.isFile()) {
      root = parse(file, () -> ConfigFactory.parseFile(onDisk));
    } else {
      String resource = "io/touchpoints/defaults/mappings/" + onDisk.getName();
      InputStream in = SourceMapping.class.getClassLoader().getResourceAsStream(resource);
      if (in == null) {
        throw new InputException("mapping file not found: " + file);
      }
      try (Reader reader = new InputStreamReader(in, StandardCharsets.UTF_8)) {
        root = parse(file, () -> ConfigFactory.parseReader(reader));
      } catch (java.io.IOException e) {
        throw new InputException("cannot read mapping " + file + ": " + e.getMessage(), e);
      }
    }
    return fromConfig(file, root);
  }

  /** Parses mapping text (for tests and for mappings built in code). */
  public static SourceMapping parse(String text) {
    return fromConfig("<text>", parse("<text>", () -> ConfigFactory.parseString(text)));
  }

  private interface ConfigSupplier {
    Config get();
  }

  private static Config parse(String name, ConfigSupplier supplier) {
    try {
      return supplier.get().resolve();
    } catch (ConfigException e) {
      throw new InputException("cannot parse mapping " + name + ": " + e.getMessage(), e);
    }
  }

  private static SourceMapping fromConfig(String name, Config root) {
    if (!root.hasPath("mapping")) {
      throw new InputException("mapping " + name + " has no `mapping { ... }` block");
    }
    Config top = root.getConfig("mapping");
    List<Source> sources = new ArrayList<>();
    try {
      if (top.hasPath("sources")) {
        Config shared = top.withoutPath("sources");
        for (ConfigObject entry : top.getObjectList("sources")) {
          sources.add(source(name, entry.toConfig().withFallback(shared)));
        }
        if (sources.isEmpty()) {
          throw new InputException("mapping " + name + ": `sources` is empty");
        }
      } else {
        sources.add(source(name, top));
      }
    } catch (ConfigException e) {
      throw new InputException("mapping " + name + ": " + e.getMessage(), e);
    }
    return new SourceMapping(List.copyOf(sources));
  }

  private static Source source(String name, Config c) {
    Map<String, String> columns = canonicalKeys(name, "columns", strings(c, "columns"));
    Map<String, String> constants = canonicalKeys(name, "constants", strings(c, "constants"));
    Map<String, String> defaults = canonicalKeys(name, "defaults", strings(c, "defaults"));
    Map<String, Map<String, String>> values = new LinkedHashMap<>();
    if (c.hasPath("values")) {
      for (Map.Entry<String, ConfigValue> e : c.getObject("values").entrySet()) {
        requireCanonical(name, "values", e.getKey());
        if (!(e.getValue() instanceof ConfigObject object)) {
          throw new InputException("mapping " + name + ": values." + e.getKey() + " must be { source = target, ... }");
        }
        Map<String, String> map = new LinkedHashMap<>();
        object.forEach((k, v) -> map.put(k, String.valueOf(v.unwrapped())));
        values.put(e.getKey(), map);
      }
    }
    List<String> patterns = c.hasPath("timestamp.patterns") ? c.getStringList("timestamp.patterns") : List.of();
    for (String pattern : patterns) {
      try {
        DateTimeFormatter.ofPattern(pattern);
      } catch (IllegalArgumentException e) {
        throw new InputException("mapping " + name + ": bad timestamp pattern '" + pattern + "': " + e.getMessage());
      }
    }
    String zone = c.hasPath("timestamp.zone") ? c.getString("timestamp.zone") : null;
    if (zone != null) {
      try {
        ZoneId.of(zone);
      } catch (DateTimeException e) {
        throw new InputException("mapping " + name + ": unknown timestamp zone '" + zone + "'");
      }
    }
    String format = c.hasPath("format") ? c.getString("format").toLowerCase() : null;
    if (format != null) {
      InputFormat.parse(format, "mapping " + name + ": format");
    }
    Map<String, String> options = strings(c, "options");
    String encoding = c.hasPath("encoding") ? c.getString("encoding")
        : SourceFiles.option(options, "encoding", SourceFiles.option(options, "charset", null));
    if (encoding != null) {
      try {
        encoding = Charset.forName(encoding).name();
      } catch (IllegalArgumentException e) {
        throw new InputException("mapping " + name + ": unknown encoding '" + encoding + "' (e.g. UTF-8, "
            + "ISO-8859-1, windows-1252, UTF-16)");
      }
    }
    return new Source(c.hasPath("path") ? c.getString("path") : "", format, options,
        columns, constants, defaults, values, patterns, zone, encoding);
  }

  private static Map<String, String> strings(Config c, String key) {
    Map<String, String> out = new LinkedHashMap<>();
    if (c.hasPath(key)) {
      c.getObject(key).forEach((k, v) -> out.put(k, String.valueOf(v.unwrapped())));
    }
    return out;
  }

  private static Map<String, String> canonicalKeys(String name, String block, Map<String, String> map) {
    map.keySet().forEach(k -> requireCanonical(name, block, k));
    return map;
  }

  private static void requireCanonical(String name, String block, String key) {
    if (!EventColumns.NAMES.contains(key)) {
      throw new InputException("mapping " + name + ": " + block + "." + key
          + " is not a canonical column; expected one of " + EventColumns.NAMES);
    }
  }
}
