package io.touchpoints.model;

import ml.dmlc.xgboost4j.scala.spark.XGBoostClassificationModel;
import ml.dmlc.xgboost4j.scala.spark.XGBoostClassifier;
import ml.dmlc.xgboost4j.scala.spark.XGBoostTrainingSummary;
import org.apache.spark.SparkContext;
import org.apache.spark.sql.SparkSession;
import scala.Option;

/**
 * The boosted-trees classifier: XGBoost4J-Spark, multiclass ({@code multi:softprob}), one booster trained by
 * {@code model.boosted_workers} Spark tasks of one barrier stage.
 *
 * <p>Why XGBoost and not MLlib's GBT one-vs-rest: one distributed pass per round for all classes against one Spark
 * job per class and round (README, "Boosted trees"). A barrier stage starts only when all its tasks can run at once,
 * so the workers are never more than the task slots the application has when training starts; the default is one
 * worker (see {@code conf/touchpoints.conf}). Absent entries of the sparse feature vectors and explicit zeros are the
 * same value (missing = 0): one-hot and count columns are mostly absent, and XGBoost learns one default direction
 * for them per split.
 */
final class BoostedTrees {

  private BoostedTrees() {}

  static XGBoostClassifier classifier(ModelSettings settings, String label, String features, String probability,
      String rawPrediction, String prediction) {
    XGBoostClassifier xgb = new XGBoostClassifier();
    xgb.setLabelCol(label);
    xgb.setFeaturesCol(features);
    xgb.setProbabilityCol(probability);
    xgb.setRawPredictionCol(rawPrediction);
    xgb.setPredictionCol(prediction);
    xgb.setObjective("multi:softprob");
    xgb.setEvalMetric("mlogloss");
    xgb.setNumRound(settings.boostedRounds());
    xgb.setMaxDepth(settings.boostedMaxDepth());
    xgb.setEta(settings.boostedLearningRate());
    xgb.setMinChildWeight(settings.boostedMinChildWeight());
    xgb.setLambda(settings.boostedLambda());
    xgb.setTreeMethod("hist");
    xgb.setMissing(0.0f);
    xgb.setSeed(settings.seed());
    xgb.setNthread(settings.boostedThreads());
    xgb.setVerbosity(0);
    int workers = settings.boostedWorkers() > 0
        ? settings.boostedWorkers()
        : taskSlots(SparkSession.active().sparkContext(), settings.boostedThreads());
    xgb.setNumWorkers(workers);
    return xgb;
  }

  /**
   * The rounds up to the lowest validation log loss of a fit with an evaluation set (early stopping keeps
   * {@code model.boosted_early_stopping} rounds past it); the rounds fitted when there was none.
   */
  static int bestRounds(XGBoostClassificationModel model) {
    Option<XGBoostTrainingSummary> summary = model.summary();
    if (summary.isEmpty() || summary.get().validationObjectiveHistory().isEmpty()) {
      return (int) model.nativeBooster().getNumBoostedRound();
    }
    // The history has a slot per round allowed; rounds not run after an early stop stay 0 (a log loss never is).
    float[] loss = summary.get().validationObjectiveHistory().head()._2();
    int best = 0;
    for (int i = 0; i < loss.length && loss[i] > 0; i++) {
      if (loss[i] < loss[best]) {
        best = i;
      }
    }
    return best + 1;
  }

  /**
   * Tasks of {@code threads} cores each that can run at once now: what a barrier stage needs free. Spark's own count
   * (the one its barrier check uses), at least 1.
   */
  static int taskSlots(SparkContext sc, int threads) {
    int slots = sc.maxNumConcurrentTasks(sc.resourceProfileManager().defaultResourceProfile());
    int taskCpus = sc.getConf().getInt("spark.task.cpus", 1);
    // Each worker's nthread is meant to match spark.task.cpus; more threads than that share the slot's cores.
    return Math.max(1, threads > taskCpus ? slots * taskCpus / threads : slots);
  }
}
