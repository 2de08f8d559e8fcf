package io.touchpoints.attribution;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.expr;
import static org.apache.spark.sql.functions.filter;
import static org.apache.spark.sql.functions.length;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.not;
import static org.apache.spark.sql.functions.size;
import static org.apache.spark.sql.functions.split;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.transform;
import static org.apache.spark.sql.functions.trim;
import static org.apache.spark.sql.functions.when;

import io.touchpoints.pipeline.InputException;
import io.touchpoints.journey.JourneyColumns;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Pattern;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * Builds the aggregated paths ({@link PathColumns}) that attribution models read: from the journeys table, or from a
 * path file in the format attribution tools exchange ({@code path} with touchpoints joined by {@code " > "},
 * {@code total_conversions}, optional {@code total_conversion_value} and {@code total_null}).
 *
 * <p>Journeys without any touch (a conversion with nothing before it) have nothing to credit and are left out;
 * {@link #untouchedConversions} counts them. Shuffles once, on the path.
 */
final class PathSource {

  private PathSource() {}

  /** Aggregated paths of the journeys table. */
  public static Dataset<Row> fromJourneys(Dataset<Row> journeys) {
    return journeys.filter(col(JourneyColumns.TOUCHES).gt(0))
        .groupBy(transform(col(JourneyColumns.TOUCHPOINTS), t -> t.getField("touchpoint")).as(PathColumns.TOUCHPOINTS))
        .agg(
            sum(col(JourneyColumns.CONVERSIONS)).cast(DataTypes.DoubleType).as(PathColumns.CONVERSIONS),
            coalesce(sum(col(JourneyColumns.REVENUE)).cast(DataTypes.DoubleType), lit(0.0)).as(PathColumns.VALUE),
            count(when(not(col(JourneyColumns.CONVERTED)), lit(1))).cast(DataTypes.DoubleType).as(PathColumns.NULLS));
  }

  /** Conversions of journeys that had no touch (left out of attribution). */
  public static long untouchedConversions(Dataset<Row> journeys) {
    Row row = journeys.filter(col(JourneyColumns.TOUCHES).equalTo(0)).agg(sum(col(JourneyColumns.CONVERSIONS)))
        .first();
    return row.isNullAt(0) ? 0 : row.getLong(0);
  }

  /**
   * Reads a path file (CSV with a header line).
   *
   * @param separator the field separator, e.g. {@code ;}
   * @throws InputException when the file or a required column is missing, or a row has an empty path or a count
   *     that is not a non-negative number (the message shows the first such rows)
   */
  public static Dataset<Row> fromPathFile(SparkSession spark, String file, String separator) {
    if (separator == null || separator.isEmpty()) {
      throw new InputException("--sep must not be empty");
    }
    Dataset<Row> header;
    try {
      header = spark.read().option("header", "true").option("sep", separator).csv(file);
    } catch (RuntimeException e) {
      throw new InputException("cannot read path file " + file + ": " + firstLine(e.getMessage()), e);
    }
    List<String> columns = Arrays.asList(header.columns());
    for (String required : List.of("path", "total_conversions")) {
      if (!columns.contains(required)) {
        throw new InputException("path file " + file + " has no column '" + required + "' (columns found: " + columns
            + "; separator '" + separator + "', see --sep)");
      }
    }
    StructType text = new StructType();
    for (String c : columns) {
      text = text.add(c, DataTypes.StringType);
    }
    Dataset<Row> raw = spark.read().option("header", "true").option("sep", separator).schema(text).csv(file);
    Column conversions = number("total_conversions");
    Column value = columns.contains("total_conversion_value") ? number("total_conversion_value") : lit(0.0);
    Column nulls = columns.contains("total_null") ? number("total_null") : lit(0.0);
    Column touchpoints = filter(transform(split(coalesce(col("path"), lit("")), Pattern.quote(">")), t -> trim(t)),
        t -> length(t).gt(0));
    Dataset<Row> parsed = raw.select(col("path"), touchpoints.as(PathColumns.TOUCHPOINTS),
        conversions.as(PathColumns.CONVERSIONS), value.as(PathColumns.VALUE), nulls.as(PathColumns.NULLS));
    Column bad = size(col(PathColumns.TOUCHPOINTS)).equalTo(0)
        .or(col(PathColumns.CONVERSIONS).isNull()).or(col(PathColumns.CONVERSIONS).lt(0))
        .or(col(PathColumns.VALUE).isNull()).or(col(PathColumns.VALUE).lt(0))
        .or(col(PathColumns.NULLS).isNull()).or(col(PathColumns.NULLS).lt(0));
    List<Row> badRows = parsed.filter(bad).select(col("path")).limit(3).collectAsList();
    if (!badRows.isEmpty()) {
      long n = parsed.filter(bad).count();
      throw new InputException("path file " + file + ": " + n + " row(s) with an empty path or a count that is not a "
          + "non-negative number, e.g. path '" + badRows.get(0).get(0) + "'");
    }
    // The same path on several lines adds up.
    return parsed.groupBy(col(PathColumns.TOUCHPOINTS)).agg(
        sum(col(PathColumns.CONVERSIONS)).as(PathColumns.CONVERSIONS),
        sum(col(PathColumns.VALUE)).as(PathColumns.VALUE),
        sum(col(PathColumns.NULLS)).as(PathColumns.NULLS));
  }

  private static Column number(String column) {
    return expr("try_cast(trim(`" + column + "`) as double)");
  }

  private static String firstLine(String message) {
    if (message == null) {
      return "";
    }
    int nl = message.indexOf('\n');
    return nl < 0 ? message : message.substring(0, nl);
  }
}
