package io.touchpoints.model;

import static org.apache.spark.sql.functions.col;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.touchpoints.pipeline.InputException;
import io.touchpoints.journey.JourneyColumns;
import io.touchpoints.testing.SparkTestBase;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

/** Whole journeys go to one side: the latest by start time, or those a holdout file lists. */
class JourneySplitTest extends SparkTestBase {

  private static final StructType JOURNEYS = new StructType()
      .add(JourneyColumns.JOURNEY_ID, DataTypes.StringType)
      .add(JourneyColumns.START_TIME, DataTypes.TimestampType);

  /** Six journeys starting on days 1..6 (j3 and j4 both on day 3), listed out of order. */
  private Dataset<Row> journeys() {
    return session().createDataFrame(List.of(
        RowFactory.create("j6", day(6)), RowFactory.create("j1", day(1)), RowFactory.create("j3", day(3)),
        RowFactory.create("j5", day(5)), RowFactory.create("j2", day(2)), RowFactory.create("j4", day(3))),
        JOURNEYS).repartition(3);
  }

  private static Timestamp day(int d) {
    return Timestamp.from(Instant.parse("2024-01-01T00:00:00Z").plusSeconds(86_400L * (d - 1)));
  }

  private static Set<String> testIds(JourneySplit split) {
    return split.assignment().filter(col(JourneySplit.IS_TEST)).collectAsList().stream()
        .map(r -> r.getString(0)).collect(Collectors.toSet());
  }

  @Test
  void latestThirdByStartTime() {
    JourneySplit split = JourneySplit.byStartTime(session(), journeys(), 1.0 / 3, 42);
    assertThat(testIds(split)).containsExactlyInAnyOrder("j5", "j6");
    assertThat(split.assignment().count()).as("every journey assigned once").isEqualTo(6);
    assertThat(split.description()).contains("latest 33.3% of journeys by start time").contains("2 of 6");
  }

  @Test
  void tiesAtTheCutAreBrokenBySeedAlone() {
    // Half of 6 = 3 test journeys: j5, j6 and one of the two starting on day 3.
    Set<String> first = testIds(JourneySplit.byStartTime(session(), journeys(), 0.5, 42));
    Set<String> again = testIds(JourneySplit.byStartTime(session(), journeys().repartition(1), 0.5, 42));
    assertThat(first).hasSize(3).contains("j5", "j6").containsAnyOf("j3", "j4");
    assertThat(again).as("same seed, other partitioning").isEqualTo(first);
  }

  @Test
  void holdoutFileListsTheTestJourneys() throws IOException {
    Path file = newTempDir("holdout").resolve("test-ids.txt");
    Files.writeString(file, "j2\n  j4 \n\nunknown-id\n");
    JourneySplit split = JourneySplit.fromHoldoutFile(session(), journeys(), file.toString());
    assertThat(testIds(split)).containsExactlyInAnyOrder("j2", "j4");
    assertThat(split.description()).contains("holdout").contains("2 journeys").contains("1 listed ids not found");

    Dataset<Row> examples = session().createDataFrame(List.of(
        RowFactory.create("j2", 1), RowFactory.create("j2", 2), RowFactory.create("j1", 1)),
        new StructType().add(ModelColumns.JOURNEY_ID, DataTypes.StringType).add("n", DataTypes.IntegerType));
    assertThat(split.test(examples).count()).isEqualTo(2);
    assertThat(split.train(examples).count()).isEqualTo(1);
  }

  @Test
  void holdoutFileWithoutAnyJourneyIsBadInput() throws IOException {
    Path dir = newTempDir("holdout");
    Path file = dir.resolve("ids.txt");
    Files.writeString(file, "x1\nx2\n");
    assertThatThrownBy(() -> JourneySplit.fromHoldoutFile(session(), journeys(), file.toString()))
        .isInstanceOf(InputException.class).hasMessageContaining("none of them is a journey");
    assertThatThrownBy(() -> JourneySplit.fromHoldoutFile(session(), journeys(), dir.resolve("no.txt").toString()))
        .isInstanceOf(InputException.class).hasMessageContaining("holdout file not found");
  }
}
