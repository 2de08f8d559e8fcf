package io.touchpoints.model;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat;
import static org.apache.spark.sql.functions.lit;
import static org.assertj.core.api.Assertions.assertThat;

import io.touchpoints.testing.SparkTestBase;
import java.util.List;
import java.util.Locale;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;

/** The sample of a split's prefixes: whole journeys, about the cap, the same whatever the partitioning. */
class PrefixSampleTest extends SparkTestBase {

  /** 4,000 journeys "j0".."j3999" of 1 to 5 prefixes each (journey i has i % 5 + 1): 12,000 prefixes. */
  private Dataset<Row> prefixes(int partitions) {
    return session().range(0, 4000).toDF("j")
        .withColumn("n", col("j").mod(5).plus(1))
        .selectExpr("concat('j', j) as " + ModelColumns.JOURNEY_ID,
            "explode(sequence(1, cast(n as int))) as " + ModelColumns.PREFIX_LENGTH)
        .repartition(partitions);
  }

  private static List<String> keys(PrefixSample sample) {
    return sample.rows()
        .select(concat(col(ModelColumns.JOURNEY_ID), lit("/"), col(ModelColumns.PREFIX_LENGTH)).as("k"))
        .orderBy("k").as(Encoders.STRING()).collectAsList();
  }

  @Test
  void atOrBelowTheCapOrWithoutOneEveryPrefixIsKept() {
    Dataset<Row> all = prefixes(3);
    for (long max : new long[] {0, 12_000, 50_000}) {
      PrefixSample sample = PrefixSample.of(all, 12_000, max, 7);
      assertThat(sample.sampled()).as("max %d", max).isFalse();
      assertThat(sample.count()).isEqualTo(12_000);
      assertThat(sample.describe("training")).isEmpty();
    }
  }

  @Test
  void aboveTheCapAboutTheCapIsKeptAsWholeJourneys() {
    PrefixSample sample = PrefixSample.of(prefixes(3), 12_000, 3_000, 7);
    try {
      assertThat(sample.sampled()).isTrue();
      // 4,000 journeys each kept with probability 1/4, 3 prefixes on average: sd of the kept prefixes ~ 100.
      assertThat(sample.count()).isBetween(2_500L, 3_500L);
      assertThat(sample.of()).isEqualTo(12_000);
      assertThat(sample.describe("training"))
          .isEqualTo(String.format(Locale.ROOT,
              "a seeded sample of %,d of the 12,000 training prefixes (model.max_prefixes)", sample.count()));
      // Whole journeys: every kept journey has all its prefixes (journey ji has i % 5 + 1 of them).
      List<Row> perJourney = sample.rows().groupBy(ModelColumns.JOURNEY_ID).count().collectAsList();
      for (Row r : perJourney) {
        int i = Integer.parseInt(r.getString(0).substring(1));
        assertThat(r.getLong(1)).as(r.getString(0)).isEqualTo(i % 5 + 1);
      }
    } finally {
      sample.release();
    }
  }

  @Test
  void theSameSeedKeepsTheSameJourneysWhateverThePartitioningAnotherSeedOthers() {
    PrefixSample one = PrefixSample.of(prefixes(1), 12_000, 3_000, 7);
    PrefixSample eight = PrefixSample.of(prefixes(8), 12_000, 3_000, 7);
    PrefixSample otherSeed = PrefixSample.of(prefixes(1), 12_000, 3_000, 8);
    try {
      List<String> kept = keys(one);
      assertThat(keys(eight)).isEqualTo(kept);
      assertThat(keys(otherSeed)).isNotEqualTo(kept);
    } finally {
      one.release();
      eight.release();
      otherSeed.release();
    }
  }
}
