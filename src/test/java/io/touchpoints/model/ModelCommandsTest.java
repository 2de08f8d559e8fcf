package io.touchpoints.model;

import static org.apache.spark.sql.functions.col;
import static org.assertj.core.api.Assertions.assertThat;

import io.touchpoints.cli.TouchpointsCli;
import io.touchpoints.tables.DeltaTables;
import io.touchpoints.tables.TableNames;
import io.touchpoints.testing.SparkTestBase;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.SplittableRandom;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;

/** {@code train} and {@code predict} from the command line: tables, holdout, exit codes and messages. */
class ModelCommandsTest extends SparkTestBase {

  private record Result(int code, String out, String err) {}

  private Result run(String... args) {
    StringWriter err = new StringWriter();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    PrintStream original = System.out;
    System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
    try {
      int code = TouchpointsCli.execute(new PrintWriter(err, true), args);
      return new Result(code, out.toString(StandardCharsets.UTF_8), err.toString());
    } finally {
      System.setOut(original);
    }
  }

  /** 80 customers, one or two journeys each along a mostly deterministic a > b > c > d cycle. */
  private static Path writeLog(Path dir) throws IOException {
    StringBuilder csv = new StringBuilder("customer_id,event_time,touchpoint,event_type\n");
    SplittableRandom rng = new SplittableRandom(3);
    String[] names = {"a", "b", "c", "d"};
    for (int c = 0; c < 80; c++) {
      Instant t = Instant.parse("2024-01-01T08:00:00Z").plus(Duration.ofHours(rng.nextInt(24 * 90)));
      for (int j = 0; j < 1 + rng.nextInt(2); j++) {
        int state = rng.nextInt(4);
        Instant touch = t;
        for (int i = 0; i < 2 + rng.nextInt(4); i++) {
          csv.append("c").append(c).append(',').append(touch).append(',').append(names[state])
              .append(",interaction\n");
          state = rng.nextDouble() < 0.8 ? (state + 1) % 4 : rng.nextInt(4);
          touch = touch.plus(Duration.ofMinutes(30 + rng.nextInt(300)));
        }
        t = t.plus(Duration.ofDays(45));
      }
    }
    Path file = dir.resolve("events.csv");
    Files.writeString(file, csv.toString(), StandardCharsets.UTF_8);
    return file;
  }

  @Test
  void trainPrintsModelAndBaselinesThenPredictFillsNextTouchpoint() throws IOException {
    Path dir = newTempDir("model-cli");
    Path input = writeLog(dir);
    String out = dir.resolve("out").toString();

    Result train = run("train", "--input", input.toString(), "--output", out, "--run-date", "2024-12-31",
        "--model", "random_forest", "--conf", "model.num_trees=5", "--conf", "model.max_depth=5");
    assertThat(train.code()).as(train.err()).isZero();
    assertThat(train.out()).contains("[model] random_forest on").contains("top1_accuracy")
        .contains("most_frequent").contains("markov_3");
    DeltaTables tables = new DeltaTables(session(), out);
    List<Row> overall = tables.readRunDate(TableNames.MODEL_METRICS, null)
        .filter(col(ModelColumns.TOUCHPOINT).isNull().and(col(ModelColumns.METRIC).equalTo("top1_accuracy")))
        .collectAsList();
    assertThat(overall).extracting(r -> r.<String>getAs(ModelColumns.MODEL))
        .containsExactlyInAnyOrder("random_forest", "most_frequent", "markov_1", "markov_2", "markov_3");
    assertThat(tables.readRunDate(TableNames.MODEL_CONFUSION, null).count()).isPositive();

    Path holdout = dir.resolve("holdout.txt");
    Files.writeString(holdout, "c1:1\nc2:1\nc3:1\nc4:1\nc5:1\nc6:1\nc7:1\nc8:1\nc9:1\nc10:1\n");
    Result fixed = run("train", "--output", out, "--holdout", holdout.toString(), "--min-prefix", "2",
        "--model", "logistic_regression");
    assertThat(fixed.code()).as(fixed.err()).isZero();
    assertThat(fixed.out()).contains("holdout " + holdout).contains("logistic_regression");
    Row split = tables.readRunDate(TableNames.MODEL_METRICS, null).select(ModelColumns.SPLIT, ModelColumns.MODEL)
        .filter(col(ModelColumns.MODEL).equalTo("logistic_regression")).first();
    assertThat(split.getString(0)).startsWith("holdout ").contains("10 journeys");

    Result predict = run("predict", "--output", out, "--top-k", "2");
    assertThat(predict.code()).as(predict.err()).isZero();
    assertThat(predict.out()).contains("[predict]").contains("open journeys");
    List<Row> predictions = tables.readRunDate(TableNames.NEXT_TOUCHPOINT, null).collectAsList();
    assertThat(predictions).isNotEmpty().allSatisfy(r -> {
      assertThat(r.<Integer>getAs(ModelColumns.RANK)).isBetween(1, 2);
      assertThat(r.<String>getAs(ModelColumns.MODEL_VERSION)).isEqualTo("2024-12-31");
    });
  }

  @Test
  void badModelOptionsAndMissingModelsExitTwo() throws IOException {
    Result badType = run("train", "--input", "x.csv", "--model", "deep_net");
    assertThat(badType.code()).isEqualTo(2);
    assertThat(badType.err()).contains("deep_net");

    Path dir = newTempDir("model-cli");
    Path input = writeLog(dir);
    String out = dir.resolve("out").toString();
    assertThat(run("journeys", "--input", input.toString(), "--output", out, "--run-date", "2024-12-31").code())
        .isZero();
    Result noModel = run("predict", "--output", out);
    assertThat(noModel.code()).isEqualTo(2);
    assertThat(noModel.err()).contains("no trained model").contains("touchpoints train");
  }
}
