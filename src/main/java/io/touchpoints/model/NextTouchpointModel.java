package io.touchpoints.model;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.min;

import io.touchpoints.pipeline.InputException;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.functions;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.storage.StorageLevel;

/**
 * The next-touchpoint model's two stages, on the journeys and events of one run date.
 *
 * <p>{@link #train}: builds the prefix examples, splits them by journey ({@link JourneySplit}), fits the classifier
 * on the training journeys ({@link NextTouchpointTrainer}) and the baselines on the same examples
 * ({@link MarkovBaseline}), scores every test prefix with a next touchpoint with all of them, and evaluates them the
 * same way ({@link ModelEvaluation}). Outputs: {@code model_metrics} and {@code model_confusion} rows and a saved
 * model ({@link ModelStore}). The examples are cached once (memory, spilling to disk) for the fit, the baselines and
 * the scoring.
 *
 * <p>{@link #predict}: loads a saved model and writes the top-k next touchpoints of every open journey
 * ({@link NextTouchpointPredictor}).
 */
public final class NextTouchpointModel {

  public static final StructType METRICS_SCHEMA = new StructType()
      .add(ModelColumns.MODEL, DataTypes.StringType, false)
      .add(ModelColumns.METRIC, DataTypes.StringType, false)
      .add(ModelColumns.TOUCHPOINT, DataTypes.StringType, true)
      .add(ModelColumns.VALUE, DataTypes.DoubleType, true)
      .add(ModelColumns.SPLIT, DataTypes.StringType, false)
      .add(ModelColumns.TRAIN_EXAMPLES, DataTypes.LongType, false)
      .add(ModelColumns.TEST_EXAMPLES, DataTypes.LongType, false);

  /** What training produced. */
  public record Trained(ModelEvaluation.Result evaluation, Dataset<Row> metrics, List<String> models,
      long trainExamples, long testExamples, String split, String savedTo, ModelStore.Metadata metadata) {}

  /** What prediction produced; {@code prefixes} is cached until {@link #release()} (after rows are written). */
  public record Predicted(Dataset<Row> rows, Dataset<Row> prefixes, long openJourneys, List<String> unseen,
      long journeysWithUnseen, ModelStore.Metadata metadata) {
    public void release() {
      prefixes.unpersist();
    }
  }

  private final SparkSession spark;
  private final ModelSettings settings;

  public NextTouchpointModel(SparkSession spark, ModelSettings settings) {
    this.spark = spark;
    this.settings = settings;
  }

  /**
   * Trains, evaluates against the baselines and saves the model.
   *
   * @param journeys the journeys table of the run date (without run_date)
   * @param events the events table of the run date (without run_date)
   * @param output the output folder (the model goes to output/models/runDate)
   * @throws TooFewExamplesException when a side of the split has no example
   */
  public Trained train(Dataset<Row> journeys, Dataset<Row> events, String output, LocalDate runDate,
      String appVersion, String configHash) {
    Dataset<Row> examples = PrefixExamples.build(journeys, events, settings.lastTouches(), settings.endLabel())
        .filter(col(ModelColumns.LABEL).isNotNull()
            .and(col(ModelColumns.PREFIX_LENGTH).geq(settings.minPrefix())))
        .persist(StorageLevel.MEMORY_AND_DISK());
    try {
      JourneySplit split = settings.holdout().isEmpty()
          ? JourneySplit.byStartTime(spark, journeys, settings.testFraction(), settings.seed())
          : JourneySplit.fromHoldoutFile(spark, journeys, settings.holdout());
      Dataset<Row> assignment = split.assignment().persist(StorageLevel.MEMORY_AND_DISK());
      JourneySplit fixed = new JourneySplit(assignment, split.description());
      Dataset<Row> train = fixed.train(examples).persist(StorageLevel.MEMORY_AND_DISK());
      Dataset<Row> test = fixed.test(examples).persist(StorageLevel.MEMORY_AND_DISK());
      try {
        long trainCount = train.count();
        long testCount = test.count();
        if (trainCount == 0 || testCount == 0) {
          throw new TooFewExamplesException("the split (" + split.description() + ") leaves " + trainCount
              + " training and " + testCount + " test prefixes with a next touchpoint (min prefix "
              + settings.minPrefix() + "): both need at least one; more journeys, or another split, are needed");
        }
        NextTouchpointTrainer trainer = new NextTouchpointTrainer(settings);
        PipelineModel pipeline = trainer.fit(train);
        List<String> labels = NextTouchpointTrainer.labels(pipeline);

        // The test labels may include touchpoints never seen as a label: kept aside so the label indexer skips.
        Dataset<Row> modelScored = pipeline
            .transform(test.withColumnRenamed(ModelColumns.LABEL, "_actual"))
            .select(lit(settings.type()).as(ModelColumns.MODEL), col("_actual").as(ModelColumns.LABEL),
                functions.vector_to_array(col(NextTouchpointTrainer.PROBABILITY), "float64")
                    .as(ModelColumns.PROBABILITIES));
        MarkovBaseline baseline = MarkovBaseline.fit(train, labels, settings.markovOrder(),
            settings.markovSmoothing());
        Dataset<Row> scored = modelScored.unionByName(baseline.score(spark, test));
        List<String> models = new ArrayList<>();
        models.add(settings.type());
        for (int order = 0; order <= settings.markovOrder(); order++) {
          models.add(MarkovBaseline.modelName(order));
        }
        ModelEvaluation.Result evaluation = ModelEvaluation.evaluate(spark, scored, labels, models,
            settings.logLossEpsilon());

        List<Row> metricRows = new ArrayList<>();
        for (ModelEvaluation.MetricRow m : evaluation.metrics()) {
          metricRows.add(RowFactory.create(m.model(), m.metric(), m.touchpoint(),
              Double.isNaN(m.value()) ? null : m.value(), split.description(), trainCount, testCount));
        }
        Dataset<Row> metrics = spark.createDataFrame(metricRows, METRICS_SCHEMA);

        Row window = train.agg(min(col(ModelColumns.JOURNEY_START)), max(col(ModelColumns.JOURNEY_START))).first();
        Map<String, Map<String, Double>> overall = new LinkedHashMap<>();
        for (String model : models) {
          Map<String, Double> byMetric = new LinkedHashMap<>();
          for (String metric : List.of(ModelColumns.TOP1_ACCURACY, ModelColumns.TOP3_ACCURACY,
              ModelColumns.MACRO_F1, ModelColumns.LOG_LOSS)) {
            byMetric.put(metric, evaluation.overall(model, metric));
          }
          overall.put(model, byMetric);
        }
        ModelStore.Metadata metadata = new ModelStore.Metadata(runDate.toString(), settings.type(), labels,
            settings.lastTouches(), settings.endLabel(), trainer.featureNames(),
            List.of(window.getTimestamp(0).toInstant().toString(), window.getTimestamp(1).toInstant().toString()),
            split.description(), trainCount, testCount, overall, appVersion, configHash);
        String savedTo = new ModelStore(spark, output).save(pipeline, metadata);
        return new Trained(evaluation, metrics, models, trainCount, testCount, split.description(), savedTo,
            metadata);
      } finally {
        train.unpersist();
        test.unpersist();
        assignment.unpersist();
      }
    } finally {
      examples.unpersist();
    }
  }

  /**
   * Predicts the next touchpoints of the open journeys with the saved model {@code model.predict_model} (default:
   * latest).
   *
   * @throws InputException when no model can be loaded
   */
  public Predicted predict(Dataset<Row> journeys, Dataset<Row> events, String output, Duration inactivityTimeout) {
    ModelStore.Loaded loaded = new ModelStore(spark, output).load(settings.predictModel());
    NextTouchpointPredictor predictor = new NextTouchpointPredictor(loaded, settings.topK());
    Dataset<Row> prefixes = predictor.openPrefixes(journeys, events, inactivityTimeout)
        .persist(StorageLevel.MEMORY_AND_DISK());
    long open = prefixes.count();
    List<String> unseen = predictor.unseen(prefixes);
    long withUnseen = predictor.journeysWithUnseen(prefixes, unseen);
    return new Predicted(predictor.predict(prefixes), prefixes, open, unseen, withUnseen, loaded.metadata());
  }
}
