package io.touchpoints.model;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.trim;
import static org.apache.spark.sql.functions.xxhash64;

import io.touchpoints.pipeline.InputException;
import io.touchpoints.journey.JourneyColumns;
import java.io.IOException;
import java.util.Locale;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * Splits journeys into training and test sets, whole journeys at a time (every prefix of a journey is on one side).
 *
 * <p>By time: journeys are ordered by start time (ties by a seeded hash of the id, then the id) and the latest
 * {@code testFraction} of them, rounded, is the test set. The order is a range-partitioned sort of the journeys
 * followed by {@code zipWithIndex}, so it is exact at any size and nothing reaches the driver but counts. By holdout
 * file: the journeys whose ids the file lists (one per line) are the test set; the file is read with Spark (any
 * Hadoop path).
 *
 * @param assignment one row per journey: {@link #JOURNEY_ID}, {@link #IS_TEST}
 * @param description human description stored in model_metrics.split
 */
record JourneySplit(Dataset<Row> assignment, String description) {

  public static final String JOURNEY_ID = ModelColumns.JOURNEY_ID;
  public static final String IS_TEST = "is_test";

  private static final StructType SCHEMA = new StructType()
      .add(JOURNEY_ID, DataTypes.StringType, false)
      .add(IS_TEST, DataTypes.BooleanType, false);

  /** The latest {@code testFraction} of journeys by start time. */
  public static JourneySplit byStartTime(SparkSession spark, Dataset<Row> journeys, double testFraction, long seed) {
    Dataset<Row> ordered = journeys
        .select(col(JourneyColumns.JOURNEY_ID), col(JourneyColumns.START_TIME))
        .orderBy(col(JourneyColumns.START_TIME), xxhash64(col(JourneyColumns.JOURNEY_ID), lit(seed)),
            col(JourneyColumns.JOURNEY_ID));
    long total = journeys.count();
    long test = Math.round(total * testFraction);
    long firstTest = total - test;
    JavaRDD<Row> rows = ordered.javaRDD().zipWithIndex()
        .map(pair -> RowFactory.create(pair._1().getString(0), pair._2() >= firstTest));
    String description = String.format(Locale.ROOT, "latest %.1f%% of journeys by start time (%d of %d)",
        100 * testFraction, test, total);
    return new JourneySplit(spark.createDataFrame(rows, SCHEMA), description);
  }

  /**
   * The journeys listed in {@code file} are the test set.
   *
   * @throws InputException when the file cannot be read or none of its ids is a journey
   */
  public static JourneySplit fromHoldoutFile(SparkSession spark, Dataset<Row> journeys, String file) {
    try {
      Path path = new Path(file);
      FileSystem fs = path.getFileSystem(spark.sparkContext().hadoopConfiguration());
      if (!fs.exists(path)) {
        throw new InputException("holdout file not found: " + file);
      }
    } catch (IOException e) {
      throw new InputException("holdout file not readable: " + file + " (" + e.getMessage() + ")", e);
    }
    Dataset<Row> ids = spark.read().text(file)
        .select(trim(col("value")).as(JOURNEY_ID))
        .filter(col(JOURNEY_ID).notEqual(""))
        .distinct();
    long listed = ids.count();
    Dataset<Row> assignment = journeys.select(col(JourneyColumns.JOURNEY_ID).as(JOURNEY_ID))
        .join(ids.withColumn(IS_TEST, lit(true)), JOURNEY_ID, "left")
        .na().fill(false, new String[] {IS_TEST});
    long matched = assignment.filter(col(IS_TEST)).count();
    if (matched == 0) {
      throw new InputException("holdout file " + file + " lists " + listed + " journey ids and none of them is a "
          + "journey of this run (journey ids look like " + sampleIds(journeys) + ")");
    }
    String description = "holdout " + file + " (" + matched + " journeys"
        + (listed > matched ? "; " + (listed - matched) + " listed ids not found" : "") + ")";
    return new JourneySplit(assignment, description);
  }

  private static String sampleIds(Dataset<Row> journeys) {
    StringBuilder sb = new StringBuilder();
    for (Row r : journeys.select(JourneyColumns.JOURNEY_ID).orderBy(JourneyColumns.JOURNEY_ID).limit(3)
        .collectAsList()) {
      sb.append(sb.length() == 0 ? "" : ", ").append(r.getString(0));
    }
    return sb.toString();
  }

  /** The examples of training journeys. */
  public Dataset<Row> train(Dataset<Row> examples) {
    return side(examples, false);
  }

  /** The examples of test journeys. */
  public Dataset<Row> test(Dataset<Row> examples) {
    return side(examples, true);
  }

  private Dataset<Row> side(Dataset<Row> examples, boolean test) {
    return examples.join(assignment.filter(col(IS_TEST).equalTo(test)).select(JOURNEY_ID), JOURNEY_ID, "left_semi");
  }
}
