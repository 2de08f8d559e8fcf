package io.touchpoints.model;

import static org.apache.spark.sql.functions.col;

import java.util.ArrayList;
import java.util.List;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.Transformer;
import org.apache.spark.ml.feature.CountVectorizerModel;
import org.apache.spark.ml.functions;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * A fitted next-touchpoint model of either kind, scored, saved and used by {@code predict} alike: a classifier
 * pipeline ({@link NextTouchpointTrainer}) or a Markov baseline of one order ({@link MarkovBaseline}).
 */
public sealed interface FittedModel {

  /** The model's name (model_metrics.model, metadata.model). */
  String name();

  /** The label vocabulary: probability index i is the touchpoint at position i. */
  List<String> labels();

  /** The touchpoints seen in training prefixes; others fall into "unseen" at prediction. */
  List<String> knownTouchpoints();

  /** The examples' columns and {@link ModelColumns#PROBABILITIES} (array&lt;double&gt; aligned with labels). */
  Dataset<Row> score(SparkSession spark, Dataset<Row> examples);

  /** A fitted classifier pipeline. */
  record Classifier(String name, PipelineModel pipeline) implements FittedModel {

    @Override
    public List<String> labels() {
      return NextTouchpointTrainer.labels(pipeline);
    }

    @Override
    public List<String> knownTouchpoints() {
      for (Transformer stage : pipeline.stages()) {
        if (stage instanceof CountVectorizerModel counts) {
          return List.of(counts.vocabulary());
        }
      }
      throw new IllegalArgumentException("the pipeline has no touchpoint counts stage");
    }

    @Override
    public Dataset<Row> score(SparkSession spark, Dataset<Row> examples) {
      // The label indexer skips a dataset without the label column (test labels may be outside its vocabulary):
      // the actual label is kept aside under another name.
      boolean labelled = List.of(examples.columns()).contains(ModelColumns.LABEL);
      Dataset<Row> input = labelled ? examples.withColumnRenamed(ModelColumns.LABEL, "_actual") : examples;
      List<Column> out = new ArrayList<>();
      for (String c : examples.columns()) {
        out.add(c.equals(ModelColumns.LABEL) ? col("_actual").as(ModelColumns.LABEL) : col(c));
      }
      out.add(functions.vector_to_array(col(NextTouchpointTrainer.PROBABILITY), "float64")
          .as(ModelColumns.PROBABILITIES));
      return pipeline.transform(input).select(out.toArray(Column[]::new));
    }
  }

  /** A Markov chain of one order (0 = most frequent). */
  record Markov(String name, MarkovBaseline chain, int order, List<String> knownTouchpoints)
      implements FittedModel {

    static Markov of(MarkovBaseline fitted, int order) {
      return new Markov(MarkovBaseline.modelName(order), fitted, order, fitted.knownTouchpoints());
    }

    static Markov fromSaved(MarkovBaseline.Saved saved) {
      return new Markov(MarkovBaseline.modelName(saved.order()), MarkovBaseline.fromSaved(saved), saved.order(),
          saved.knownTouchpoints());
    }

    @Override
    public List<String> labels() {
      return chain.vocabulary();
    }

    @Override
    public Dataset<Row> score(SparkSession spark, Dataset<Row> examples) {
      return chain.score(spark, examples, order);
    }
  }
}
