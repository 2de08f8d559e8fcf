package io.touchpoints.model;

import static org.apache.spark.sql.functions.col;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.touchpoints.config.JobConfig;
import io.touchpoints.pipeline.InputException;
import io.touchpoints.testing.CleanEvents;
import io.touchpoints.testing.SparkTestBase;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Training, evaluation against the baselines, save/load and prediction on a seeded chain whose next touchpoint is
 * predictable 85% of the time (the planted successor has probability 0.8 + 0.2 / 4).
 */
class NextTouchpointModelTest extends SparkTestBase {

  private static final LocalDate RUN_DATE = LocalDate.parse("2024-12-31");
  private static ModelTestData.Tables tables;
  private static Path output;
  private static NextTouchpointModel.Trained trained;

  private static ModelSettings settings(Map<String, Object> changes) {
    JobConfig config = JobConfig.load(null, List.of(), Map.of());
    for (Map.Entry<String, Object> e : changes.entrySet()) {
      config = config.with(e.getKey(), e.getValue());
    }
    return ModelSettings.from(config.raw().getConfig("model"));
  }

  @BeforeEach
  void trainOnce() {
    if (trained != null) {
      return;
    }
    CleanEvents events = ModelTestData.markovLog(150, 11)
        // An open journey touching a touchpoint no training journey has, at the end of the data.
        .add("new1", "2025-01-01T09:00:00Z", "a", "interaction")
        .add("new1", "2025-01-01T10:00:00Z", "zzz", "interaction");
    tables = ModelTestData.tables(session(), events);
    output = newTempDir("model");
    trained = new NextTouchpointModel(session(), settings(Map.of()))
        .train(tables.journeys(), tables.events(), output.toString(), RUN_DATE, "test", "hash");
  }

  @Test
  void modelAndBaselinesAreEvaluatedSideBySide() {
    assertThat(trained.models()).containsExactly("logistic_regression", "boosted_trees", "most_frequent",
        "markov_1", "markov_2", "markov_3");
    ModelEvaluation.Result result = trained.evaluation();
    double model = result.overall("logistic_regression", ModelColumns.TOP1_ACCURACY);
    assertThat(result.overall("boosted_trees", ModelColumns.TOP1_ACCURACY)).as("boosted trees learn the chain too")
        .isGreaterThan(0.7);
    double markov = result.overall("markov_1", ModelColumns.TOP1_ACCURACY);
    assertThat(model).as("the planted successor is learnable").isGreaterThan(0.7)
        .isGreaterThan(result.overall("most_frequent", ModelColumns.TOP1_ACCURACY) + 0.3)
        .isGreaterThanOrEqualTo(markov - 0.05);
    assertThat(result.overall("logistic_regression", ModelColumns.LOG_LOSS)).isBetween(0.0, 2.0);
    assertThat(trained.metrics().filter(col(ModelColumns.METRIC).equalTo(ModelColumns.SUPPORT)
        .and(col(ModelColumns.MODEL).equalTo("markov_1"))).collectAsList())
        .extracting(r -> r.<Double>getAs(ModelColumns.VALUE))
        .as("support sums to the test prefixes").satisfies(values ->
            assertThat(values.stream().mapToDouble(Double::doubleValue).sum()).isEqualTo(trained.testExamples()));
    assertThat(trained.split()).contains("latest 33.3% of journeys by start time");
    assertThat(trained.fitSeconds()).as("fit time of every model")
        .containsOnlyKeys(trained.models()).allSatisfy((m, seconds) -> assertThat(seconds).isPositive());
    assertThat(metric(ModelColumns.FIT_SECONDS, null)).as("not in model_metrics: a re-run reproduces its rows")
        .isEmpty();
  }

  @Test
  void theModelIsChosenOnValidationAndEveryCandidateHasAnInterval() {
    Map<String, Double> chosen = metric(ModelColumns.CHOSEN, null);
    assertThat(chosen.keySet()).containsExactlyInAnyOrderElementsOf(trained.models());
    assertThat(chosen.values().stream().filter(v -> v == 1.0).count()).as("exactly one chosen").isEqualTo(1);
    assertThat(chosen.get(trained.chosen())).isEqualTo(1.0);
    assertThat(trained.selection()).startsWith("chosen on validation").contains(trained.chosen());

    // The choice is the best validation top-1 (never a test figure).
    Map<String, Double> validation = metric(ModelColumns.VALIDATION + ModelColumns.TOP1_ACCURACY, null);
    assertThat(validation.keySet()).containsExactlyInAnyOrderElementsOf(trained.models());
    double bestValidation = validation.values().stream().mapToDouble(Double::doubleValue).max().orElseThrow();
    assertThat(validation.get(trained.chosen())).isEqualTo(bestValidation);

    Map<String, Double> low = metric(ModelColumns.TOP1_ACCURACY + ModelColumns.LOW_95, null);
    Map<String, Double> high = metric(ModelColumns.TOP1_ACCURACY + ModelColumns.HIGH_95, null);
    for (String model : trained.models()) {
      double top1 = trained.evaluation().overall(model, ModelColumns.TOP1_ACCURACY);
      assertThat(top1).as(model).isBetween(low.get(model), high.get(model));
      assertThat(high.get(model) - low.get(model)).as("%s interval width", model).isBetween(0.0, 0.3);
    }
    // Paired gains of the chosen model over each other candidate: the point inside its interval.
    for (String other : trained.models()) {
      if (other.equals(trained.chosen())) {
        continue;
      }
      double gain = metric(ModelColumns.TOP1_GAIN, other).get(trained.chosen());
      assertThat(gain).isCloseTo(trained.evaluation().overall(trained.chosen(), ModelColumns.TOP1_ACCURACY)
          - trained.evaluation().overall(other, ModelColumns.TOP1_ACCURACY), within(1e-9));
      assertThat(gain).isBetween(metric(ModelColumns.TOP1_GAIN + ModelColumns.LOW_95, other).get(trained.chosen()),
          metric(ModelColumns.TOP1_GAIN + ModelColumns.HIGH_95, other).get(trained.chosen()));
    }
    // Calibration: an error per model; the chosen model's reliability bins count every test prefix.
    assertThat(metric(ModelColumns.CALIBRATION_ERROR, null).values()).hasSize(trained.models().size())
        .allSatisfy(e -> assertThat(e).isBetween(0.0, 1.0));
    double binned = trained.metrics().filter(col(ModelColumns.METRIC).equalTo(ModelColumns.RELIABILITY_COUNT))
        .collectAsList().stream().mapToDouble(r -> r.<Double>getAs(ModelColumns.VALUE)).sum();
    assertThat(binned).isEqualTo(trained.testExamples());
  }

  @Test
  void aForcedMarkovBaselineIsSavedAndPredicts() {
    Path markovOutput = newTempDir("model-markov");
    NextTouchpointModel.Trained markov = new NextTouchpointModel(session(), settings(Map.of("model.type",
        "markov_2"))).train(tables.journeys(), tables.events(), markovOutput.toString(), RUN_DATE, "test", "hash");
    assertThat(markov.chosen()).isEqualTo("markov_2");
    assertThat(markov.selection()).contains("forced");
    assertThat(markov.models()).containsExactly("most_frequent", "markov_1", "markov_2", "markov_3");
    ModelStore.Loaded loaded = new ModelStore(session(), markovOutput.toString()).load(null);
    assertThat(loaded.model()).isInstanceOf(FittedModel.Markov.class);
    assertThat(loaded.metadata().model()).isEqualTo("markov_2");

    NextTouchpointModel.Predicted predicted = new NextTouchpointModel(session(), settings(Map.of("model.top_k", 1)))
        .predict(tables.journeys(), tables.events(), markovOutput.toString(), Duration.ofDays(30));
    List<Row> rows = predicted.rows().collectAsList();
    predicted.release();
    assertThat(predicted.unseen()).containsExactly("zzz");
    // new1's path ends a > zzz: the unseen context backs off to the label frequencies, whose top is one of a..d.
    assertThat(rows).singleElement().satisfies(r -> {
      assertThat(r.<String>getAs(ModelColumns.TOUCHPOINT)).isIn("a", "b", "c", "d");
      assertThat(r.<Double>getAs(ModelColumns.PROBABILITY)).isBetween(0.0, 1.0);
    });
  }

  @Test
  void forcedBoostedTreesStopEarlyOnValidationAndAreRefitWithThatManyRounds() {
    Path boostedOutput = newTempDir("model-boosted");
    // A high learning rate reaches this small log's lowest validation loss within a few dozen rounds.
    int cap = 60;
    NextTouchpointModel.Trained boosted = new NextTouchpointModel(session(), settings(Map.of("model.type",
        "boosted_trees", "model.boosted_rounds", cap, "model.boosted_learning_rate", 0.5)))
        .train(tables.journeys(), tables.events(), boostedOutput.toString(), RUN_DATE, "test", "hash");
    assertThat(boosted.chosen()).isEqualTo("boosted_trees");
    java.util.regex.Matcher rounds = java.util.regex.Pattern
        .compile("forced .*refit with (\\d+) rounds \\(early stopping on validation\\)")
        .matcher(boosted.selection());
    assertThat(rounds.find()).as("reason: %s", boosted.selection()).isTrue();
    int stoppedAt = Integer.parseInt(rounds.group(1));
    assertThat(stoppedAt).as("stopped before the cap").isBetween(1, cap - 1);
    ModelStore.Loaded loaded = new ModelStore(session(), boostedOutput.toString()).load(null);
    assertThat(loaded.model()).isInstanceOf(FittedModel.Classifier.class);
    assertThat(NextTouchpointTrainer.boostedRounds(((FittedModel.Classifier) loaded.model()).pipeline()))
        .as("rounds of the saved trees").isEqualTo(stoppedAt);
  }

  @Test
  void boostedTreesStopEarlyOnAValidationSplitHoldingALabelTheFitNeverSaw() {
    ModelSettings settings = settings(Map.of());
    Dataset<Row> examples = PrefixExamples.build(tables.journeys(), tables.events(), settings.lastTouches(),
        settings.endLabel()).filter(col(ModelColumns.LABEL).isNotNull());
    // The rarest next touchpoint appears in validation only (small logs split a rare touchpoint so).
    String rare = examples.groupBy(ModelColumns.LABEL).count().orderBy(col("count"), col(ModelColumns.LABEL))
        .first().getString(0);
    Dataset<Row> train = examples.filter(col(ModelColumns.LABEL).notEqual(rare));
    Dataset<Row> validation = examples.filter(col(ModelColumns.LABEL).equalTo(rare))
        .unionByName(train.limit(50));
    PipelineModel fitted = new NextTouchpointTrainer(settings, ModelColumns.BOOSTED_TREES)
        .fitBoosted(train, validation, 5);
    assertThat(NextTouchpointTrainer.labels(fitted)).as("labels of the fit").doesNotContain(rare);
    assertThat(NextTouchpointTrainer.boostedRounds(fitted)).isBetween(1, 5);
  }

  /** A metric of every model (touchpoint null, or the one given). */
  private static Map<String, Double> metric(String name, String touchpoint) {
    Map<String, Double> byModel = new java.util.HashMap<>();
    for (Row r : trained.metrics().filter(col(ModelColumns.METRIC).equalTo(name)
        .and(touchpoint == null ? col(ModelColumns.TOUCHPOINT).isNull()
            : col(ModelColumns.TOUCHPOINT).equalTo(touchpoint))).collectAsList()) {
      byModel.put(r.getAs(ModelColumns.MODEL), r.getAs(ModelColumns.VALUE));
    }
    return byModel;
  }

  /** A second full train (36 s of the default suite): with the longer scenarios, in the production profile. */
  @Test
  @Tag("production")
  void sameInputSettingsAndSeedGiveTheSameMetrics() {
    NextTouchpointModel.Trained again = new NextTouchpointModel(session(), settings(Map.of()))
        .train(tables.journeys(), tables.events(), newTempDir("model-again").toString(), RUN_DATE, "test", "hash");
    List<ModelEvaluation.MetricRow> first = trained.evaluation().metrics();
    List<ModelEvaluation.MetricRow> second = again.evaluation().metrics();
    assertThat(second).hasSameSizeAs(first);
    for (int i = 0; i < first.size(); i++) {
      assertThat(second.get(i).model()).isEqualTo(first.get(i).model());
      assertThat(second.get(i).metric()).isEqualTo(first.get(i).metric());
      assertThat(second.get(i).value()).as(first.get(i).toString()).isCloseTo(first.get(i).value(), within(1e-9));
    }
  }

  @Test
  void savedModelLoadsAndPredictsOpenJourneysEvenWithUnseenTouchpoints() {
    ModelStore.Loaded loaded = new ModelStore(session(), output.toString()).load(null);
    assertThat(loaded.metadata().version()).isEqualTo("2024-12-31");
    assertThat(loaded.metadata().labels()).containsExactlyInAnyOrder("a", "b", "c", "d");
    assertThat(loaded.metadata().metrics()).containsKeys("logistic_regression", "boosted_trees", "markov_3");
    assertThat(loaded.metadata().model()).isEqualTo(trained.chosen());
    assertThat(loaded.metadata().selection()).isEqualTo(trained.selection());
    assertThat(Files.exists(output.resolve("models").resolve("latest"))).isTrue();

    NextTouchpointModel.Predicted predicted = new NextTouchpointModel(session(), settings(Map.of("model.top_k", 2)))
        .predict(tables.journeys(), tables.events(), output.toString(), Duration.ofDays(30));
    List<Row> rows = predicted.rows().orderBy(ModelColumns.RANK).collectAsList();
    predicted.release();
    assertThat(predicted.openJourneys()).as("only new1's journey is open at the data's end").isEqualTo(1);
    assertThat(predicted.unseen()).containsExactly("zzz");
    assertThat(rows).hasSize(2);
    assertThat(rows).allSatisfy(r -> {
      assertThat(r.<String>getAs(ModelColumns.CUSTOMER_ID)).isEqualTo("new1");
      assertThat(r.<String>getAs(ModelColumns.MODEL_VERSION)).isEqualTo("2024-12-31");
      assertThat(List.of("a", "b", "c", "d")).contains(r.<String>getAs(ModelColumns.TOUCHPOINT));
    });
    double p1 = rows.get(0).<Double>getAs(ModelColumns.PROBABILITY);
    double p2 = rows.get(1).<Double>getAs(ModelColumns.PROBABILITY);
    assertThat(p1).isGreaterThanOrEqualTo(p2).isLessThanOrEqualTo(1.0);
    assertThat(p2).isPositive();
  }

  @Test
  void aMissingOrBrokenModelIsBadInputWithAMessage() throws IOException {
    Path empty = newTempDir("no-model");
    assertThatThrownBy(() -> new ModelStore(session(), empty.toString()).load(null))
        .isInstanceOf(InputException.class).hasMessageContaining("no trained model").hasMessageContaining("train");
    Path broken = empty.resolve("models").resolve("2024-01-01");
    Files.createDirectories(broken);
    Files.writeString(broken.resolve("metadata.json"), "{ not json");
    assertThatThrownBy(() -> new ModelStore(session(), empty.toString()).load("2024-01-01"))
        .isInstanceOf(InputException.class).hasMessageContaining("cannot load the model");
  }
}
