package io.touchpoints.model;

import ml.dmlc.xgboost4j.scala.spark.XGBoostClassifier;
import org.apache.spark.SparkContext;
import org.apache.spark.sql.SparkSession;

/**
 * The boosted-trees classifier: XGBoost4J-Spark, multiclass ({@code multi:softprob}), one booster trained by
 * {@code model.boosted_workers} Spark tasks of one barrier stage.
 *
 * <p>Why XGBoost and not MLlib's GBT one-vs-rest: one distributed pass per round for all classes against one Spark
 * job per class and round (README, "Boosted trees"). A barrier stage starts only when all its tasks can run at once,
 * so the workers are never more than the task slots the application has when training starts. Absent entries of
 * the sparse feature vectors and explicit zeros are the same value (missing = 0): one-hot and count columns are
 * mostly absent, and XGBoost learns one default direction for them per split.
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
    xgb.setNumRound(settings.boostedRounds());
    xgb.setMaxDepth(settings.boostedMaxDepth());
    xgb.setEta(settings.boostedLearningRate());
    xgb.setMinChildWeight(settings.boostedMinChildWeight());
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
