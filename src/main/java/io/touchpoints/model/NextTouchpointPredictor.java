package io.touchpoints.model;

import static org.apache.spark.sql.functions.array_except;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.explode;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.not;
import static org.apache.spark.sql.functions.posexplode;
import static org.apache.spark.sql.functions.size;
import static org.apache.spark.sql.functions.slice;
import static org.apache.spark.sql.functions.sort_array;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.transform;

import io.touchpoints.journey.JourneyColumns;
import java.sql.Timestamp;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;

/**
 * Predicts the next touchpoints of open journeys with a saved model: the top k touchpoints and their probabilities
 * for every journey that has not converted and whose last event lies within {@code journey.inactivity_timeout} of
 * the data's end (the newest journey end), i.e. a journey that may still continue.
 *
 * <p>Features are rebuilt exactly as in training ({@link PrefixExamples} with the k stored in the model's metadata)
 * on the journey's whole path so far; a saved Markov baseline looks its context up instead. Touchpoints the model
 * never saw fall into the indexers' "other" bucket and add nothing to the counts (a Markov baseline backs off to a
 * shorter context), so such a journey still gets a prediction (from what is known about it); {@link #unseen}
 * lists them for the stage's message. Output: {@code next_touchpoint} rows (customer_id, journey_id, rank,
 * touchpoint, probability, model_version), k per journey (fewer when the model knows fewer labels).
 */
final class NextTouchpointPredictor {

  private final ModelStore.Loaded model;
  private final int topK;

  public NextTouchpointPredictor(ModelStore.Loaded model, int topK) {
    this.model = model;
    this.topK = topK;
  }

  /** The last prefix of each open journey: the example to predict from. */
  public Dataset<Row> openPrefixes(Dataset<Row> journeys, Dataset<Row> events, Duration inactivityTimeout) {
    Row end = journeys.agg(max(col(JourneyColumns.END_TIME))).first();
    if (end.isNullAt(0)) {
      return PrefixExamples.build(journeys, events, model.metadata().lastTouches(), false).limit(0);
    }
    Timestamp dataEnd = end.getTimestamp(0);
    Timestamp openAfter = Timestamp.from(dataEnd.toInstant().minus(inactivityTimeout));
    Dataset<Row> open = journeys
        .filter(not(col(JourneyColumns.CONVERTED)).and(col(JourneyColumns.END_TIME).geq(lit(openAfter))))
        .select(JourneyColumns.JOURNEY_ID);
    return PrefixExamples.build(journeys, events, model.metadata().lastTouches(), false)
        .filter(col(ModelColumns.PREFIX_LENGTH).equalTo(col(ModelColumns.JOURNEY_TOUCHES)))
        .join(open, ModelColumns.JOURNEY_ID, "left_semi");
  }

  /** next_touchpoint rows for these prefixes. */
  public Dataset<Row> predict(Dataset<Row> prefixes) {
    List<String> labels = model.metadata().labels();
    Column vocab = org.apache.spark.sql.functions.array(
        labels.stream().map(org.apache.spark.sql.functions::lit).toArray(Column[]::new)).cast("array<string>");
    Dataset<Row> scored = model.model().score(prefixes.sparkSession(), prefixes.drop(ModelColumns.LABEL));
    // Highest probability first, ties by label order: sort (-p, index) pairs ascending.
    Column ranked = slice(sort_array(transform(col(ModelColumns.PROBABILITIES),
        (p, i) -> struct(p.multiply(-1).as("neg_p"), i.as("i")))), 1, topK);
    return scored
        .select(col(ModelColumns.CUSTOMER_ID), col(ModelColumns.JOURNEY_ID),
            posexplode(ranked).as(new String[] {"_pos", "_top"}))
        .select(
            col(ModelColumns.CUSTOMER_ID),
            col(ModelColumns.JOURNEY_ID),
            col("_pos").plus(1).cast(DataTypes.IntegerType).as(ModelColumns.RANK),
            org.apache.spark.sql.functions.call_function("get", vocab, col("_top").getField("i"))
                .as(ModelColumns.TOUCHPOINT),
            col("_top").getField("neg_p").multiply(-1).as(ModelColumns.PROBABILITY),
            lit(model.metadata().version()).as(ModelColumns.MODEL_VERSION));
  }

  /** Touchpoints in these prefixes that the model never saw in training (sorted; small: distinct names). */
  public List<String> unseen(Dataset<Row> prefixes) {
    List<String> known = model.model().knownTouchpoints();
    Column knownArray = org.apache.spark.sql.functions.array(
        known.stream().map(org.apache.spark.sql.functions::lit).toArray(Column[]::new)).cast("array<string>");
    List<String> out = new ArrayList<>();
    for (Row r : prefixes.select(explode(array_except(col(ModelColumns.PREFIX), knownArray)).as("t"))
        .distinct().orderBy("t").collectAsList()) {
      out.add(r.getString(0));
    }
    return out;
  }

  /** Journeys per prefix frame that contain an unseen touchpoint. */
  public long journeysWithUnseen(Dataset<Row> prefixes, List<String> unseen) {
    if (unseen.isEmpty()) {
      return 0;
    }
    Column unseenArray = org.apache.spark.sql.functions.array(
        unseen.stream().map(org.apache.spark.sql.functions::lit).toArray(Column[]::new)).cast("array<string>");
    return prefixes.filter(size(org.apache.spark.sql.functions.array_intersect(col(ModelColumns.PREFIX),
        unseenArray)).gt(0)).count();
  }
}
