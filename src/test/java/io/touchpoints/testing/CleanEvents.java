package io.touchpoints.testing;

import io.touchpoints.input.EventColumns;
import java.math.BigDecimal;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * Builds clean events (the validator's output shape: typed canonical columns, source file and input order) for
 * journey tests. Rows get their input order from the order they are added in unless given one.
 */
public final class CleanEvents {

  public static final StructType INPUT_ORDER_TYPE = new StructType()
      .add("file", DataTypes.StringType).add("block", DataTypes.LongType).add("row", DataTypes.LongType);
  public static final StructType SCHEMA = EventColumns.SCHEMA
      .add(EventColumns.SOURCE_FILE, DataTypes.StringType)
      .add(EventColumns.INPUT_ORDER, INPUT_ORDER_TYPE);

  private final List<Row> rows = new ArrayList<>();

  /** An event; {@code time} is ISO-8601 UTC ("2024-01-01T10:00:00Z"). */
  public CleanEvents add(String customer, String time, String touchpoint, String type) {
    return add(customer, time, touchpoint, type, null, null, null, null, rows.size());
  }

  public CleanEvents add(String customer, String time, String touchpoint, String type, String eventId,
      String anonymousId, String journeyId, BigDecimal revenue, long inputOrder) {
    rows.add(RowFactory.create(customer, Timestamp.from(Instant.parse(time)), touchpoint, type, null, null,
        revenue, null, null, null, eventId, anonymousId, journeyId, null, "test.csv",
        RowFactory.create("test.csv", 0L, inputOrder)));
    return this;
  }

  /** A survey answer; {@code rated} may be null (then it rates the most recent interaction). */
  public CleanEvents survey(String customer, String time, Integer csat, Integer nps, String rated) {
    rows.add(RowFactory.create(customer, Timestamp.from(Instant.parse(time)), "survey", "survey", null, null,
        null, csat, nps, rated, null, null, null, null, "test.csv",
        RowFactory.create("test.csv", 0L, (long) rows.size())));
    return this;
  }

  /** Sets the channel and stage of every event of {@code touchpoint} added so far (others keep none). */
  public CleanEvents taxonomy(String touchpoint, String channel, String stage) {
    return set(EventColumns.TOUCHPOINT, touchpoint, Map.of(EventColumns.CHANNEL, channel, EventColumns.STAGE, stage));
  }

  /** Sets the segment of every event of {@code customer} added so far. */
  public CleanEvents segment(String customer, String segment) {
    return set(EventColumns.CUSTOMER_ID, customer, Map.of(EventColumns.SEGMENT, segment));
  }

  /**
   * Sets {@code values} (column to value, none null) in every row added so far whose {@code column} equals
   * {@code value}.
   */
  private CleanEvents set(String column, String value, Map<String, Object> values) {
    int at = SCHEMA.fieldIndex(column);
    rows.replaceAll(r -> {
      if (!value.equals(r.getString(at))) {
        return r;
      }
      Object[] changed = new Object[r.size()];
      for (int i = 0; i < changed.length; i++) {
        String name = SCHEMA.fields()[i].name();
        changed[i] = values.containsKey(name) ? values.get(name) : r.get(i);
      }
      return RowFactory.create(changed);
    });
    return this;
  }

  public List<Row> rows() {
    return List.copyOf(rows);
  }

  public Dataset<Row> toDataFrame(SparkSession spark) {
    return spark.createDataFrame(rows, SCHEMA);
  }
}
