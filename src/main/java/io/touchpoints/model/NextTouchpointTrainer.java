package io.touchpoints.model;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import ml.dmlc.xgboost4j.scala.spark.XGBoostClassificationModel;
import ml.dmlc.xgboost4j.scala.spark.XGBoostClassifier;
import org.apache.spark.ml.Pipeline;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.PipelineStage;
import org.apache.spark.ml.Transformer;
import org.apache.spark.ml.classification.LogisticRegression;
import org.apache.spark.ml.classification.RandomForestClassifier;
import org.apache.spark.ml.evaluation.MulticlassClassificationEvaluator;
import org.apache.spark.ml.feature.CountVectorizer;
import org.apache.spark.ml.feature.OneHotEncoder;
import org.apache.spark.ml.feature.SQLTransformer;
import org.apache.spark.ml.feature.StandardScaler;
import org.apache.spark.ml.feature.StringIndexer;
import org.apache.spark.ml.feature.StringIndexerModel;
import org.apache.spark.ml.feature.VectorAssembler;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.tuning.ParamGridBuilder;
import org.apache.spark.ml.tuning.TrainValidationSplit;
import org.apache.spark.ml.tuning.TrainValidationSplitModel;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.functions;

/**
 * Fits one next-touchpoint classifier: an MLlib {@link Pipeline} from prefix examples ({@link PrefixExamples}) to
 * probabilities of the next touchpoint.
 *
 * <p>Stages: a {@link StringIndexer} of the label (frequency order, ties alphabetical: this order is the label
 * vocabulary everything else is aligned with); string indexers of last_1..last_k, the n-grams and the stage, then
 * one-hot encoders (with hour of day and weekday); a {@link CountVectorizer} of the touchpoints so far; the numeric
 * features ({@link #NUMERIC}: position, hours since the previous touch and since the journey's start, raw and
 * log1p, hour and weekday as numbers, the calendar date, outcomes and satisfaction so far), standardized; a
 * {@link VectorAssembler}; then the classifier: multinomial {@link LogisticRegression}, a
 * {@link RandomForestClassifier} or boosted trees ({@link BoostedTrees}, behind {@link DenseFeatures}). Unseen
 * categories at prediction time fall into each indexer's extra "other" bucket ({@code handleInvalid = keep}); unseen
 * touchpoints add nothing to the counts.
 *
 * <p>With {@code model.tuning}, a {@link TrainValidationSplit} over the training examples only (seeded) picks the
 * logistic regression's L2 penalty or the forest's depth by log loss. Cost: LR makes one pass over the cached
 * examples per iteration ({@code model.max_iter}); the forest one per tree level ({@code model.max_depth}); boosted
 * trees one barrier stage for all rounds.
 */
final class NextTouchpointTrainer {

  public static final String LABEL_INDEX = "label_index";
  public static final String FEATURES = "features";
  public static final String PREDICTION = "prediction";
  public static final String PROBABILITY = "probability";
  public static final String RAW_PREDICTION = "raw_prediction";

  private final ModelSettings settings;
  private final String classifier;
  private final List<String> labels;

  /** @param classifier one of {@link ModelSettings#CLASSIFIERS}; its label vocabulary is fitted on the examples */
  public NextTouchpointTrainer(ModelSettings settings, String classifier) {
    this(settings, classifier, null);
  }

  /**
   * @param labels the label vocabulary, most frequent first (as a fitted indexer would order it): fixed so that a fit
   *     on a sample of the examples ({@link PrefixSample}) gives the same probability positions as the baselines,
   *     which count every example; null = fitted on the examples
   */
  NextTouchpointTrainer(ModelSettings settings, String classifier, List<String> labels) {
    if (!ModelSettings.CLASSIFIERS.contains(classifier)) {
      throw new IllegalArgumentException("not a classifier: " + classifier);
    }
    this.settings = settings;
    this.classifier = classifier;
    this.labels = labels == null ? null : List.copyOf(labels);
  }

  /** The numeric features, SQL that computes each from the prefix examples, in the order they are assembled. */
  private static final List<String[]> NUMERIC = List.of(
      new String[] {"prefix_length", "CAST(" + ModelColumns.PREFIX_LENGTH + " AS DOUBLE)"},
      new String[] {ModelColumns.HOURS_SINCE_PREVIOUS, ModelColumns.HOURS_SINCE_PREVIOUS},
      new String[] {"log1p(" + ModelColumns.HOURS_SINCE_PREVIOUS + ")", "log1p(" + ModelColumns.HOURS_SINCE_PREVIOUS + ")"},
      new String[] {ModelColumns.HOURS_SINCE_START, ModelColumns.HOURS_SINCE_START},
      new String[] {"log1p(" + ModelColumns.HOURS_SINCE_START + ")", "log1p(" + ModelColumns.HOURS_SINCE_START + ")"},
      new String[] {ModelColumns.HOUR_OF_DAY, "CAST(" + ModelColumns.HOUR_OF_DAY + " AS DOUBLE)"},
      new String[] {ModelColumns.DAY_OF_WEEK, "CAST(" + ModelColumns.DAY_OF_WEEK + " AS DOUBLE)"},
      new String[] {ModelColumns.DAYS_SINCE_EPOCH, ModelColumns.DAYS_SINCE_EPOCH},
      new String[] {ModelColumns.CONVERSIONS_BEFORE, "CAST(" + ModelColumns.CONVERSIONS_BEFORE + " AS DOUBLE)"},
      new String[] {ModelColumns.CHURNED_BEFORE, "CAST(" + ModelColumns.CHURNED_BEFORE + " AS DOUBLE)"},
      new String[] {ModelColumns.SURVEYS_BEFORE, "CAST(" + ModelColumns.SURVEYS_BEFORE + " AS DOUBLE)"},
      // Satisfaction without any answer is 0 with surveys_before = 0 telling it apart.
      new String[] {ModelColumns.CSAT_MEAN_BEFORE, "COALESCE(" + ModelColumns.CSAT_MEAN_BEFORE + ", 0D)"},
      new String[] {ModelColumns.NPS_MEAN_BEFORE, "COALESCE(" + ModelColumns.NPS_MEAN_BEFORE + ", 0D)"},
      new String[] {ModelColumns.PRIOR_JOURNEYS, "CAST(" + ModelColumns.PRIOR_JOURNEYS + " AS DOUBLE)"},
      new String[] {ModelColumns.PRIOR_CONVERSIONS, "CAST(" + ModelColumns.PRIOR_CONVERSIONS + " AS DOUBLE)"});

  /** The features, by name, in the order the assembler puts them (stored in the model's metadata). */
  public List<String> featureNames() {
    List<String> names = new ArrayList<>(categoricalColumns());
    names.add(ModelColumns.HOUR_OF_DAY);
    names.add(ModelColumns.DAY_OF_WEEK);
    names.add("counts of " + ModelColumns.PREFIX);
    for (String[] numeric : NUMERIC) {
      names.add("standardized " + numeric[0]);
    }
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

    PipelineStage label = labels == null
        ? new StringIndexer().setInputCol(ModelColumns.LABEL).setOutputCol(LABEL_INDEX)
            .setStringOrderType("frequencyDesc").setHandleInvalid("error")
        : new StringIndexerModel(labels.toArray(String[]::new)).setInputCol(ModelColumns.LABEL)
            .setOutputCol(LABEL_INDEX).setHandleInvalid("error");
    StringIndexer categories = new StringIndexer()
        .setInputCols(categorical.toArray(String[]::new)).setOutputCols(indexed)
        .setStringOrderType("frequencyDesc").setHandleInvalid("keep");
    OneHotEncoder oneHot = new OneHotEncoder()
        .setInputCols(encodedIn.toArray(String[]::new)).setOutputCols(encoded).setHandleInvalid("keep");
    CountVectorizer counts = new CountVectorizer()
        .setInputCol(ModelColumns.PREFIX).setOutputCol("prefix_counts").setMinDF(1);
    StringBuilder sql = new StringBuilder("SELECT *");
    String[] numericColumns = new String[NUMERIC.size()];
    for (int i = 0; i < NUMERIC.size(); i++) {
      numericColumns[i] = "f_numeric_" + i;
      sql.append(", ").append(NUMERIC.get(i)[1]).append(" AS ").append(numericColumns[i]);
    }
    SQLTransformer numeric = new SQLTransformer().setStatement(sql.append(" FROM __THIS__").toString());
    VectorAssembler numericVector = new VectorAssembler()
        .setInputCols(numericColumns).setOutputCol("numeric_raw").setHandleInvalid("error");
    // Standardized so that one L2 penalty suits hours, counts and the calendar date alike (the one-hot columns are
    // not: see the logistic regression); trees are indifferent to it.
    StandardScaler scaler = new StandardScaler().setInputCol("numeric_raw").setOutputCol("numeric")
        .setWithMean(true).setWithStd(true);
    List<String> assembled = new ArrayList<>(List.of(encoded));
    assembled.addAll(List.of("prefix_counts", "numeric"));
    VectorAssembler assembler = new VectorAssembler()
        .setInputCols(assembled.toArray(String[]::new)).setOutputCol(FEATURES).setHandleInvalid("error");
    List<PipelineStage> stages = new ArrayList<>(List.of(label, categories, oneHot, counts, numeric, numericVector,
        scaler, assembler));
    if (ModelColumns.BOOSTED_TREES.equals(classifier)) {
      stages.add(new DenseFeatures());
    }
    stages.add(classifier());
    return new Pipeline().setStages(stages.toArray(PipelineStage[]::new));
  }

  private PipelineStage classifier() {
    if (ModelColumns.BOOSTED_TREES.equals(classifier)) {
      return BoostedTrees.classifier(settings, LABEL_INDEX, DenseFeatures.OUTPUT, PROBABILITY, RAW_PREDICTION,
          PREDICTION);
    }
    if (ModelColumns.RANDOM_FOREST.equals(classifier)) {
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
    if (ModelColumns.BOOSTED_TREES.equals(classifier)) {
      return fitBoosted(train, null, settings.boostedRounds());
    }
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

  /**
   * Boosted trees: the feature stages fitted on {@code train}, then at most {@code rounds} rounds of trees on one
   * partition of the examples in journey and prefix order (with one worker, the same trees whatever the input's
   * partitioning), stopped early when the log loss on {@code validation} (feature stages as fitted on train) has
   * not improved for {@code model.boosted_early_stopping} rounds.
   *
   * @param validation null: no early stopping, exactly {@code rounds} rounds
   */
  PipelineModel fitBoosted(Dataset<Row> train, Dataset<Row> validation, int rounds) {
    if (!ModelColumns.BOOSTED_TREES.equals(classifier)) {
      throw new IllegalStateException("early stopping is for boosted trees, not " + classifier);
    }
    PipelineStage[] stages = pipeline().getStages();
    PipelineModel features = new Pipeline().setStages(Arrays.copyOf(stages, stages.length - 1)).fit(train);
    XGBoostClassifier trees = (XGBoostClassifier) stages[stages.length - 1];
    trees.setNumRound(rounds);
    if (validation != null) {
      // Validation labels the fit split never saw have no class to score (on small logs a rare touchpoint may fall
      // on one side only): early stopping watches the others.
      Dataset<Row> scorable = validation.filter(
          functions.col(ModelColumns.LABEL).isin(labels(features).toArray()));
      trees.setEvalDataset(inOrder(features.transform(scorable)));
      trees.setNumEarlyStoppingRounds(settings.boostedEarlyStopping());
    }
    XGBoostClassificationModel fitted = trees.fit(inOrder(features.transform(train)));
    List<PipelineStage> all = new ArrayList<>(List.of(features.stages()));
    all.add(fitted);
    // A pipeline of fitted stages only: fit() checks the schema and wraps them without another pass over the data.
    return new Pipeline().setStages(all.toArray(PipelineStage[]::new)).fit(train);
  }

  /** The boosting rounds a fit settled on: up to the lowest validation log loss when it had a validation split. */
  static int boostedRounds(PipelineModel model) {
    Transformer last = model.stages()[model.stages().length - 1];
    if (!(last instanceof XGBoostClassificationModel trees)) {
      throw new IllegalArgumentException("not a boosted-trees pipeline: its last stage is " + last);
    }
    return BoostedTrees.bestRounds(trees);
  }

  private static Dataset<Row> inOrder(Dataset<Row> examples) {
    return examples.repartition(1).sortWithinPartitions(ModelColumns.JOURNEY_ID, ModelColumns.PREFIX_LENGTH);
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
