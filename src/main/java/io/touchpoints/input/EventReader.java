package io.touchpoints.input;

import io.touchpoints.pipeline.InputException;
import static org.apache.spark.sql.functions.call_function;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.date_format;
import static org.apache.spark.sql.functions.decode;
import static org.apache.spark.sql.functions.encode;
import static org.apache.spark.sql.functions.expr;
import static org.apache.spark.sql.functions.input_file_name;
import static org.apache.spark.sql.functions.length;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.map;
import static org.apache.spark.sql.functions.monotonically_increasing_id;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.to_json;
import static org.apache.spark.sql.functions.to_utc_timestamp;
import static org.apache.spark.sql.functions.trim;
import static org.apache.spark.sql.functions.when;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.DataFrameReader;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.DateType;
import org.apache.spark.sql.types.NumericType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.sql.types.TimestampNTZType;
import org.apache.spark.sql.types.TimestampType;

/**
 * Reads a source log (CSV with header, JSON lines, Parquet or Delta) and maps it onto the canonical columns, as
 * trimmed text (empty = null), ready for {@link EventValidator}; revenue, CSAT and NPS that the source already types as
 * whole or decimal numbers stay numbers ({@link #TYPED_NUMBERS}).
 *
 * <p>Output columns: every name in {@link EventColumns#NAMES} (strings, or numbers as above),
 * {@link EventColumns#SOURCE_FILE}, {@link EventColumns#INPUT_ORDER} (file, split start, row id: the row's place in
 * its input, which breaks time ties the same way whatever the partitioning), {@link #PARSED_TIME}, {@link #TIME_GIVEN},
 * {@link EventColumns#RAW_RECORD}, {@link EventColumns#RAW_BYTES}, {@link #MALFORMED}, {@link #LINE_FRAGMENT} and
 * {@link #INVALID_ENCODING}.
 *
 * <p>CSV files are read by column name: each file's header is read on its own and files sharing a header are one
 * scan ({@link SourceFiles}). UTF-8 text is decoded here rather than by Spark, so invalid bytes are seen and kept.
 *
 * <p>No schema is inferred: CSV columns come from the header line and are read as text; JSON fields named by the
 * mapping are read as text; Parquet and Delta carry their own schema. A malformed CSV or JSON line is kept (as
 * {@link #MALFORMED}, with the line as its raw record) for the quarantine. Narrow: no shuffle.
 *
 * <p>Fails with {@link InputException} before anything is read in bulk (so before anything is written) when a path
 * is missing, a file is not in the format read (decided from its first bytes), or a CSV file's header or a
 * Parquet/Delta schema lacks a required column, naming the file and the column.
 */
public final class EventReader {

  /** True for a line that did not parse into the source's columns. */
  public static final String MALFORMED = "_malformed";
  /** event_time parsed with the source's patterns and zone; null where absent or unparseable. */
  public static final String PARSED_TIME = "_event_time_parsed";
  /** True where the source gives an event time (parseable or not). */
  public static final String TIME_GIVEN = "_event_time_given";
  /** True for a row whose bytes are not valid in the source's encoding (UTF-8 only: other charsets decode all). */
  public static final String INVALID_ENCODING = "_invalid_encoding";
  /** True for a malformed CSV line with an unclosed quote: a piece of a record spanning lines. */
  public static final String LINE_FRAGMENT = "_line_fragment";
  private static final String CORRUPT = "_corrupt_record";
  /** A JSON line as read: the raw record of every row of it. */
  private static final String WHOLE_LINE = "_line";
  /** Latin-1 maps each byte to one char and back: text read with it still holds the file's exact bytes. */
  private static final String BYTES_AS_TEXT = "ISO-8859-1";

  /**
   * Canonical columns a typed source may give as numbers: formatting each number as text only for the validator to
   * parse it back cost most of a Parquet scan's CPU. Float is not among the types kept: a float widened to double
   * is not the number its text shows (0.1f), so it still goes through text.
   */
  static final Set<String> TYPED_NUMBERS = Set.of(EventColumns.REVENUE, EventColumns.CSAT, EventColumns.NPS);

  private final SparkSession spark;

  public EventReader(SparkSession spark) {
    this.spark = spark;
  }

  /**
   * Reads every source of the mapping.
   *
   * @param inputPath the {@code --input} path; sources with a relative path are resolved below it
   * @param defaultFormat used where the mapping does not name a format
   */
  public Dataset<Row> read(String inputPath, String defaultFormat, SourceMapping mapping) {
    if (inputPath == null || inputPath.isBlank()) {
      throw new InputException("no input path: give --input PATH (or touchpoints.input.path in the config)");
    }
    List<Dataset<Row>> sources = new ArrayList<>();
    for (SourceMapping.Source source : mapping.sources()) {
      String path = resolve(inputPath, source.path());
      sources.add(readSource(path, source.format() != null ? source.format() : defaultFormat, source));
    }
    return unionAsText(sources);
  }

  /**
   * The union of the sources; a typed number that another source gives as text or as another type becomes text in
   * all, so that no source's values are cast to another's type by the union.
   */
  private static Dataset<Row> unionAsText(List<Dataset<Row>> sources) {
    Dataset<Row> all = null;
    for (Dataset<Row> one : sources) {
      for (String name : TYPED_NUMBERS) {
        DataType type = one.schema().apply(name).dataType();
        if (sources.stream().anyMatch(other -> !other.schema().apply(name).dataType().equals(type))) {
          one = one.withColumn(name, col(name).cast(DataTypes.StringType));
        }
      }
      all = all == null ? one : all.unionByName(one);
    }
    return all;
  }

  private static String resolve(String base, String relative) {
    if (relative == null || relative.isBlank()) {
      return base;
    }
    Path rel = new Path(relative);
    return rel.isAbsolute() || rel.toUri().getScheme() != null ? relative : new Path(base, relative).toString();
  }

  private SourceFiles files() {
    return new SourceFiles(spark.sparkContext().hadoopConfiguration());
  }

  private Dataset<Row> readSource(String path, String format, SourceMapping.Source source) {
    InputFormat.parse(format, "input format");
    SourceFiles files = files();
    List<Path> paths = files.list(path);
    if (format.equals("delta")) {
      requireDeltaTable(path);
    } else {
      files.requireFormat(paths, format);
    }
    try {
      if (format.equals("csv")) {
        return readCsv(path, files, paths, source);
      }
      Dataset<Row> raw;
      List<String> sourceColumns;
      if (format.equals("json")) {
        sourceColumns = jsonFields(source);
        StructType schema = new StructType();
        for (String name : sourceColumns) {
          schema = schema.add(name, DataTypes.StringType);
        }
        schema = schema.add(CORRUPT, DataTypes.StringType);
        if (multiLine(source) || !asciiCompatible(source.charset())) {
          raw = spark.read().options(source.options()).option("encoding", source.charset().name())
              .option("mode", "PERMISSIVE").option("columnNameOfCorruptRecord", CORRUPT).schema(schema).json(path);
        } else {
          raw = jsonLines(path, source, schema);
        }
      } else {
        raw = spark.read().options(source.options()).format(format).load(path);
        sourceColumns = Arrays.asList(raw.columns());
      }
      checkRequired(path, source, effectiveColumns(source, sourceColumns), sourceColumns, true);
      return canonical(raw, source, sourceColumns, format.equals("json"));
    } catch (InputException e) {
      throw e;
    } catch (RuntimeException e) {
      throw new InputException("cannot read " + format + " input " + path + ": " + firstLine(e.getMessage()), e);
    }
  }

  /**
   * Each CSV file is read with its own header and mapped by column name: files sharing a header are one scan, and
   * the scans are unioned by canonical name (a column a file lacks is null there).
   */
  private Dataset<Row> readCsv(String path, SourceFiles files, List<Path> paths,
      SourceMapping.Source source) {
    List<SourceFiles.HeaderGroup> groups = files.csvHeaders(paths, source.options(), source.charset());
    if (groups.isEmpty()) {
      throw new InputException("no header line found in " + path);
    }
    // Every header is checked before any file is read in bulk.
    Set<String> seen = new TreeSet<>();
    for (SourceFiles.HeaderGroup group : groups) {
      int more = group.files().size() - 1;
      String where = SourceFiles.display(new Path(group.files().get(0)))
          + (more > 0 ? " (and " + more + " more files with the same header)" : "");
      checkRequired(where, source, effectiveColumns(source, group.header()), group.header(), false);
      seen.addAll(group.header());
    }
    checkMappedOptional(path, source, seen);
    Dataset<Row> all = null;
    for (SourceFiles.HeaderGroup group : groups) {
      StructType header = new StructType();
      for (String name : group.header()) {
        header = header.add(name, DataTypes.StringType);
      }
      // The schema is the files' own header, so Spark's positional read matches the names. Column pruning makes
      // the parser count only the selected fields, so a line with too many or too few fields would not be flagged
      // as malformed: every field is parsed.
      // UTF-8 is read as Latin-1 and decoded here, where invalid bytes can be seen (Spark's reader would turn them
      // into U+FFFD unseen). Tokenizing is the same: no byte of a multi-byte UTF-8 character is a separator, quote
      // or line end.
      boolean utf8 = source.charset().equals(StandardCharsets.UTF_8);
      Dataset<Row> raw = spark.read().options(source.options()).option("header", "true")
          .option("encoding", utf8 ? BYTES_AS_TEXT : source.charset().name())
          .option("mode", "PERMISSIVE").option("columnNameOfCorruptRecord", CORRUPT)
          .option("columnPruning", "false")
          .schema(header.add(CORRUPT, DataTypes.StringType)).csv(group.files().toArray(String[]::new));
      raw = utf8 ? decodeUtf8(raw, group.header()) : raw;
      if (!multiLine(source)) {
        String quote = SourceFiles.option(source.options(), "quote", "\"");
        Column quotes = length(col(CORRUPT)).minus(length(functions.replace(col(CORRUPT), lit(quote), lit(""))));
        raw = raw.withColumn(LINE_FRAGMENT, coalesce(quotes.mod(2).equalTo(1), lit(false)));
      }
      Dataset<Row> one = canonical(raw, source, group.header(), true);
      all = all == null ? one : all.unionByName(one);
    }
    return all;
  }

  /**
   * Source columns read as Latin-1 (one char per byte) decoded as UTF-8, with {@link #INVALID_ENCODING} where the
   * bytes are not valid UTF-8 and {@link EventColumns#RAW_BYTES} (base64 of the row as a CSV line of the exact
   * bytes, or of the malformed line) there.
   */
  private static Dataset<Row> decodeUtf8(Dataset<Row> raw, List<String> header) {
    List<Column> out = new ArrayList<>();
    List<Column> bytesAsText = new ArrayList<>();
    Column invalid = lit(false);
    List<String> all = new ArrayList<>(header);
    all.add(CORRUPT);
    for (String name : all) {
      Column text = col(quote(name));
      Column bytes = encode(text, BYTES_AS_TEXT);
      Column decoded = decode(bytes, "UTF-8");
      out.add(decoded.as(name));
      if (!name.equals(CORRUPT)) {
        bytesAsText.add(text.as(name));
      }
      // Only text holding U+FFFD is re-encoded and compared: a U+FFFD written in the file is valid.
      invalid = invalid.or(coalesce(functions.instr(decoded, "\uFFFD").gt(0)
          .and(encode(decoded, "UTF-8").notEqual(bytes)), lit(false)));
    }
    Column rowBytes = coalesce(encode(col(CORRUPT), BYTES_AS_TEXT),
        encode(functions.to_csv(struct(bytesAsText.toArray(Column[]::new))), BYTES_AS_TEXT));
    out.add(invalid.as(INVALID_ENCODING));
    out.add(when(invalid, base64(rowBytes)).as(EventColumns.RAW_BYTES));
    return raw.select(out.toArray(Column[]::new));
  }

  /**
   * JSON lines read as text and parsed here, so the raw record is the whole line (keys the mapping does not name
   * included) and invalid UTF-8 can be seen. Blank lines are not records, as in Spark's JSON reader.
   */
  private Dataset<Row> jsonLines(String path, SourceMapping.Source source, StructType schema) {
    Column bytes = col("value").cast(DataTypes.BinaryType);
    // A byte order mark is no part of the first line's record.
    Column text = functions.regexp_replace(decode(bytes, source.charset().name()), "^\uFEFF", "");
    boolean utf8 = source.charset().equals(StandardCharsets.UTF_8);
    Column invalid = !utf8 ? lit(false) : coalesce(functions.instr(text, "\uFFFD").gt(0)
        .and(encode(text, "UTF-8").notEqual(bytes)), lit(false));
    Map<String, String> options = new LinkedHashMap<>(source.options());
    options.put("mode", "PERMISSIVE");
    options.put("columnNameOfCorruptRecord", CORRUPT);
    Dataset<Row> lines = spark.read().text(path)
        .withColumn("_text", text)
        .filter(length(trim(col("_text"))).gt(0))
        .withColumn(INVALID_ENCODING, invalid)
        .withColumn(EventColumns.RAW_BYTES, when(invalid, base64(bytes)))
        .withColumn("_parsed", functions.from_json(col("_text"), schema, options));
    List<Column> out = new ArrayList<>();
    for (String name : schema.fieldNames()) {
      out.add(col("_parsed").getField(name).as(name));
    }
    out.add(col("_text").as(WHOLE_LINE));
    out.add(col(INVALID_ENCODING));
    out.add(col(EventColumns.RAW_BYTES));
    return lines.select(out.toArray(Column[]::new));
  }

  /** Base64 on one line (Spark's own breaks lines every 76 characters, MIME style). */
  private static Column base64(Column bytes) {
    return functions.regexp_replace(functions.base64(bytes), "[\\r\\n]", "");
  }

  /** Spark's {@code multiLine} option: records may span lines, and each file is read whole by one task. */
  private static boolean multiLine(SourceMapping.Source source) {
    return Boolean.parseBoolean(SourceFiles.option(source.options(), "multiLine", "false"));
  }

  private static boolean asciiCompatible(java.nio.charset.Charset charset) {
    return charset.equals(StandardCharsets.UTF_8) || charset.equals(StandardCharsets.ISO_8859_1)
        || charset.equals(StandardCharsets.US_ASCII) || charset.name().startsWith("windows-")
        || charset.name().startsWith("ISO-8859");
  }

  private void requireDeltaTable(String path) {
    try {
      Path log = new Path(path, "_delta_log");
      if (!log.getFileSystem(spark.sparkContext().hadoopConfiguration()).exists(log)) {
        throw new InputException("input " + path + " is not a Delta table (--format delta): it has no _delta_log "
            + "folder. Give the format of the files with --format (csv, json, parquet, delta).");
      }
    } catch (IOException e) {
      throw new InputException("input path not readable: " + path + " (" + e.getMessage() + ")", e);
    }
  }

  /** The canonical text columns of one scan whose source columns are {@code sourceColumns}. */
  private static Dataset<Row> canonical(
      Dataset<Row> raw, SourceMapping.Source source, List<String> sourceColumns, boolean textual) {
    Map<String, String> columns = effectiveColumns(source, sourceColumns);

    // Position of each row in its input, taken right at the scan, before anything can reorder rows.
    raw = raw
        .withColumn(EventColumns.SOURCE_FILE, input_file_name())
        .withColumn(EventColumns.INPUT_ORDER, struct(
            col(EventColumns.SOURCE_FILE).as("file"),
            expr("input_file_block_start()").as("block"),
            monotonically_increasing_id().as("row")));

    List<Column> out = new ArrayList<>();
    for (String canonical : EventColumns.NAMES) {
      out.add(canonicalValue(canonical, source, columns, raw.schema()).as(canonical));
    }
    out.add(col(EventColumns.SOURCE_FILE));
    out.add(col(EventColumns.INPUT_ORDER));
    // A typed time keeps its instant: cast directly, with no text round trip (formatting and parsing every row's
    // time cost a third of a scan's CPU). Only a value map or default for event_time, which work on text, still
    // go through the formatted text (written with an offset, so neither the mapping's patterns nor its zone apply).
    Column timeText = canonicalValue(EventColumns.EVENT_TIME, source, columns, raw.schema());
    String timeColumn = columns.get(EventColumns.EVENT_TIME);
    boolean typedTime = timeColumn != null && !source.constants().containsKey(EventColumns.EVENT_TIME)
        && isTime(raw.schema().apply(timeColumn));
    if (typedTime && !source.values().containsKey(EventColumns.EVENT_TIME)
        && !source.defaults().containsKey(EventColumns.EVENT_TIME)) {
      Column typed = col(quote(timeColumn)).cast(DataTypes.TimestampType);
      out.add(typed.as(PARSED_TIME));
      out.add(typed.isNotNull().as(TIME_GIVEN));
    } else {
      SourceMapping.Source timeSource = !typedTime ? source : source.withTimestampPatterns(List.of());
      out.add(parseTime(timeText, timeSource).as(PARSED_TIME));
      out.add(timeText.isNotNull().as(TIME_GIVEN));
    }
    Column[] sourceCols = sourceColumns.stream().map(c -> col(quote(c))).toArray(Column[]::new);
    // The whole source row: a JSON line itself, else every source column by its source name.
    Column record = present(raw, WHOLE_LINE) ? col(WHOLE_LINE)
        : to_json(struct(sourceCols), Map.of("ignoreNullFields", "false"));
    if (textual) {
      out.add(coalesce(col(CORRUPT), record).as(EventColumns.RAW_RECORD));
      out.add(col(CORRUPT).isNotNull().as(MALFORMED));
    } else {
      out.add(record.as(EventColumns.RAW_RECORD));
      out.add(lit(false).as(MALFORMED));
    }
    out.add(present(raw, INVALID_ENCODING) ? col(INVALID_ENCODING) : lit(false).as(INVALID_ENCODING));
    out.add(present(raw, LINE_FRAGMENT) ? col(LINE_FRAGMENT) : lit(false).as(LINE_FRAGMENT));
    out.add(present(raw, EventColumns.RAW_BYTES) ? col(EventColumns.RAW_BYTES)
        : lit(null).cast(DataTypes.StringType).as(EventColumns.RAW_BYTES));
    return raw.select(out.toArray(Column[]::new));
  }

  /** Canonical column to source column: the mapping's own, else any source column already named canonically. */
  private static Map<String, String> effectiveColumns(SourceMapping.Source source, List<String> sourceColumns) {
    Map<String, String> columns = new LinkedHashMap<>();
    for (String canonical : EventColumns.NAMES) {
      if (source.columns().containsKey(canonical)) {
        columns.put(canonical, source.columns().get(canonical));
      } else if (sourceColumns.contains(canonical)) {
        columns.put(canonical, canonical);
      }
    }
    return columns;
  }

  private static List<String> jsonFields(SourceMapping.Source source) {
    Set<String> fields = new TreeSet<>(EventColumns.NAMES);
    fields.addAll(source.columns().values());
    return new ArrayList<>(fields);
  }

  /**
   * @param allMapped whether every mapped column must be present; else only those of required columns (a file of
   *     a folder may lack an optional column: see {@link #checkMappedOptional})
   */
  private static void checkRequired(String path, SourceMapping.Source source, Map<String, String> columns,
      List<String> sourceColumns, boolean allMapped) {
    List<String> problems = new ArrayList<>();
    for (Map.Entry<String, String> e : source.columns().entrySet()) {
      boolean needed = allMapped || EventColumns.REQUIRED.contains(e.getKey())
          || e.getKey().equals(EventColumns.CUSTOMER_ID) || e.getKey().equals(EventColumns.ANONYMOUS_ID);
      if (needed && !sourceColumns.contains(e.getValue())) {
        problems.add("mapped column '" + e.getValue() + "' (for " + e.getKey() + ") is not in the file");
      }
    }
    for (String required : EventColumns.REQUIRED) {
      if (!columns.containsKey(required) && !source.constants().containsKey(required)
          && !source.defaults().containsKey(required)) {
        problems.add("required column '" + required + "' is missing");
      }
    }
    boolean hasCustomer = columns.containsKey(EventColumns.CUSTOMER_ID) || columns.containsKey(EventColumns.ANONYMOUS_ID)
        || source.constants().containsKey(EventColumns.CUSTOMER_ID);
    if (!hasCustomer) {
      problems.add("required column '" + EventColumns.CUSTOMER_ID + "' (or '" + EventColumns.ANONYMOUS_ID
          + "') is missing");
    }
    if (!problems.isEmpty()) {
      throw new InputException("input " + path + ": " + String.join("; ", problems)
          + ". Columns found: " + sourceColumns + ". Use --mapping FILE to rename source columns.");
    }
  }

  /** A mapped optional column found in none of a source's files is a mistake in the mapping, not a gap. */
  private static void checkMappedOptional(String path, SourceMapping.Source source, Set<String> seen) {
    List<String> problems = new ArrayList<>();
    source.columns().forEach((canonical, sourceName) -> {
      if (!seen.contains(sourceName)) {
        problems.add("mapped column '" + sourceName + "' (for " + canonical + ") is in none of the files");
      }
    });
    if (!problems.isEmpty()) {
      throw new InputException("input " + path + ": " + String.join("; ", problems) + ". Columns found: " + seen
          + ". Use --mapping FILE to rename source columns.");
    }
  }

  private static Column canonicalValue(
      String canonical, SourceMapping.Source source, Map<String, String> columns, StructType schema) {
    if (source.constants().containsKey(canonical)) {
      return lit(source.constants().get(canonical));
    }
    Column value;
    if (columns.containsKey(canonical)) {
      String sourceName = columns.get(canonical);
      StructField field = schema.apply(sourceName);
      Column c = col(quote(sourceName));
      Map<String, String> valueMap = source.values().get(canonical);
      boolean mapped = valueMap != null && !valueMap.isEmpty() || source.defaults().containsKey(canonical);
      if (TYPED_NUMBERS.contains(canonical) && isExactNumber(field) && !mapped) {
        // Value maps and defaults work on text; without them a typed number is checked as it is.
        return c;
      }
      if (isTime(field)) {
        // Typed times keep their instant: written with an explicit offset so no mapping zone is applied again.
        c = date_format(c.cast(DataTypes.TimestampType), "yyyy-MM-dd'T'HH:mm:ss.SSSSSSXXX");
      } else {
        c = c.cast(DataTypes.StringType);
      }
      Column trimmed = trim(c);
      value = when(length(trimmed).equalTo(0), lit(null).cast(DataTypes.StringType)).otherwise(trimmed);
      if (valueMap != null && !valueMap.isEmpty()) {
        List<Column> kv = new ArrayList<>();
        valueMap.forEach((k, v) -> {
          kv.add(lit(k));
          kv.add(lit(v));
        });
        value = coalesce(call_function("try_element_at", map(kv.toArray(Column[]::new)), value), value);
      }
    } else {
      value = lit(null).cast(DataTypes.StringType);
    }
    if (source.defaults().containsKey(canonical)) {
      value = coalesce(value, lit(source.defaults().get(canonical)));
    }
    return value;
  }

  /**
   * Parses event time text: ISO-8601 when the mapping gives no pattern, else each pattern in turn. Text without an
   * offset is wall-clock time in the mapping's zone (UTC when none).
   */
  static Column parseTime(Column text, SourceMapping.Source source) {
    Column parsed;
    Column zoned;
    if (source.timestampPatterns().isEmpty()) {
      parsed = call_function("try_to_timestamp", text);
      zoned = text.rlike(OFFSET_AT_END);
    } else {
      List<Column> attempts = new ArrayList<>();
      List<Column> zonedAttempts = new ArrayList<>();
      for (String pattern : source.timestampPatterns()) {
        Column attempt = call_function("try_to_timestamp", text, lit(pattern));
        attempts.add(attempt);
        // A pattern with a zone or offset field yields an absolute instant already.
        zonedAttempts.add(when(attempt.isNotNull(), lit(pattern.matches(".*[XxZOVz].*"))));
      }
      parsed = coalesce(attempts.toArray(Column[]::new));
      zoned = coalesce(zonedAttempts.toArray(Column[]::new));
    }
    if (source.zone() == null) {
      return parsed;
    }
    return when(zoned, parsed).otherwise(to_utc_timestamp(parsed, source.zone()));
  }

  /** An offset after a time of day; a date alone ("2018-02-01") ends in "-01", which is not an offset. */
  private static final String OFFSET_AT_END =
      "[0-9]{2}:[0-9]{2}(:[0-9]{2}([.,][0-9]*)?)?\\s*(Z|[+-][0-9]{2}(:?[0-9]{2})?)$";

  private static boolean present(Dataset<Row> raw, String column) {
    return Arrays.asList(raw.columns()).contains(column);
  }

  /** Any number but a float: a number whose text would parse back to the same value. */
  private static boolean isExactNumber(StructField field) {
    return field.dataType() instanceof NumericType && !field.dataType().equals(DataTypes.FloatType);
  }

  private static boolean isTime(StructField field) {
    return field.dataType() instanceof TimestampType || field.dataType() instanceof TimestampNTZType
        || field.dataType() instanceof DateType;
  }

  private static String quote(String name) {
    return "`" + name.replace("`", "``") + "`";
  }

  private static String firstLine(String message) {
    if (message == null) {
      return "";
    }
    int nl = message.indexOf('\n');
    return nl < 0 ? message : message.substring(0, nl);
  }
}
