package io.touchpoints.model;

import static io.touchpoints.pipeline.TaskPartitions.inTasks;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.min;

import io.touchpoints.pipeline.ConcurrentJobs;
import io.touchpoints.pipeline.InputException;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
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
      long trainExamples, long testExamples, String split, String savedTo, ModelStore.Metadata metadata,
      String chosen, String selection, Map<String, Double> fitSeconds) {}

  /**
   * The model chosen, why, the candidates' validation metrics, the validation split's description and the boosting
   * rounds early stopping settled on there (0 without boosted trees).
   */
  record Selection(String chosen, String reason, List<ModelEvaluation.MetricRow> validation,
      String validationSplit, int boostedRounds) {

    Selection forced(String type) {
      return new Selection(type, "forced by model.type (--model) = " + type
          + (boostedRounds > 0 ? "; " + roundsNote(boostedRounds) : ""), List.of(), validationSplit, boostedRounds);
    }
  }

  private static String roundsNote(int rounds) {
    return "boosted_trees refit with " + rounds + " rounds (early stopping on validation)";
  }

  /**
   * Every candidate fitted on the same examples, in report order (classifiers, then the baselines), with the
   * seconds each fit took.
   */
  record Fitted(List<FittedModel> models, Map<String, Double> fitSeconds, String sampleNote) {

    List<String> names() {
      return models.stream().map(FittedModel::name).toList();
    }

    List<String> labels() {
      List<String> labels = models.get(0).labels();
      for (FittedModel m : models) {
        if (!m.labels().equals(labels)) {
          throw new IllegalStateException("label vocabularies differ: " + m.name() + " " + m.labels() + " vs "
              + labels);
        }
      }
      return labels;
    }

    FittedModel get(String name) {
      return models.stream().filter(m -> m.name().equals(name)).findFirst().orElseThrow();
    }

    /** The scored form of every model on these examples. */
    Dataset<Row> score(SparkSession spark, Dataset<Row> examples) {
      Dataset<Row> input = examples.select(col(ModelColumns.JOURNEY_ID), col(ModelColumns.LABEL),
          col(ModelColumns.PREFIX));
      Dataset<Row> all = null;
      for (FittedModel m : models) {
        Dataset<Row> one = (m instanceof FittedModel.Classifier ? m.score(spark, examples) : m.score(spark, input))
            .select(lit(m.name()).as(ModelColumns.MODEL), col(ModelColumns.JOURNEY_ID), col(ModelColumns.LABEL),
                col(ModelColumns.PROBABILITIES));
        all = all == null ? one : all.unionByName(one);
      }
      return all;
    }
  }

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
      Dataset<Row> scored = null;
      PrefixSample testSample = null;
      try {
        long trainCount = train.count();
        long testCount = test.count();
        if (trainCount == 0 || testCount == 0) {
          throw new TooFewExamplesException("the split (" + split.description() + ") leaves " + trainCount
              + " training and " + testCount + " test prefixes with a next touchpoint (min prefix "
              + settings.minPrefix() + "): both need at least one; more journeys, or another split, are needed");
        }
        Selection selection = settings.selects() ? select(journeys, fixed, train)
            : settings.classifiers().contains(ModelColumns.BOOSTED_TREES) ? forcedBoosted(journeys, fixed, train)
                : new Selection(settings.type(), "forced by model.type (--model) = " + settings.type(), List.of(),
                    split.description(), 0);

        Fitted fitted = fitAll(train, trainCount, null, selection.boostedRounds());
        List<String> labels = fitted.labels();
        List<String> models = fitted.names();
        testSample = PrefixSample.of(test, testCount, settings.maxPrefixes(), settings.seed() + 1);
        String sampling = sampling(List.of(fitted.sampleNote(), testSample.describe("test")));
        String reason = selection.reason() + (sampling.isEmpty() ? "" : "; " + sampling);
        // Read by the evaluation and the comparison, four passes: scored once.
        scored = fitted.score(spark, inTasks(testSample.rows(), testSample.count()))
            .persist(StorageLevel.MEMORY_AND_DISK());
        ModelEvaluation.Result evaluation = ModelEvaluation.evaluate(spark, scored, labels, models,
            settings.logLossEpsilon());
        List<ModelEvaluation.MetricRow> comparison = ModelComparison.compare(scored, labels, models,
            selection.chosen(), settings);

        evaluation = evaluation.with(comparison);
        List<Row> metricRows = new ArrayList<>();
        for (ModelEvaluation.MetricRow m : evaluation.metrics()) {
          metricRows.add(metricRow(m, split.description(), trainCount, testSample.count()));
        }
        for (ModelEvaluation.MetricRow m : selection.validation()) {
          metricRows.add(metricRow(m, selection.validationSplit(), trainCount, testSample.count()));
        }
        List<ModelEvaluation.MetricRow> chosenRows = new ArrayList<>();
        for (String model : models) {
          ModelEvaluation.MetricRow row = new ModelEvaluation.MetricRow(model, ModelColumns.CHOSEN, null,
              model.equals(selection.chosen()) ? 1.0 : 0.0);
          chosenRows.add(row);
          metricRows.add(metricRow(row, reason, trainCount, testSample.count()));
        }
        evaluation = evaluation.with(chosenRows);
        Dataset<Row> metrics = spark.createDataFrame(metricRows, METRICS_SCHEMA);

        Row window = train.agg(min(col(ModelColumns.JOURNEY_START)), max(col(ModelColumns.JOURNEY_START))).first();
        Map<String, Map<String, Double>> overall = new LinkedHashMap<>();
        for (String model : models) {
          Map<String, Double> byMetric = new LinkedHashMap<>();
          for (String metric : List.of(ModelColumns.TOP1_ACCURACY, ModelColumns.TOP3_ACCURACY,
              ModelColumns.MACRO_F1, ModelColumns.LOG_LOSS)) {
            byMetric.put(metric, evaluation.overall(model, metric));
          }
          // A clock reading: in the saved metadata and the printed table, not in model_metrics, whose rows a
          // re-run of the same input reproduces.
          byMetric.put(ModelColumns.FIT_SECONDS, fitted.fitSeconds().get(model));
          overall.put(model, byMetric);
        }
        FittedModel saved = fitted.get(selection.chosen());
        ModelStore.Metadata metadata = new ModelStore.Metadata(runDate.toString(), saved.name(), labels,
            settings.lastTouches(), settings.endLabel(),
            saved instanceof FittedModel.Classifier
                ? new NextTouchpointTrainer(settings, saved.name()).featureNames()
                : List.of("the last " + ((FittedModel.Markov) saved).order() + " touchpoints"),
            List.of(window.getTimestamp(0).toInstant().toString(), window.getTimestamp(1).toInstant().toString()),
            split.description(), trainCount, testSample.count(), overall, appVersion, configHash, reason);
        String savedTo = new ModelStore(spark, output).save(saved, metadata);
        return new Trained(evaluation, metrics, models, trainCount, testSample.count(), split.description(),
            savedTo, metadata, selection.chosen(), reason, fitted.fitSeconds());
      } finally {
        if (scored != null) {
          scored.unpersist();
        }
        if (testSample != null) {
          testSample.release();
        }
        train.unpersist();
        test.unpersist();
        assignment.unpersist();
      }
    } finally {
      examples.unpersist();
    }
  }

  /**
   * Fits the classifiers to fit and every baseline on these examples, {@code model.parallelism} of them at once
   * (each fit's Spark jobs are submitted from its own thread, as MLlib's {@code CrossValidator} does; on small logs
   * a fit is mostly per-job latency, which this hides).
   *
   * The classifiers fit on at most about {@code model.max_prefixes} of the examples ({@link PrefixSample}), with
   * the label vocabulary of all of them; the baselines count every example.
   *
   * @param count the examples' count
   * @param validation boosted trees stop early on it; null: they fit exactly {@code boostedRounds} rounds
   */
  private Fitted fitAll(Dataset<Row> examples, long count, Dataset<Row> validation, int boostedRounds) {
    List<String> vocabulary = labelVocabulary(examples);
    PrefixSample sample = PrefixSample.of(examples, count, settings.maxPrefixes(), settings.seed());
    try {
      Fitted fitted = fitAll(inTasks(sample.rows(), sample.count()), inTasks(examples, count), vocabulary,
          validation, boostedRounds);
      return new Fitted(fitted.models(), fitted.fitSeconds(), sample.describe("training"));
    } finally {
      sample.release();
    }
  }

  private Fitted fitAll(Dataset<Row> forClassifiers, Dataset<Row> examples, List<String> vocabulary,
      Dataset<Row> validation, int boostedRounds) {
    List<Callable<List<FittedModel>>> fits = new ArrayList<>();
    for (String classifier : settings.classifiers()) {
      fits.add(() -> {
        NextTouchpointTrainer trainer = new NextTouchpointTrainer(settings, classifier, vocabulary);
        return List.of(new FittedModel.Classifier(classifier, ModelColumns.BOOSTED_TREES.equals(classifier)
            ? trainer.fitBoosted(forClassifiers, validation, boostedRounds) : trainer.fit(forClassifiers)));
      });
    }
    fits.add(() -> {
      MarkovBaseline baseline = MarkovBaseline.fit(examples, vocabulary, settings.markovOrder(),
          settings.markovSmoothing());
      List<FittedModel> chains = new ArrayList<>();
      for (int order = 0; order <= settings.markovOrder(); order++) {
        chains.add(FittedModel.Markov.of(baseline, order));
      }
      return chains;
    });
    List<Callable<Timed>> timed = fits.stream().<Callable<Timed>>map(fit -> () -> {
      long start = System.nanoTime();
      List<FittedModel> fitted = fit.call();
      return new Timed(fitted, (System.nanoTime() - start) / 1e9);
    }).toList();
    List<FittedModel> models = new ArrayList<>();
    Map<String, Double> seconds = new LinkedHashMap<>();
    for (Timed fitted : ConcurrentJobs.all("touchpoints-fit", settings.parallelism(), timed)) {
      for (FittedModel model : fitted.models()) {
        models.add(model);
        seconds.put(model.name(), fitted.seconds());
      }
    }
    return new Fitted(models, seconds, "");
  }

  /** The sampling notes that are not empty, joined; "" when nothing was sampled. */
  private static String sampling(List<String> notes) {
    String joined = String.join(", ", notes.stream().filter(n -> !n.isEmpty()).toList());
    return joined.isEmpty() ? "" : "scored and fitted on samples: " + joined;
  }

  private record Timed(List<FittedModel> models, double seconds) {}

  /** The labels by frequency, ties alphabetical: the order the classifiers' label indexer gives them. */
  private static List<String> labelVocabulary(Dataset<Row> examples) {
    List<String> labels = new ArrayList<>();
    for (Row r : examples.groupBy(col(ModelColumns.LABEL)).count()
        .orderBy(col("count").desc(), col(ModelColumns.LABEL)).collectAsList()) {
      labels.add(r.getString(0));
    }
    return labels;
  }

  /**
   * Forced boosted trees still fit once on the validation split, for their number of rounds; a log too small for
   * that split gets {@code model.boosted_rounds} rounds.
   */
  private Selection forcedBoosted(Dataset<Row> journeys, JourneySplit testSplit, Dataset<Row> train) {
    try {
      return select(journeys, testSplit, train).forced(settings.type());
    } catch (TooFewExamplesException e) {
      return new Selection(settings.type(), "forced by model.type (--model) = " + settings.type() + "; "
          + ModelColumns.BOOSTED_TREES + " fitted with model.boosted_rounds = " + settings.boostedRounds()
          + " rounds: too few training journeys to stop early on a validation split", List.of(),
          testSplit.description(), settings.boostedRounds());
    }
  }

  /**
   * Fits every candidate on the training journeys less the latest {@code model.validation_fraction} of them, scores
   * them on those, and chooses the best top-1 accuracy (ties: the lower log loss, then the earlier candidate).
   */
  private Selection select(Dataset<Row> journeys, JourneySplit testSplit, Dataset<Row> train) {
    Dataset<Row> trainJourneys = journeys.join(testSplit.assignment().filter(col(JourneySplit.IS_TEST).equalTo(false))
        .select(JourneySplit.JOURNEY_ID), ModelColumns.JOURNEY_ID, "left_semi");
    JourneySplit inner = JourneySplit.byStartTime(spark, trainJourneys, settings.validationFraction(),
        settings.seed());
    Dataset<Row> assignment = inner.assignment().persist(StorageLevel.MEMORY_AND_DISK());
    JourneySplit fixed = new JourneySplit(assignment, inner.description());
    Dataset<Row> fit = fixed.train(train).persist(StorageLevel.MEMORY_AND_DISK());
    Dataset<Row> validation = fixed.test(train).persist(StorageLevel.MEMORY_AND_DISK());
    Dataset<Row> scored = null;
    PrefixSample validationSample = null;
    try {
      long fitCount = fit.count();
      long validationCount = validation.count();
      if (fitCount == 0 || validationCount == 0) {
        throw new TooFewExamplesException("the validation split (" + inner.description() + " of the training "
            + "journeys) leaves " + fitCount + " prefixes to fit and " + validationCount + " to validate on: the "
            + "model cannot be chosen; more journeys are needed, or name the model with --model");
      }
      validationSample = PrefixSample.of(validation, validationCount, settings.maxPrefixes(), settings.seed() + 2);
      Dataset<Row> validating = inTasks(validationSample.rows(), validationSample.count());
      Fitted fitted = fitAll(fit, fitCount, validating, settings.boostedRounds());
      int rounds = fitted.names().contains(ModelColumns.BOOSTED_TREES) ? NextTouchpointTrainer.boostedRounds(
          ((FittedModel.Classifier) fitted.get(ModelColumns.BOOSTED_TREES)).pipeline()) : 0;
      List<String> names = fitted.names();
      scored = fitted.score(spark, validating).persist(StorageLevel.MEMORY_AND_DISK());
      ModelEvaluation.Result result = ModelEvaluation.evaluate(spark, scored, fitted.labels(), names,
          settings.logLossEpsilon());
      String best = names.get(0);
      for (String name : names) {
        double top1 = result.overall(name, ModelColumns.TOP1_ACCURACY);
        double bestTop1 = result.overall(best, ModelColumns.TOP1_ACCURACY);
        if (top1 > bestTop1 || top1 == bestTop1
            && result.overall(name, ModelColumns.LOG_LOSS) < result.overall(best, ModelColumns.LOG_LOSS)) {
          best = name;
        }
      }
      String runnerUp = null;
      for (String name : names) {
        if (!name.equals(best) && (runnerUp == null || result.overall(name, ModelColumns.TOP1_ACCURACY)
            > result.overall(runnerUp, ModelColumns.TOP1_ACCURACY))) {
          runnerUp = name;
        }
      }
      String description = "validation: " + inner.description() + " of the training journeys, "
          + validationSample.count() + " prefixes";
      String sampling = sampling(List.of(fitted.sampleNote(), validationSample.describe("validation")));
      String reason = String.format(Locale.ROOT, "chosen on validation (%s, %d prefixes; fitted on the other %d%s): "
          + "%s has the highest top-1 accuracy %.4f (log loss %.4f)%s", inner.description(), validationSample.count(),
          fitCount, sampling.isEmpty() ? "" : "; " + sampling, best, result.overall(best, ModelColumns.TOP1_ACCURACY),
          result.overall(best, ModelColumns.LOG_LOSS),
          runnerUp == null ? "" : String.format(Locale.ROOT, ", next %s %.4f (log loss %.4f)", runnerUp,
              result.overall(runnerUp, ModelColumns.TOP1_ACCURACY),
              result.overall(runnerUp, ModelColumns.LOG_LOSS)))
          + (rounds > 0 ? "; " + roundsNote(rounds) : "");
      List<ModelEvaluation.MetricRow> rows = new ArrayList<>();
      for (String name : names) {
        for (String metric : List.of(ModelColumns.TOP1_ACCURACY, ModelColumns.LOG_LOSS)) {
          rows.add(new ModelEvaluation.MetricRow(name, ModelColumns.VALIDATION + metric, null,
              result.overall(name, metric)));
        }
      }
      return new Selection(best, reason, rows, description, rounds);
    } finally {
      if (scored != null) {
        scored.unpersist();
      }
      if (validationSample != null) {
        validationSample.release();
      }
      fit.unpersist();
      validation.unpersist();
      assignment.unpersist();
    }
  }

  private static Row metricRow(ModelEvaluation.MetricRow m, String split, long trainCount, long testCount) {
    return RowFactory.create(m.model(), m.metric(), m.touchpoint(), Double.isNaN(m.value()) ? null : m.value(),
        split, trainCount, testCount);
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
