package io.touchpoints.effects;

import static org.apache.spark.ml.functions.vector_to_array;
import static org.apache.spark.sql.functions.col;

import org.apache.spark.ml.classification.GBTClassifier;
import org.apache.spark.ml.classification.LogisticRegression;
import org.apache.spark.ml.classification.ProbabilisticClassificationModel;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * The propensity and outcome models of the estimator, from Spark MLlib: boosted trees (default) or logistic
 * regression, each a binary classifier whose probability of class 1 is the nuisance estimate.
 */
final class NuisanceModels {

  private static final String PROBABILITY = "_probability";
  private static final String RAW = "_raw";
  private static final String PREDICTION = "_prediction";

  private final EffectsSettings settings;

  NuisanceModels(EffectsSettings settings) {
    this.settings = settings;
  }

  /** Whether the outcome model needs the treatment's interactions with the covariates spelled out. */
  boolean linear() {
    return settings.model().equals(EffectsSettings.LOGISTIC_REGRESSION);
  }

  ProbabilisticClassificationModel<Vector, ?> fit(Dataset<Row> train, String features, String label) {
    if (linear()) {
      return new LogisticRegression().setFeaturesCol(features).setLabelCol(label)
          .setMaxIter(settings.maxIter()).setRegParam(settings.regParam())
          .setProbabilityCol(PROBABILITY).setRawPredictionCol(RAW).setPredictionCol(PREDICTION)
          .fit(train);
    }
    return new GBTClassifier().setFeaturesCol(features).setLabelCol(label)
        .setMaxIter(settings.maxIter()).setMaxDepth(settings.maxDepth()).setSeed(settings.seed())
        .setProbabilityCol(PROBABILITY).setRawPredictionCol(RAW).setPredictionCol(PREDICTION)
        .fit(train);
  }

  /** {@code data} plus column {@code out}: the model's P(class 1) from the vector column {@code features}. */
  static Dataset<Row> predict(ProbabilisticClassificationModel<Vector, ?> model, Dataset<Row> data, String features,
      String out) {
    model.setFeaturesCol(features);
    return model.transform(data)
        .withColumn(out, vector_to_array(col(PROBABILITY), "float64").getItem(1))
        .drop(PROBABILITY, RAW, PREDICTION);
  }
}
