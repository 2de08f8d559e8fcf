package io.touchpoints.journey;

import io.touchpoints.input.EventColumns;
import java.sql.Timestamp;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Objects;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * One pass over a partition of events sorted by customer, event_time, event_id and input order (nulls first, as
 * {@link JourneyBuilder#orderEvents} sorts them): flags exact duplicates, numbers each customer's events, cuts
 * journeys and sessions. It replaces four window functions, each of which sorted every event again.
 *
 * <p>Per customer, in that order:
 * <ul>
 *   <li>a row is a duplicate when an earlier row has the same value in every canonical column and in
 *       {@code stitched}; such rows share event_time and event_id, so they sit in one run of equal (time, id), and
 *       the first in input order is the one kept;</li>
 *   <li>{@code event_seq} numbers the kept rows 1, 2, ... (duplicates are numbered among themselves);</li>
 *   <li>a kept interaction or conversion without a given journey_id starts a journey when it is the customer's
 *       first such event, follows a conversion, or comes more than {@code inactivityTimeout} after the previous
 *       one; its journey_id is {@code customer:n};</li>
 *   <li>{@code session_index} counts, within each journey (given or derived), the gaps longer than
 *       {@code sessionGap} plus one; null outside journeys.</li>
 * </ul>
 * Memory: one customer's distinct journey ids and one run of equal (time, id) at a time.
 */
final class JourneyAssigner implements MapPartitionsFunction<Row, Row> {

  private static final long serialVersionUID = 1L;

  private final int customer;
  private final int time;
  private final int eventId;
  private final int type;
  private final int journeyId;
  private final int[] identity;
  private final int width;
  private final long inactivityMicros;
  private final long sessionGapMicros;

  /**
   * @param input schema of the sorted rows; the output appends {@link JourneyColumns#IS_DUPLICATE},
   *     {@link JourneyColumns#EVENT_SEQ} and {@link JourneyColumns#SESSION_INDEX} and rewrites journey_id
   */
  JourneyAssigner(StructType input, Duration inactivityTimeout, Duration sessionGap) {
    this.customer = input.fieldIndex(EventColumns.CUSTOMER_ID);
    this.time = input.fieldIndex(EventColumns.EVENT_TIME);
    this.eventId = input.fieldIndex(EventColumns.EVENT_ID);
    this.type = input.fieldIndex(EventColumns.EVENT_TYPE);
    this.journeyId = input.fieldIndex(EventColumns.JOURNEY_ID);
    List<String> names = new ArrayList<>(EventColumns.NAMES);
    names.add(JourneyColumns.STITCHED);
    this.identity = names.stream().mapToInt(input::fieldIndex).toArray();
    this.width = input.size();
    this.inactivityMicros = inactivityTimeout.toNanos() / 1000;
    this.sessionGapMicros = sessionGap.toNanos() / 1000;
  }

  /** The output schema for {@code input}. */
  static StructType outputSchema(StructType input) {
    return input
        .add(JourneyColumns.IS_DUPLICATE, DataTypes.BooleanType, false)
        .add(JourneyColumns.EVENT_SEQ, DataTypes.IntegerType, false)
        .add(JourneyColumns.SESSION_INDEX, DataTypes.LongType, true);
  }

  @Override
  public Iterator<Row> call(Iterator<Row> rows) {
    return new Iterator<>() {
      private Object currentCustomer;
      private boolean first = true;
      // Per customer.
      private int keptSeq;
      private int duplicateSeq;
      private long journeyNo;
      private Long lastDerivedMicros;
      private boolean lastDerivedConversion;
      private final Map<String, long[]> sessions = new HashMap<>(); // journey id -> {last time micros, sessions}
      // The current run of equal (time, id): the kept rows seen so far in it.
      private final List<Row> run = new ArrayList<>();

      @Override
      public boolean hasNext() {
        return rows.hasNext();
      }

      @Override
      public Row next() {
        if (!rows.hasNext()) {
          throw new NoSuchElementException();
        }
        Row row = rows.next();
        if (first || !Objects.equals(row.get(customer), currentCustomer)) {
          first = false;
          currentCustomer = row.get(customer);
          keptSeq = 0;
          duplicateSeq = 0;
          journeyNo = 0;
          lastDerivedMicros = null;
          lastDerivedConversion = false;
          sessions.clear();
          run.clear();
        } else if (!run.isEmpty() && !(Objects.equals(row.get(time), run.get(0).get(time))
            && Objects.equals(row.get(eventId), run.get(0).get(eventId)))) {
          run.clear();
        }
        boolean duplicate = false;
        for (Row earlier : run) {
          if (sameIdentity(earlier, row)) {
            duplicate = true;
            break;
          }
        }
        Object[] out = new Object[width + 3];
        for (int i = 0; i < width; i++) {
          out[i] = row.get(i);
        }
        out[width] = duplicate;
        if (duplicate) {
          out[width + 1] = ++duplicateSeq;
          out[width + 2] = null;
          return RowFactory.create(out);
        }
        run.add(row);
        out[width + 1] = ++keptSeq;
        String eventType = row.getString(type);
        boolean conversion = EventColumns.TYPE_CONVERSION.equals(eventType);
        boolean inJourney = conversion || EventColumns.TYPE_INTERACTION.equals(eventType);
        Long micros = row.isNullAt(time) ? null : micros(row.getTimestamp(time));
        String journey = row.getString(journeyId);
        if (inJourney && journey == null) {
          boolean starts = lastDerivedMicros == null || lastDerivedConversion
              || (micros != null && micros - lastDerivedMicros > inactivityMicros);
          if (starts) {
            journeyNo++;
          }
          lastDerivedMicros = micros;
          lastDerivedConversion = conversion;
          journey = currentCustomer == null ? null : currentCustomer + ":" + journeyNo;
          out[journeyId] = journey;
        }
        if (inJourney && journey != null) {
          long[] state = sessions.get(journey);
          if (state == null) {
            state = new long[] {micros == null ? Long.MIN_VALUE : micros, 1};
            sessions.put(journey, state);
          } else {
            if (micros != null && state[0] != Long.MIN_VALUE && micros - state[0] > sessionGapMicros) {
              state[1]++;
            }
            state[0] = micros == null ? Long.MIN_VALUE : micros;
          }
          out[width + 2] = state[1];
        } else {
          out[width + 2] = null;
        }
        return RowFactory.create(out);
      }
    };
  }

  private boolean sameIdentity(Row a, Row b) {
    for (int i : identity) {
      if (!Objects.equals(a.get(i), b.get(i))) {
        return false;
      }
    }
    return true;
  }

  /** Microseconds since the epoch, as Spark stores a timestamp. */
  static long micros(Timestamp t) {
    return Math.floorDiv(t.getTime(), 1000L) * 1_000_000L + t.getNanos() / 1000;
  }
}
