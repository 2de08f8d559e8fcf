package io.touchpoints.model;

import static org.apache.spark.sql.functions.array_join;
import static org.apache.spark.sql.functions.broadcast;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.explode;
import static org.apache.spark.sql.functions.least;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.sequence;
import static org.apache.spark.sql.functions.size;
import static org.apache.spark.sql.functions.slice;
import static org.apache.spark.sql.functions.when;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * The baselines the model must beat, fitted on the same training prefixes: {@code most_frequent} (the label
 * frequencies) and Markov chains {@code markov_1} .. {@code markov_K} on the last 1..K touchpoints, with back-off.
 *
 * <p>Probabilities, so that top-3 accuracy and log loss mean the same as for the model:
 * <ul>
 *   <li>order 0 (most_frequent): p0(y) = (n(y) + 1) / (N + V), add-one over the V labels;</li>
 *   <li>order k: for a context c (the last k touchpoints) seen n(c) times in training,
 *       p_k(y | c) = (n(c, y) + s · p_{k−1}(y | c')) / (n(c) + s), where c' is c without its oldest touchpoint and s
 *       is {@code model.markov_smoothing}; a context never seen in training (or a prefix shorter than k) backs off to
 *       p_{k−1}, down to p0.</li>
 * </ul>
 * So every probability is positive (the log loss is finite) and, for contexts seen often, the argmax is the most
 * frequent next touchpoint after that context. Ties go to the earlier label in the vocabulary.
 *
 * <p>Spark counts (order, context, label) over the training prefixes in one aggregation; that table has at most one
 * row per distinct context and label (small by construction) and is collected to build the probability tables, which
 * are joined back (broadcast) to the test prefixes.
 */
final class MarkovBaseline {

  private final List<String> vocabulary;
  private final int maxOrder;
  private final double[] order0;
  /** Index k: context (oldest first) -> probabilities of the labels. */
  private final List<Map<List<String>, double[]>> tables;

  private MarkovBaseline(List<String> vocabulary, int maxOrder, double[] order0,
      List<Map<List<String>, double[]>> tables) {
    this.vocabulary = List.copyOf(vocabulary);
    this.maxOrder = maxOrder;
    this.order0 = order0;
    this.tables = tables;
  }

  /**
   * Counts the training prefixes.
   *
   * @param train examples with {@link ModelColumns#PREFIX} and a non-null {@link ModelColumns#LABEL}
   * @param vocabulary the labels, in the order of the probability arrays; labels outside it are ignored
   */
  public static MarkovBaseline fit(Dataset<Row> train, List<String> vocabulary, int maxOrder, double smoothing) {
    Column prefix = col(ModelColumns.PREFIX);
    Column order = col("_order");
    Dataset<Row> counted = train
        .filter(col(ModelColumns.LABEL).isNotNull())
        .select(prefix, col(ModelColumns.LABEL),
            explode(sequence(lit(0), least(lit(maxOrder), size(prefix)))).as("_order"))
        .select(order, when(order.equalTo(0), functions.array().cast("array<string>"))
                .otherwise(slice(prefix, order.multiply(-1), order)).as("_context"),
            col(ModelColumns.LABEL))
        .groupBy(col("_order"), col("_context"), col(ModelColumns.LABEL))
        .agg(count(lit(1)).as("_n"));
    Map<String, Integer> index = new HashMap<>();
    for (int i = 0; i < vocabulary.size(); i++) {
      index.put(vocabulary.get(i), i);
    }
    List<Map<List<String>, double[]>> counts = new ArrayList<>();
    for (int k = 0; k <= maxOrder; k++) {
      counts.add(new LinkedHashMap<>());
    }
    for (Row r : counted.collectAsList()) {
      Integer y = index.get(r.getString(2));
      if (y == null) {
        continue;
      }
      List<String> context = List.copyOf(r.getList(1));
      counts.get(r.getInt(0)).computeIfAbsent(context, c -> new double[vocabulary.size()])[y] += r.getLong(3);
    }
    return fromCounts(vocabulary, maxOrder, smoothing, counts);
  }

  /** The smoothed tables from counts per order (index 0 holds the empty context). Visible for tests. */
  static MarkovBaseline fromCounts(List<String> vocabulary, int maxOrder, double smoothing,
      List<Map<List<String>, double[]>> counts) {
    int v = vocabulary.size();
    double[] n0 = counts.get(0).getOrDefault(List.of(), new double[v]);
    double total = 0;
    for (double n : n0) {
      total += n;
    }
    double[] p0 = new double[v];
    for (int y = 0; y < v; y++) {
      p0[y] = (n0[y] + 1) / (total + v);
    }
    List<Map<List<String>, double[]>> tables = new ArrayList<>();
    tables.add(Map.of(List.of(), p0));
    for (int k = 1; k <= maxOrder; k++) {
      Map<List<String>, double[]> table = new HashMap<>();
      Map<List<String>, double[]> shorter = tables.get(k - 1);
      for (Map.Entry<List<String>, double[]> e : counts.get(k).entrySet()) {
        List<String> context = e.getKey();
        double[] parent = shorter.getOrDefault(context.subList(1, context.size()), p0);
        double[] n = e.getValue();
        double seen = 0;
        for (double x : n) {
          seen += x;
        }
        double[] p = new double[v];
        for (int y = 0; y < v; y++) {
          p[y] = (n[y] + smoothing * parent[y]) / (seen + smoothing);
        }
        table.put(context, p);
      }
      tables.add(table);
    }
    return new MarkovBaseline(vocabulary, maxOrder, p0, tables);
  }

  public List<String> vocabulary() {
    return vocabulary;
  }

  /**
   * Probabilities of the next touchpoint after {@code prefix} under the chain of {@code order} (0 = most frequent),
   * backing off to shorter contexts that were not seen in training.
   */
  public double[] probabilities(List<String> prefix, int order) {
    for (int k = Math.min(order, prefix.size()); k >= 1; k--) {
      double[] p = tables.get(k).get(prefix.subList(prefix.size() - k, prefix.size()));
      if (p != null) {
        return p.clone();
      }
    }
    return order0.clone();
  }

  /** Model name of the chain of this order: most_frequent for 0, markov_k otherwise. */
  public static String modelName(int order) {
    return order == 0 ? ModelColumns.MOST_FREQUENT : ModelColumns.MARKOV + order;
  }

  /** The highest order whose contexts are kept. */
  public int maxOrder() {
    return maxOrder;
  }

  /**
   * Scores the examples with every baseline: most_frequent and markov_1..markov_K.
   *
   * @return the examples' columns, {@link ModelColumns#MODEL} and {@link ModelColumns#PROBABILITIES} (aligned with
   *     {@link #vocabulary()}), one row per example and baseline
   */
  public Dataset<Row> score(SparkSession spark, Dataset<Row> examples) {
    Dataset<Row> scored = null;
    for (int order = 0; order <= maxOrder; order++) {
      Dataset<Row> one = score(spark, examples, order).withColumn(ModelColumns.MODEL, lit(modelName(order)));
      scored = scored == null ? one : scored.unionByName(one);
    }
    return scored;
  }

  /**
   * The examples with {@link ModelColumns#PROBABILITIES} of the chain of this order (0 = most frequent): the
   * longest context seen in training, looked up in broadcast tables, else the next shorter one.
   */
  public Dataset<Row> score(SparkSession spark, Dataset<Row> examples, int order) {
    Column prefix = col(ModelColumns.PREFIX);
    StructType tableSchema = new StructType()
        .add("_context", DataTypes.createArrayType(DataTypes.StringType), false)
        .add("_p", DataTypes.createArrayType(DataTypes.DoubleType), false);
    Dataset<Row> withContexts = examples;
    List<Column> chain = new ArrayList<>();
    for (int k = order; k >= 1; k--) {
      List<Row> rows = new ArrayList<>();
      for (Map.Entry<List<String>, double[]> e : tables.get(k).entrySet()) {
        rows.add(RowFactory.create(e.getKey(), boxed(e.getValue())));
      }
      Dataset<Row> table = spark.createDataFrame(rows, tableSchema)
          .withColumnRenamed("_context", "_context_" + k).withColumnRenamed("_p", "_p_" + k);
      Dataset<Row> keyed = withContexts.withColumn("_context_" + k, when(size(prefix).geq(k), slice(prefix, -k, k)));
      withContexts = keyed
          .join(broadcast(table), keyed.col("_context_" + k).equalTo(table.col("_context_" + k)), "left")
          .drop(table.col("_context_" + k)).drop("_context_" + k);
      chain.add(col("_p_" + k));
    }
    chain.add(literal(order0));
    Dataset<Row> scored = withContexts.withColumn(ModelColumns.PROBABILITIES, coalesce(chain.toArray(Column[]::new)));
    for (int k = order; k >= 1; k--) {
      scored = scored.drop("_p_" + k);
    }
    return scored;
  }

  /**
   * The chain of one order as saved with a model ({@link ModelStore}): the probability tables up to that order.
   *
   * @param contexts per order 1..order, the contexts (oldest touchpoint first) and their probabilities
   */
  public record Saved(List<String> vocabulary, int order, double[] order0, List<List<SavedContext>> contexts,
      List<String> knownTouchpoints) {}

  /** One context of a saved chain. */
  public record SavedContext(List<String> context, double[] probabilities) {}

  /** The chain of {@code order} (0 = most frequent), to save. */
  public Saved saved(int order) {
    List<List<SavedContext>> contexts = new ArrayList<>();
    for (int k = 1; k <= order; k++) {
      List<SavedContext> one = new ArrayList<>();
      for (Map.Entry<List<String>, double[]> e : tables.get(k).entrySet()) {
        one.add(new SavedContext(e.getKey(), e.getValue()));
      }
      contexts.add(one);
    }
    return new Saved(vocabulary, order, order0, contexts, knownTouchpoints());
  }

  /** A saved chain, ready to score with its order. */
  public static MarkovBaseline fromSaved(Saved saved) {
    List<Map<List<String>, double[]>> tables = new ArrayList<>();
    tables.add(Map.of(List.of(), saved.order0()));
    for (List<SavedContext> one : saved.contexts()) {
      Map<List<String>, double[]> table = new HashMap<>();
      for (SavedContext c : one) {
        table.put(List.copyOf(c.context()), c.probabilities());
      }
      tables.add(table);
    }
    return new MarkovBaseline(saved.vocabulary(), saved.order(), saved.order0(), tables);
  }

  /** The touchpoints that ended a training prefix (the order-1 contexts), empty for order 0. */
  public List<String> knownTouchpoints() {
    if (maxOrder == 0) {
      return List.of();
    }
    return tables.get(1).keySet().stream().map(c -> c.get(0)).sorted().toList();
  }

  /** The order of a baseline model name (most_frequent = 0), or -1 for any other name. */
  public static int orderOf(String model) {
    for (int order = 0; order <= 3; order++) {
      if (modelName(order).equals(model)) {
        return order;
      }
    }
    return -1;
  }

  private static List<Double> boxed(double[] values) {
    List<Double> out = new ArrayList<>(values.length);
    for (double x : values) {
      out.add(x);
    }
    return out;
  }

  private static Column literal(double[] values) {
    Column[] items = new Column[values.length];
    for (int i = 0; i < values.length; i++) {
      items[i] = lit(values[i]);
    }
    return functions.array(items);
  }
}
