package io.touchpoints.input;

import io.touchpoints.pipeline.InputException;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.trim;
import static org.apache.spark.sql.functions.when;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.DataFrameReader;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.NumericType;
import org.apache.spark.sql.types.StructField;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads customer attributes ({@code --customers PATH}, optional {@code --customers-mapping FILE}): one row per
 * customer_id plus attribute columns, in csv, json (lines), parquet or delta.
 *
 * <p>Kinds: a column the mapping declares has that kind; otherwise a column of a numeric type (parquet, delta) is
 * numeric, and a text column is numeric when every non-empty value parses as a number, else categorical (a column
 * with no values at all is categorical). Text is read as text (no schema inference), so the decision is made here,
 * once, and can be printed and stored. A declared numeric column with a value that is not a number, a duplicate
 * customer_id, a missing customer_id column or a mapping naming a column the file lacks are bad input
 * ({@link InputException}, exit code 2). Rows with an empty customer_id are left out and counted.
 */
public final class CustomerReader {

  private static final Logger LOG = LoggerFactory.getLogger(CustomerReader.class);
  /** How many duplicate ids the message names. */
  private static final int DUPLICATES_NAMED = 5;
  private static final String NUMBER = "^[+-]?([0-9]+[.]?[0-9]*|[.][0-9]+)([eE][+-]?[0-9]+)?$";

  private final SparkSession spark;

  public CustomerReader(SparkSession spark) {
    this.spark = spark;
  }

  public CustomerAttributes read(String path, CustomerMapping mapping) {
    if (path == null || path.isBlank()) {
      throw new InputException("no customers path given");
    }
    requireExists(path);
    String format = mapping.format() != null ? mapping.format() : formatOf(path);
    Dataset<Row> raw = load(path, format, mapping);
    Dataset<Row> renamed = rename(raw, mapping, path);
    String id = EventColumns.CUSTOMER_ID;
    if (!List.of(renamed.columns()).contains(id)) {
      throw new InputException("customers file " + path + " has no " + id + " column (columns: "
          + String.join(", ", renamed.columns()) + "); rename one with --customers-mapping");
    }
    for (String declared : mapping.types().keySet()) {
      if (!List.of(renamed.columns()).contains(declared) || declared.equals(id)) {
        throw new InputException("customers mapping declares a type for '" + declared
            + "', which is not an attribute column of " + path);
      }
    }
    Dataset<Row> keyed = renamed.withColumn(id, trim(col(id).cast(DataTypes.StringType)));
    Column hasId = col(id).isNotNull().and(col(id).notEqual(""));

    List<StructField> attributes = new ArrayList<>();
    for (StructField f : keyed.schema().fields()) {
      if (!f.name().equals(id)) {
        attributes.add(f);
      }
    }
    // One pass: rows without id, and per text column the non-empty values that are not numbers.
    List<Column> checks = new ArrayList<>();
    checks.add(sum(when(hasId, 0).otherwise(1)).as("_no_id"));
    for (StructField f : attributes) {
      Column text = trim(col(quoted(f.name())).cast(DataTypes.StringType));
      Column nonEmpty = text.isNotNull().and(text.notEqual(""));
      checks.add(sum(when(nonEmpty, 1).otherwise(0)).as("v_" + checks.size()));
      checks.add(sum(when(nonEmpty.and(numberOrNull(text).isNull()), 1).otherwise(0)).as("x_" + checks.size()));
    }
    Row counts = keyed.agg(checks.get(0), checks.subList(1, checks.size()).toArray(Column[]::new)).first();
    long withoutId = counts.isNullAt(0) ? 0 : counts.getLong(0);

    Map<String, AttributeKind> kinds = new LinkedHashMap<>();
    List<Column> out = new ArrayList<>();
    out.add(col(id));
    for (int i = 0; i < attributes.size(); i++) {
      StructField f = attributes.get(i);
      long values = counts.isNullAt(1 + 2 * i) ? 0 : counts.getLong(1 + 2 * i);
      long notNumbers = counts.isNullAt(2 + 2 * i) ? 0 : counts.getLong(2 + 2 * i);
      AttributeKind declared = mapping.types().get(f.name());
      AttributeKind kind;
      if (declared != null) {
        kind = declared;
        if (kind == AttributeKind.NUMERIC && notNumbers > 0) {
          Row example = keyed.select(trim(col(quoted(f.name())).cast(DataTypes.StringType)).as("v"))
              .filter(col("v").notEqual("").and(numberOrNull(col("v")).isNull())).first();
          throw new InputException("customers column '" + f.name() + "' is declared numeric but " + notNumbers
              + " values are not numbers, e.g. '" + example.getString(0) + "'");
        }
      } else if (f.dataType() instanceof NumericType) {
        kind = AttributeKind.NUMERIC;
      } else {
        kind = values > 0 && notNumbers == 0 ? AttributeKind.NUMERIC : AttributeKind.CATEGORICAL;
      }
      kinds.put(f.name(), kind);
      Column text = trim(col(quoted(f.name())).cast(DataTypes.StringType));
      Column value = kind == AttributeKind.NUMERIC
          ? numberOrNull(text)
          : when(text.notEqual(""), text);
      out.add(value.as(f.name()));
    }
    Dataset<Row> rows = keyed.filter(hasId).select(out.toArray(Column[]::new));
    requireUniqueIds(rows, path);
    CustomerAttributes result = new CustomerAttributes(rows, kinds, List.copyOf(mapping.types().keySet()),
        withoutId);
    LOG.info("customer attributes from {}: {}", path, result.describeKinds());
    return result;
  }

  /** Text that is a decimal number (optionally signed, with exponent) as a double; null otherwise. */
  private static Column numberOrNull(Column text) {
    return when(text.rlike(NUMBER), text.cast(DataTypes.DoubleType));
  }

  private void requireUniqueIds(Dataset<Row> rows, String path) {
    List<Row> duplicates = rows.groupBy(EventColumns.CUSTOMER_ID).agg(count(lit(1)).as("n"))
        .filter(col("n").gt(1)).orderBy(col("n").desc(), col(EventColumns.CUSTOMER_ID))
        .limit(DUPLICATES_NAMED + 1).collectAsList();
    if (!duplicates.isEmpty()) {
      List<String> named = new ArrayList<>();
      for (Row r : duplicates.subList(0, Math.min(DUPLICATES_NAMED, duplicates.size()))) {
        named.add(r.getString(0) + " (" + r.getLong(1) + " rows)");
      }
      throw new InputException("customers file " + path + " has more than one row for customer_id "
          + String.join(", ", named) + (duplicates.size() > DUPLICATES_NAMED ? " and others" : "")
          + "; it must have one row per customer");
    }
  }

  private Dataset<Row> load(String path, String format, CustomerMapping mapping) {
    DataFrameReader reader = spark.read().options(mapping.options());
    try {
      return switch (format) {
        // Text stays text: the kinds are decided by CustomerReader, not by Spark's sampling inference.
        case "csv" -> reader.option("header", "true").option("inferSchema", "false").csv(path);
        case "json" -> reader.option("primitivesAsString", "true").json(path);
        case "parquet" -> reader.parquet(path);
        case "delta" -> reader.format("delta").load(path);
        default -> throw new InputException("customers format must be one of " + CustomerMapping.FORMATS
            + ", got '" + format + "'");
      };
    } catch (InputException e) {
      throw e;
    } catch (RuntimeException e) {
      throw new InputException("cannot read customers file " + path + " as " + format + ": " + e.getMessage(), e);
    }
  }

  private static Dataset<Row> rename(Dataset<Row> raw, CustomerMapping mapping, String path) {
    List<String> source = List.of(raw.columns());
    Map<String, String> bySource = new LinkedHashMap<>();
    mapping.columns().forEach((attribute, sourceColumn) -> {
      if (!source.contains(sourceColumn)) {
        throw new InputException("customers mapping renames column '" + sourceColumn + "' to '" + attribute
            + "', but " + path + " has no such column (columns: " + String.join(", ", source) + ")");
      }
      bySource.put(sourceColumn, attribute);
    });
    List<Column> columns = new ArrayList<>();
    List<String> names = new ArrayList<>();
    for (String s : source) {
      String name = bySource.getOrDefault(s, s);
      if (names.contains(name)) {
        throw new InputException("customers file " + path + ": two columns would be named '" + name + "'");
      }
      names.add(name);
      columns.add(col(quoted(s)).as(name));
    }
    return raw.select(columns.toArray(Column[]::new));
  }

  private static String formatOf(String path) {
    String name = path.toLowerCase(Locale.ROOT).replaceAll("/+$", "");
    if (name.endsWith(".json") || name.endsWith(".jsonl")) {
      return "json";
    }
    if (name.endsWith(".parquet")) {
      return "parquet";
    }
    return "csv";
  }

  private void requireExists(String path) {
    try {
      Path p = new Path(path);
      FileSystem fs = p.getFileSystem(spark.sparkContext().hadoopConfiguration());
      if (!fs.exists(p)) {
        throw new InputException("customers file not found: " + path);
      }
    } catch (IOException e) {
      throw new InputException("customers file not readable: " + path + " (" + e.getMessage() + ")", e);
    }
  }

  private static String quoted(String name) {
    return "`" + name.replace("`", "``") + "`";
  }
}
