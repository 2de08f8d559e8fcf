package io.touchpoints.attribution;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.sum;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.touchpoints.testing.SparkTestBase;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.junit.jupiter.api.Test;

/** The journey-level split behind the choice of Markov order. */
class HeldOutSplitTest extends SparkTestBase {

  private Dataset<Row> paths() {
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < 200; i++) {
      rows.add(RowFactory.create(List.of("t" + (i % 7), "u" + (i % 5), "v" + i), (double) (i % 9), 2.5 * (i % 9),
          (double) (i % 13)));
    }
    // A weighted path: counts that are not whole numbers are split in proportion.
    rows.add(RowFactory.create(List.of("w"), 2.5, 5.0, 0.5));
    return session().createDataFrame(rows, PathColumns.SCHEMA);
  }

  @Test
  void partsAddUpToTheWholeAndHoldOutAboutTheFraction() {
    Dataset<Row> split = HeldOutSplit.split(paths(), 0.25, 7);
    Row whole = paths().agg(sum(PathColumns.CONVERSIONS), sum(PathColumns.NULLS), sum(PathColumns.VALUE)).first();
    Row parts = split.agg(sum(PathColumns.CONVERSIONS), sum(PathColumns.NULLS), sum(PathColumns.VALUE)).first();
    for (int i = 0; i < 3; i++) {
      assertThat(parts.getDouble(i)).as("column " + i + " adds up").isCloseTo(whole.getDouble(i), within(1e-9));
    }
    double heldJourneys = split.filter(col(HeldOutSplit.FOLD).equalTo(HeldOutSplit.HELD_OUT))
        .agg(sum(col(PathColumns.CONVERSIONS).plus(col(PathColumns.NULLS)))).first().getDouble(0);
    double allJourneys = whole.getDouble(0) + whole.getDouble(1);
    assertThat(heldJourneys / allJourneys).as("held-out share").isBetween(0.18, 0.32);
    Row weighted = split.filter(col(HeldOutSplit.FOLD).equalTo(HeldOutSplit.HELD_OUT)
        .and(col(PathColumns.TOUCHPOINTS).getItem(0).equalTo("w"))).first();
    assertThat(weighted.<Double>getAs(PathColumns.CONVERSIONS)).as("weighted conversions, in proportion")
        .isCloseTo(0.625, within(1e-12));
  }

  @Test
  void sameSeedSameSplitWhateverThePartitioning() {
    List<Row> one = HeldOutSplit.split(paths().coalesce(1), 0.3, 11).orderBy(PathColumns.TOUCHPOINTS,
        HeldOutSplit.FOLD).collectAsList();
    List<Row> four = HeldOutSplit.split(paths().repartition(4), 0.3, 11).orderBy(PathColumns.TOUCHPOINTS,
        HeldOutSplit.FOLD).collectAsList();
    assertThat(four).as("split on 4 partitions").isEqualTo(one);
    assertThatThrownBy(() -> HeldOutSplit.split(paths(), 1.0, 1)).as("fraction 1").hasMessageContaining("got 1.0");
  }
}
