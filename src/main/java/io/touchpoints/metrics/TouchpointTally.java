package io.touchpoints.metrics;

import io.touchpoints.journey.JourneyColumns;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Objects;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * One pass over a partition of journeys and customer status rows ({@link #LAST_EVENT}, {@link #EXPLICIT_CHURN}),
 * sorted by customer, status first, then start time and journey id: the conversion, churn and exit-churn counts of
 * every (dimension, name, segment) group, as partial sums of this partition, plus the counts of each rounded
 * hours-to-conversion value for the exact median. {@link TouchpointMetrics} adds the partitions' rows up.
 *
 * <p>It replaces an explode of every touch into one row per dimension, which was then shuffled three times (per
 * journey, per customer, and joined with the status for the last touch before churning). Everything here is per
 * journey or per customer, and a customer's rows are all in one partition, so partial sums are exact.
 *
 * <p>Definitions, as in the README ("Metrics"), per group:
 * <ul>
 *   <li>per journey with a touch in the group: its conversion, revenue, touches, whether it ends there unconverted,
 *       whether it has two or more touches there, and the touches directly followed by its conversion; hours from
 *       the group's last touch to the conversion (the median's values are rounded to 0.01 h);</li>
 *   <li>per customer with a touch in the group: churned within {@code churn_window} of the first such touch, among
 *       customers whose outcome is observed (window and inactivity both passed before the data's end); the same from
 *       the customer's first touch in any group of the dimension (the relative risk's baseline); and, for customers
 *       who churned, the group of their last touch before churning;</li>
 *   <li>per journey ending at the group: churned after it (explicit churn before the next journey, or a gap longer
 *       than {@code churn_inactivity}, or silence until the data's end), among journeys ended before the cutoff.</li>
 * </ul>
 * Times compare in microseconds; durations are whole seconds apart, as Spark's {@code unix_seconds} gives them.
 * Memory: one customer's journeys, and per partition one tally per group and one count per distinct rounded hour.
 */
final class TouchpointTally implements MapPartitionsFunction<Row, Row> {

  private static final long serialVersionUID = 1L;

  /** Input: true on the customer's status row, which sorts before their journeys; false on journeys. */
  static final String IS_STATUS = "_is_status";
  /** Input: the customer's last event of any kind (status rows). */
  static final String LAST_EVENT = "_last_event";
  /** Input: the customer's first explicit churn event, or null (status rows). */
  static final String EXPLICIT_CHURN = "_explicit_churn";

  static final String REVENUE_SUM = "_revenue";
  static final String EXITS = "_exits";
  static final String REPEATS = "_repeats";
  static final String NEXT_CONVERSIONS = "_next_conversions";
  static final String BASE_CUSTOMERS = "_base_customers";
  static final String BASE_CHURNED = "_base_churned";
  static final String LAST_OF = "_last_of";
  static final String EXIT_CHURNED = "_exit_churned";
  static final String HOURS = "_hours";
  static final String HOURS_COUNT = "_hours_count";

  /** Long columns of the output, in order, after dimension, name and segment. */
  static final List<String> COUNTS = List.of(MetricColumns.CUSTOMERS, MetricColumns.JOURNEYS, MetricColumns.TOUCHES,
      MetricColumns.CONVERSIONS, MetricColumns.CONVERSIONS_WITHIN_WINDOW, EXITS, REPEATS, NEXT_CONVERSIONS,
      MetricColumns.CHURN_CUSTOMERS, MetricColumns.CHURNED_CUSTOMERS, BASE_CUSTOMERS, BASE_CHURNED, LAST_OF,
      MetricColumns.EXIT_CHURN_JOURNEYS, EXIT_CHURNED);

  private final String[] dimensions;
  private final boolean bySegment;
  private final String allSegments;
  private final long conversionWindowSeconds;
  private final long churnWindowSeconds;
  private final long churnInactivitySeconds;
  private final long cutoffMicros;

  private final int customer;
  private final int startTime;
  private final int endTime;
  private final int touchpoints;
  private final int touches;
  private final int converted;
  private final int conversionTime;
  private final int revenue;
  private final int segment;
  private final int isStatus;
  private final int lastEvent;
  private final int explicitChurn;
  private final int touchTime;
  private final int[] touchName;

  /**
   * @param input schema of the sorted rows: the journeys table's columns used here and the status columns
   * @param allSegments segment key of the all-customers groups
   * @param churnCutoff data end minus {@code churn_inactivity}
   */
  TouchpointTally(StructType input, MetricsSettings settings, String allSegments, Timestamp churnCutoff) {
    this.dimensions = settings.dimensions().toArray(String[]::new);
    this.bySegment = settings.segmentBreakdown();
    this.allSegments = allSegments;
    this.conversionWindowSeconds = settings.conversionWindow().toSeconds();
    this.churnWindowSeconds = settings.churnWindow().toSeconds();
    this.churnInactivitySeconds = settings.churnInactivity().toSeconds();
    this.cutoffMicros = micros(churnCutoff);
    this.customer = input.fieldIndex(JourneyColumns.CUSTOMER_ID);
    this.startTime = input.fieldIndex(JourneyColumns.START_TIME);
    this.endTime = input.fieldIndex(JourneyColumns.END_TIME);
    this.touchpoints = input.fieldIndex(JourneyColumns.TOUCHPOINTS);
    this.touches = input.fieldIndex(JourneyColumns.TOUCHES);
    this.converted = input.fieldIndex(JourneyColumns.CONVERTED);
    this.conversionTime = input.fieldIndex(JourneyColumns.CONVERSION_TIME);
    this.revenue = input.fieldIndex(JourneyColumns.REVENUE);
    this.segment = input.fieldIndex(JourneyColumns.SEGMENT);
    this.isStatus = input.fieldIndex(IS_STATUS);
    this.lastEvent = input.fieldIndex(LAST_EVENT);
    this.explicitChurn = input.fieldIndex(EXPLICIT_CHURN);
    StructType touch = (StructType) ((ArrayType) input.apply(JourneyColumns.TOUCHPOINTS).dataType()).elementType();
    this.touchTime = touch.fieldIndex("event_time");
    this.touchName = new int[dimensions.length];
    for (int d = 0; d < dimensions.length; d++) {
      touchName[d] = touch.fieldIndex(dimensions[d]);
    }
  }

  /** The output schema: dimension, name, segment key, {@link #COUNTS}, revenue, then the median's value counts. */
  static StructType outputSchema(String segmentColumn) {
    List<StructField> fields = new ArrayList<>();
    fields.add(DataTypes.createStructField(MetricColumns.DIMENSION, DataTypes.StringType, false));
    fields.add(DataTypes.createStructField(MetricColumns.NAME, DataTypes.StringType, false));
    fields.add(DataTypes.createStructField(segmentColumn, DataTypes.StringType, false));
    COUNTS.forEach(c -> fields.add(DataTypes.createStructField(c, DataTypes.LongType, false)));
    // Sums of decimal(18, 4) revenues: 38 digits cannot overflow before Spark's own sum would.
    fields.add(DataTypes.createStructField(REVENUE_SUM, DataTypes.createDecimalType(38, 4), true));
    fields.add(DataTypes.createStructField(HOURS, DataTypes.DoubleType, true));
    fields.add(DataTypes.createStructField(HOURS_COUNT, DataTypes.LongType, true));
    return DataTypes.createStructType(fields);
  }

  /** A group: index into the dimensions, name, segment key. */
  private record Group(int dimension, String name, String segment) {}

  /** A dimension and segment key: the relative risk's baseline and the last-touch share are per customer in it. */
  private record DimensionSegment(int dimension, String segment) {}

  /** Partial sums of one group in this partition. */
  private static final class Tally {
    final long[] counts = new long[COUNTS.size()];
    BigDecimal revenue;
    /** Rounded hours to conversion: how many journeys. */
    final Map<Double, long[]> hours = new HashMap<>();
  }

  private static final int CUSTOMERS = 0;
  private static final int JOURNEYS = 1;
  private static final int TOUCHES = 2;
  private static final int CONVERSIONS = 3;
  private static final int WITHIN_WINDOW = 4;
  private static final int EXITS_AT = 5;
  private static final int REPEATS_AT = 6;
  private static final int NEXT_CONVERSIONS_AT = 7;
  private static final int CHURN_CUSTOMERS = 8;
  private static final int CHURNED = 9;
  private static final int BASE_CUSTOMERS_AT = 10;
  private static final int BASE_CHURNED_AT = 11;
  private static final int LAST_OF_AT = 12;
  private static final int EXIT_JOURNEYS = 13;
  private static final int EXIT_CHURNED_AT = 14;

  @Override
  public Iterator<Row> call(Iterator<Row> rows) {
    Map<Group, Tally> tallies = new LinkedHashMap<>();
    List<Row> journeys = new ArrayList<>();
    Row status = null;
    String current = null;
    while (rows.hasNext()) {
      Row row = rows.next();
      String id = row.getString(customer);
      if (!Objects.equals(current, id)) {
        if (!journeys.isEmpty()) {
          addCustomer(status, journeys, tallies);
          journeys.clear();
        }
        status = null;
        current = id;
      }
      if (row.getBoolean(isStatus)) {
        status = row;
      } else {
        journeys.add(row);
      }
    }
    if (!journeys.isEmpty()) {
      addCustomer(status, journeys, tallies);
    }
    return output(tallies);
  }

  /** Per-customer state of one group. */
  private static final class Held {
    /** First touch in the group, microseconds; Long.MAX_VALUE while none has a time. */
    long firstTouch = Long.MAX_VALUE;
  }

  /** The latest touch before churning in a dimension and segment: its time and name. */
  private static final class Latest {
    long time = Long.MIN_VALUE;
    String name;
  }

  /** Adds one customer's journeys, with their status row (null when the events table has none). */
  private void addCustomer(Row status, List<Row> journeys, Map<Group, Tally> tallies) {
    boolean hasStatus = status != null && !status.isNullAt(lastEvent);
    long lastEventMicros = hasStatus ? micros(status.get(lastEvent)) : 0;
    Long explicitMicros = hasStatus && !status.isNullAt(explicitChurn) ? micros(status.get(explicitChurn)) : null;
    // Explicit churn, else the last event once the inactivity period has passed before the data's end.
    Long churnMicros = explicitMicros != null ? explicitMicros
        : hasStatus && lastEventMicros <= cutoffMicros ? Long.valueOf(lastEventMicros) : null;

    // Start of the next journey with touches, for the exit churn of each journey.
    Long[] nextStart = new Long[journeys.size()];
    Long following = null;
    for (int j = journeys.size() - 1; j >= 0; j--) {
      nextStart[j] = following;
      Row journey = journeys.get(j);
      if (((Number) journey.get(touches)).longValue() > 0) {
        following = journey.isNullAt(startTime) ? null : micros(journey.get(startTime));
      }
    }

    Map<Group, Held> held = new LinkedHashMap<>();
    Map<DimensionSegment, Latest> latest = new HashMap<>();
    for (int j = 0; j < journeys.size(); j++) {
      Row journey = journeys.get(j);
      List<Row> touchList = journey.isNullAt(touchpoints) ? List.of() : journey.getList(touchpoints);
      int n = touchList.size();
      if (n == 0) {
        continue;
      }
      String[] segments = segmentsOf(journey);
      Boolean isConverted = journey.isNullAt(converted) ? null : journey.getBoolean(converted);
      boolean convertedTrue = Boolean.TRUE.equals(isConverted);
      boolean convertedFalse = Boolean.FALSE.equals(isConverted);
      Long conversionMicros = journey.isNullAt(conversionTime) ? null : micros(journey.get(conversionTime));
      BigDecimal journeyRevenue = journey.isNullAt(revenue) ? null : journey.getDecimal(revenue);

      Long[] times = new Long[n];
      for (int i = 0; i < n; i++) {
        Row touch = touchList.get(i);
        times[i] = touch.isNullAt(touchTime) ? null : micros(touch.get(touchTime));
      }
      // The conversion comes after this touch and before the next one.
      boolean[] nextConverts = new boolean[n];
      for (int i = 0; i < n; i++) {
        Long next = i + 1 < n ? times[i + 1] : null;
        nextConverts[i] = convertedTrue && conversionMicros != null && times[i] != null
            && conversionMicros >= times[i] && (next == null || conversionMicros < next);
      }

      for (int d = 0; d < dimensions.length; d++) {
        Map<String, JourneyGroup> names = new LinkedHashMap<>();
        for (int i = 0; i < n; i++) {
          Row touch = touchList.get(i);
          String name = touch.isNullAt(touchName[d]) ? null : touch.getString(touchName[d]);
          if (name == null) {
            continue;
          }
          JourneyGroup g = names.computeIfAbsent(name, k -> new JourneyGroup());
          g.touches++;
          if (times[i] != null) {
            g.lastTouch = g.lastTouch == null ? times[i] : Math.max(g.lastTouch, times[i]);
            g.firstTouch = Math.min(g.firstTouch, times[i]);
          }
          g.endsHere |= i == n - 1;
          g.nextConversions += nextConverts[i] ? 1 : 0;
          if (churnMicros != null && times[i] != null && times[i] <= churnMicros) {
            for (String seg : segments) {
              // Ties at the same time go to the later touch in journey order.
              Latest l = latest.computeIfAbsent(new DimensionSegment(d, seg), k -> new Latest());
              if (times[i] >= l.time) {
                l.time = times[i];
                l.name = name;
              }
            }
          }
        }
        for (Map.Entry<String, JourneyGroup> e : names.entrySet()) {
          JourneyGroup g = e.getValue();
          for (String seg : segments) {
            Group key = new Group(d, e.getKey(), seg);
            Tally tally = tallies.computeIfAbsent(key, k -> new Tally());
            long[] c = tally.counts;
            c[JOURNEYS]++;
            c[TOUCHES] += g.touches;
            if (convertedTrue) {
              c[CONVERSIONS]++;
            }
            if (convertedTrue && conversionMicros != null && g.lastTouch != null) {
              double hours = (seconds(conversionMicros) - seconds(g.lastTouch)) / 3600.0;
              if (hours >= 0) {
                if (hours <= conversionWindowSeconds / 3600.0) {
                  c[WITHIN_WINDOW]++;
                }
                tally.hours.computeIfAbsent(roundHours(hours), k -> new long[1])[0]++;
              }
            }
            if (journeyRevenue != null) {
              tally.revenue = tally.revenue == null ? journeyRevenue : tally.revenue.add(journeyRevenue);
            }
            if (g.endsHere && convertedFalse) {
              c[EXITS_AT]++;
            }
            if (g.touches >= 2) {
              c[REPEATS_AT]++;
            }
            c[NEXT_CONVERSIONS_AT] += g.nextConversions;
            Held h = held.computeIfAbsent(key, k -> new Held());
            h.firstTouch = Math.min(h.firstTouch, g.firstTouch);
          }
        }
        // Exit churn: journeys (with touches) ending at the group, once the inactivity period has passed after them.
        Row lastTouch = touchList.get(n - 1);
        boolean hasEnd = !journey.isNullAt(endTime);
        if (hasStatus && hasEnd && !lastTouch.isNullAt(touchName[d])
            && ((Number) journey.get(touches)).longValue() > 0) {
          long end = micros(journey.get(endTime));
          if (end <= cutoffMicros) {
            Long next = nextStart[j];
            boolean explicitAfter = explicitMicros != null && explicitMicros >= end
                && (next == null || explicitMicros < next);
            boolean gap = next != null && seconds(next) - seconds(end) > churnInactivitySeconds;
            boolean silent = next == null;
            for (String seg : segments) {
              long[] c = tallies.get(new Group(d, lastTouch.getString(touchName[d]), seg)).counts;
              c[EXIT_JOURNEYS]++;
              if (explicitAfter || gap || silent) {
                c[EXIT_CHURNED_AT]++;
              }
            }
          }
        }
      }
    }

    // Customer level.
    Map<DimensionSegment, Long> baseFirstTouch = new LinkedHashMap<>();
    Map<DimensionSegment, Group> baseGroup = new HashMap<>();
    for (Map.Entry<Group, Held> e : held.entrySet()) {
      Group key = e.getKey();
      long[] c = tallies.get(key).counts;
      c[CUSTOMERS]++;
      if (!hasStatus) {
        continue;
      }
      long firstTouch = e.getValue().firstTouch;
      churn(c, firstTouch, lastEventMicros, explicitMicros, CHURN_CUSTOMERS, CHURNED);
      DimensionSegment ds = new DimensionSegment(key.dimension(), key.segment());
      baseFirstTouch.merge(ds, firstTouch, Math::min);
      baseGroup.putIfAbsent(ds, key);
    }
    // The baseline is summed over the dimension and segment's groups later: any of the customer's groups holds it.
    baseFirstTouch.forEach((ds, firstTouch) -> churn(tallies.get(baseGroup.get(ds)).counts, firstTouch,
        lastEventMicros, explicitMicros, BASE_CUSTOMERS_AT, BASE_CHURNED_AT));
    latest.forEach((ds, l) -> tallies.get(new Group(ds.dimension(), l.name, ds.segment())).counts[LAST_OF_AT]++);
  }

  /** Per-journey state of one group's touches. */
  private static final class JourneyGroup {
    long touches;
    Long lastTouch;
    long firstTouch = Long.MAX_VALUE;
    boolean endsHere;
    long nextConversions;
  }

  /**
   * Churned within the window from {@code firstTouch}, counted among observed customers: the outcome is known once the
   * window and the inactivity period have both passed before the data's end, for churners and stayers alike.
   */
  private void churn(long[] c, long firstTouch, long lastEventMicros, Long explicitMicros, int observedAt,
      int churnedAt) {
    if (firstTouch == Long.MAX_VALUE) {
      return;
    }
    long tau = seconds(firstTouch);
    long windowEnd = tau + churnWindowSeconds;
    if (windowEnd > seconds(cutoffMicros)) {
      return;
    }
    c[observedAt]++;
    long explicit = explicitMicros == null ? 0 : seconds(explicitMicros);
    if (seconds(lastEventMicros) <= windowEnd || explicitMicros != null && explicit >= tau && explicit <= windowEnd) {
      c[churnedAt]++;
    }
  }

  private String[] segmentsOf(Row journey) {
    if (bySegment && !journey.isNullAt(segment)) {
      return new String[] {allSegments, journey.getString(segment)};
    }
    return new String[] {allSegments};
  }

  /** The partition's rows, built as they are read: one per group, then one per distinct rounded hour. */
  private Iterator<Row> output(Map<Group, Tally> tallies) {
    Iterator<Map.Entry<Group, Tally>> groups = tallies.entrySet().iterator();
    return new Iterator<>() {
      private Object[] key;
      private Iterator<Map.Entry<Double, long[]>> hours = Collections.emptyIterator();

      @Override
      public boolean hasNext() {
        return hours.hasNext() || groups.hasNext();
      }

      @Override
      public Row next() {
        if (hours.hasNext()) {
          Map.Entry<Double, long[]> h = hours.next();
          Object[] values = emptyRow(key);
          values[values.length - 2] = h.getKey();
          values[values.length - 1] = h.getValue()[0];
          return RowFactory.create(values);
        }
        if (!groups.hasNext()) {
          throw new NoSuchElementException();
        }
        Map.Entry<Group, Tally> e = groups.next();
        Group g = e.getKey();
        Tally t = e.getValue();
        key = new Object[] {dimensions[g.dimension()], g.name(), g.segment()};
        hours = t.hours.entrySet().iterator();
        Object[] values = emptyRow(key);
        for (int i = 0; i < COUNTS.size(); i++) {
          values[3 + i] = t.counts[i];
        }
        values[3 + COUNTS.size()] = t.revenue;
        return RowFactory.create(values);
      }
    };
  }

  private static Object[] emptyRow(Object[] key) {
    Object[] values = new Object[3 + COUNTS.size() + 3];
    System.arraycopy(key, 0, values, 0, 3);
    for (int i = 0; i < COUNTS.size(); i++) {
      values[3 + i] = 0L;
    }
    return values;
  }

  /** Spark's {@code round(x, 2)} on a double: half up on its shortest decimal representation. */
  static double roundHours(double hours) {
    return BigDecimal.valueOf(hours).setScale(2, RoundingMode.HALF_UP).doubleValue();
  }

  /** Microseconds since the epoch of a timestamp value (java.time.Instant when the Java 8 API is on). */
  private static long micros(Object value) {
    Instant i = value instanceof Instant instant ? instant : ((Timestamp) value).toInstant();
    return i.getEpochSecond() * 1_000_000L + i.getNano() / 1_000;
  }

  /** Whole seconds, as {@code unix_seconds} truncates (towards negative infinity). */
  private static long seconds(long micros) {
    return Math.floorDiv(micros, 1_000_000L);
  }
}
