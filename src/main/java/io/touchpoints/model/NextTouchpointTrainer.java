package io.touchpoints.model;

import java.util.ArrayList;
import java.util.List;
import org.apache.spark.ml.Pipeline;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.PipelineStage;
import org.apache.spark.ml.classification.LogisticRegression;
import org.apache.spark.ml.classification.RandomForestClassifier;
import org.apache.spark.ml.evaluation.MulticlassClassificationEvaluator;
import org.apache.spark.ml.feature.CountVectorizer;
import org.apache.spark.ml.feature.OneHotEncoder;
import org.apache.spark.ml.feature.SQLTransformer;
import org.apache.spark.ml.feature.StringIndexer;
import org.apache.spark.ml.feature.StringIndexerModel;
import org.apache.spark.ml.feature.VectorAssembler;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.tuning.ParamGridBuilder;
import org.apache.spark.ml.tuning.TrainValidationSplit;
import org.apache.spark.ml.tuning.TrainValidationSplitModel;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Fits the next-touchpoint classifier: one MLlib {@link Pipeline} from prefix examples ({@link PrefixExamples}) to
 * probabilities of the next touchpoint.
 *
 * <p>Stages: a {@link StringIndexer} of the label (frequency order, ties alphabetical: this order is the label
 * vocabulary everything else is aligned with); string indexers of last_1..last_k, the n-grams and the stage, then
 * one-hot encoders (with hour of day and weekday); a {@link CountVectorizer} of the touchpoints so far; an
 * {@link SQLTransformer} for the numeric features (log1p of the hours, satisfaction filled with its neutral value
 * and a flag); a {@link VectorAssembler}; then multinomial {@link LogisticRegression} or a
 * {@link RandomForestClassifier} ({@code model.type}). Unseen categories at prediction time fall into each
 * indexer's extra "other" bucket ({@code handleInvalid = keep}); unseen touchpoints add nothing to the counts.
 *
 * <p>With {@code model.tuning}, a {@link TrainValidationSplit} over the training examples only (seeded) picks the
 * logistic regression's L2 penalty or the forest's depth by log loss. Cost: LR makes one pass over the cached
 * examples per iteration ({@code model.max_iter}); the forest one per tree level ({@code model.max_depth}).
 */
final class NextTouchpointTrainer {

  public static final String LABEL_INDEX = "label_index";
  public static final String FEATURES = "features";
  public static final String PREDICTION = "prediction";
  public static final String PROBABILITY = "probability";
  public static final String RAW_PREDICTION = "raw_prediction";

  private final ModelSettings settings;

  public NextTouchpointTrainer(ModelSettings settings) {
    this.settings = settings;
  }

  /** The features, by name, in the order the assembler puts them (stored in the model's metadata). */
  public List<String> featureNames() {
    List<String> names = new ArrayList<>(categoricalColumns());
    names.add(ModelColumns.HOUR_OF_DAY);
    names.add(ModelColumns.DAY_OF_WEEK);
    names.add("counts of " + ModelColumns.PREFIX);
    names.addAll(List.of("prefix_length", "log1p(" + ModelColumns.HOURS_SINCE_PREVIOUS + ")",
        "log1p(" + ModelColumns.HOURS_SINCE_START + ")", ModelColumns.CONVERSIONS_BEFORE,
        ModelColumns.CHURNED_BEFORE, ModelColumns.SURVEYS_BEFORE, ModelColumns.CSAT_MEAN_BEFORE,
        ModelColumns.NPS_MEAN_BEFORE, ModelColumns.PRIOR_JOURNEYS, ModelColumns.PRIOR_CONVERSIONS));
    return names;
  }

  private List<String> categoricalColumns() {
    List<String> columns = new ArrayList<>();
    for (int j = 1; j <= settings.lastTouches(); j++) {
      columns.add(ModelColumns.last(j));
    }
    for (int n = 2; n <= settings.lastTouches(); n++) {
      columns.add(ModelColumns.ngram(n));
    }
    columns.add(ModelColumns.STAGE);
    return columns;
  }

  /** The unfitted pipeline. */
  public Pipeline pipeline() {
    List<String> categorical = categoricalColumns();
    String[] indexed = categorical.stream().map(c -> c + "_idx").toArray(String[]::new);
    List<String> encodedIn = new ArrayList<>(List.of(indexed));
    encodedIn.add(ModelColumns.HOUR_OF_DAY);
    encodedIn.add(ModelColumns.DAY_OF_WEEK);
    String[] encoded = encodedIn.stream().map(c -> c + "_vec").toArray(String[]::new);

    StringIndexer label = new StringIndexer()
        .setInputCol(ModelColumns.LABEL).setOutputCol(LABEL_INDEX)
        .setStringOrderType("frequencyDesc").setHandleInvalid("error");
    StringIndexer categories = new StringIndexer()
        .setInputCols(categorical.toArray(String[]::new)).setOutputCols(indexed)
        .setStringOrderType("frequencyDesc").setHandleInvalid("keep");
    OneHotEncoder oneHot = new OneHotEncoder()
        .setInputCols(encodedIn.toArray(String[]::new)).setOutputCols(encoded).setHandleInvalid("keep");
    CountVectorizer counts = new CountVectorizer()
        .setInputCol(ModelColumns.PREFIX).setOutputCol("prefix_counts").setMinDF(1);
    // Numeric features; satisfaction without any answer is 0 with surveys_before = 0 telling it apart.
    SQLTransformer numeric = new SQLTransformer().setStatement("SELECT *, "
        + "CAST(" + ModelColumns.PREFIX_LENGTH + " AS DOUBLE) AS f_prefix_length, "
        + "log1p(" + ModelColumns.HOURS_SINCE_PREVIOUS + ") AS f_log_gap, "
        + "log1p(" + ModelColumns.HOURS_SINCE_START + ") AS f_log_age, "
        + "CAST(" + ModelColumns.CONVERSIONS_BEFORE + " AS DOUBLE) AS f_conversions, "
        + "CAST(" + ModelColumns.CHURNED_BEFORE + " AS DOUBLE) AS f_churned, "
        + "CAST(" + ModelColumns.SURVEYS_BEFORE + " AS DOUBLE) AS f_surveys, "
        + "COALESCE(" + ModelColumns.CSAT_MEAN_BEFORE + ", 0D) AS f_csat, "
        + "COALESCE(" + ModelColumns.NPS_MEAN_BEFORE + ", 0D) AS f_nps, "
        + "CAST(" + ModelColumns.PRIOR_JOURNEYS + " AS DOUBLE) AS f_prior_journeys, "
        + "CAST(" + ModelColumns.PRIOR_CONVERSIONS + " AS DOUBLE) AS f_prior_conversions "
        + "FROM __THIS__");
    List<String> assembled = new ArrayList<>(List.of(encoded));
    assembled.addAll(List.of("prefix_counts", "f_prefix_length", "f_log_gap", "f_log_age", "f_conversions",
        "f_churned", "f_surveys", "f_csat", "f_nps", "f_prior_journeys", "f_prior_conversions"));
    VectorAssembler assembler = new VectorAssembler()
        .setInputCols(assembled.toArray(String[]::new)).setOutputCol(FEATURES).setHandleInvalid("error");
    return new Pipeline().setStages(new PipelineStage[] {
        label, categories, oneHot, counts, numeric, assembler, classifier()});
  }

  private PipelineStage classifier() {
    if (ModelColumns.RANDOM_FOREST.equals(settings.type())) {
      return new RandomForestClassifier()
          .setLabelCol(LABEL_INDEX).setFeaturesCol(FEATURES)
          .setProbabilityCol(PROBABILITY).setRawPredictionCol(RAW_PREDICTION).setPredictionCol(PREDICTION)
          .setNumTrees(settings.numTrees()).setMaxDepth(settings.maxDepth()).setSeed(settings.seed());
    }
    return new LogisticRegression()
        .setFamily("multinomial")
        .setLabelCol(LABEL_INDEX).setFeaturesCol(FEATURES)
        .setProbabilityCol(PROBABILITY).setRawPredictionCol(RAW_PREDICTION).setPredictionCol(PREDICTION)
        .setMaxIter(settings.maxIter()).setRegParam(settings.regParam()).setElasticNetParam(0.0)
        // Standardizing would scale the penalty by each one-hot column's spread, leaving rare n-grams almost
        // unpenalized (they overfit); the numeric features are on comparable log or count scales.
        .setStandardization(false);
  }

  /**
   * Fits the pipeline on training examples (a non-null label each); with tuning, on the best parameters found on a
   * seeded split of them.
   */
  public PipelineModel fit(Dataset<Row> train) {
    Pipeline pipeline = pipeline();
    if (!settings.tuning()) {
      return pipeline.fit(train);
    }
    PipelineStage last = pipeline.getStages()[pipeline.getStages().length - 1];
    ParamGridBuilder grid = new ParamGridBuilder();
    if (last instanceof LogisticRegression lr) {
      double r = settings.regParam();
      grid.addGrid(lr.regParam(), new double[] {r / 10, r, r * 10});
    } else if (last instanceof RandomForestClassifier rf) {
      int d = settings.maxDepth();
      grid.addGrid(rf.maxDepth(), new int[] {Math.max(2, d - 4), d, Math.min(30, d + 4)});
    }
    ParamMap[] maps = grid.build();
    TrainValidationSplit tuning = new TrainValidationSplit()
        .setEstimator(pipeline)
        .setEstimatorParamMaps(maps)
        .setEvaluator(new MulticlassClassificationEvaluator()
            .setLabelCol(LABEL_INDEX).setPredictionCol(PREDICTION).setProbabilityCol(PROBABILITY)
            .setMetricName("logLoss"))
        .setTrainRatio(settings.tuningTrainRatio())
        .setSeed(settings.seed());
    TrainValidationSplitModel tuned = tuning.fit(train);
    return (PipelineModel) tuned.bestModel();
  }

  /** The label vocabulary of a fitted pipeline: probability index i is the touchpoint at position i. */
  public static List<String> labels(PipelineModel model) {
    for (var stage : model.stages()) {
      if (stage instanceof StringIndexerModel indexer && indexer.isSet(indexer.outputCol())
          && LABEL_INDEX.equals(indexer.getOutputCol())) {
        return List.of(indexer.labelsArray()[0]);
      }
    }
    throw new IllegalArgumentException("the pipeline has no label indexer (output column " + LABEL_INDEX + ")");
  }
}
