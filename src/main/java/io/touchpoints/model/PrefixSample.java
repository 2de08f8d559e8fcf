package io.touchpoints.model;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.pmod;
import static org.apache.spark.sql.functions.xxhash64;

import java.util.Locale;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.storage.StorageLevel;

/**
 * The prefixes of one split that the classifiers fit on or every model is scored on: all of them up to
 * {@code model.max_prefixes}, beyond it a seeded sample of whole journeys, so that fitting and scoring cost what the
 * models learn from, not what the log holds. Journeys are kept by a hash of their id and the seed: the same journeys
 * whatever the partitioning, and all prefixes of a kept journey together (the bootstrap intervals resample journeys).
 * A sample is cached until {@link #release()}.
 *
 * @param rows the prefixes kept
 * @param count how many were kept
 * @param of how many the split has
 */
record PrefixSample(Dataset<Row> rows, long count, long of) {

  private static final long BUCKETS = 1L << 30;

  /** All of {@code prefixes} ({@code count} of them) when at most {@code max} (or max = 0), else a sample. */
  static PrefixSample of(Dataset<Row> prefixes, long count, long max, long seed) {
    if (max == 0 || count <= max) {
      return new PrefixSample(prefixes, count, count);
    }
    long kept = (long) Math.floor((double) max / count * BUCKETS);
    Dataset<Row> sample = prefixes
        .filter(pmod(xxhash64(col(ModelColumns.JOURNEY_ID), lit(seed)), lit(BUCKETS)).lt(lit(kept)))
        .persist(StorageLevel.MEMORY_AND_DISK());
    return new PrefixSample(sample, sample.count(), count);
  }

  boolean sampled() {
    return count < of;
  }

  /** E.g. "a seeded sample of 200,112 of the 3,356,200 training prefixes", or "" when not sampled. */
  String describe(String split) {
    return sampled() ? String.format(Locale.ROOT, "a seeded sample of %,d of the %,d %s prefixes (model.max_prefixes)",
        count, of, split) : "";
  }

  void release() {
    if (sampled()) {
      rows.unpersist();
    }
  }
}
