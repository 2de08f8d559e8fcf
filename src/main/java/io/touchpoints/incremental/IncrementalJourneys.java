package io.touchpoints.incremental;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

import io.delta.tables.DeltaTable;
import io.touchpoints.input.EventColumns;
import io.touchpoints.pipeline.InputException;
import io.touchpoints.journey.EventKey;
import io.touchpoints.journey.IdentityStitcher;
import io.touchpoints.journey.JourneyBuilder;
import io.touchpoints.journey.JourneyColumns;
import io.touchpoints.tables.DeltaTables;
import io.touchpoints.tables.TableNames;
import java.sql.Date;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * An incremental run's journey stage: adds one night's clean events to the {@code events} kept under the output and
 * rebuilds the journeys of the customers they touch, with Delta {@code MERGE} on both tables.
 *
 * <p>Affected customers: every customer a new event belongs to after stitching, and, for each anonymous id that a
 * new event links to a customer, the customers its stored anonymous events belonged to before and after (an event
 * linking an anonymous id to a known customer moves that id's events). Each affected customer is rebuilt from all of
 * their stored and new events with the same {@link JourneyBuilder} as a full run, so journey ids and numbering,
 * event order, sessions and duplicates are exactly those of a full recompute; everyone else is untouched. The
 * current state is therefore a function of the set of events stored, whatever the order of the nights and however
 * often one is re-run.
 *
 * <p>Writes, in this order: {@code journeys} (one MERGE: delete an affected customer's journeys that no longer exist,
 * update changed ones, insert new ones), then {@code events} (one MERGE on {@link JourneyColumns#EVENT_KEY}: insert
 * new events, update stored events whose customer, order, session or journey changed). Events go last because the
 * affected customers are found from the stored events: a run killed between the two commits is re-run from the
 * same stored events, finds the same customers and completes both.
 *
 * <p>Cost: reads every stored event's key, identity and time once (links and keys: one shuffle each), the
 * affected customers' events and journeys (joins with the affected customers, broadcast when small), and rewrites
 * only the Delta files holding changed rows. Tuning: {@code spark.sql.shuffle.partitions}; customer ids never become
 * literals in a plan.
 */
public final class IncrementalJourneys {

  /** What the night did to the current state. */
  public record Outcome(long nightEvents, long newEvents, long affectedCustomers, long eventsInserted) {}

  private static final String STORED_CUSTOMER = "_stored_customer";
  private static final String ACTION = "_action";

  private final DeltaTables tables;
  private final JourneyBuilder builder;
  private final boolean stitch;
  private final LocalDate runDate;

  public IncrementalJourneys(DeltaTables tables, JourneyBuilder builder, boolean stitch, LocalDate runDate) {
    this.tables = tables;
    this.builder = builder;
    this.stitch = stitch;
    this.runDate = runDate;
  }

  /**
   * Fails with exit code 2 when the output holds full-run snapshots: an incremental run keeps one current state,
   * which a folder of per-run-date snapshots is not.
   */
  public static void requireCurrentLayout(DeltaTables tables, String output) {
    for (String table : List.of(TableNames.EVENTS, TableNames.JOURNEYS)) {
      if (tables.exists(table) && tables.layout(table) != DeltaTables.Layout.CURRENT) {
        throw new InputException("--incremental: the " + table + " table under " + output + " was written by full "
            + "runs (one snapshot per run date); incremental runs keep one current state: give them an output "
            + "folder of their own (the first incremental run loads its input whole)");
      }
    }
  }

  /**
   * Whether events stored by an earlier run date exist: then lateness applies; before that (the first load, or its
   * re-run after a failure) the input is taken whole.
   */
  public static boolean hasEarlierEvents(DeltaTables tables, LocalDate runDate) {
    return tables.exists(TableNames.EVENTS) && !tables.read(TableNames.EVENTS)
        .filter(col(TableNames.RUN_DATE).lt(lit(Date.valueOf(runDate)))).limit(1).isEmpty();
  }

  /**
   * Applies one night.
   *
   * @param night clean events of the night ({@code EventValidator.clean}: canonical columns, source file, input order)
   */
  public Outcome apply(Dataset<Row> night) {
    Dataset<Row> nightRaw = sourceForm(night);
    // Schemas of the two tables, from the plan (nothing runs): created empty, in the current layout, on first use.
    Dataset<Row> probe = builder.orderEvents(IdentityStitcher.stitch(nightRaw, stitch));
    tables.createCurrent(TableNames.EVENTS, JourneyBuilder.eventsTable(probe).schema(),
        JourneyColumns.EVENTS_STATS_COLUMNS);
    tables.createCurrent(TableNames.JOURNEYS, builder.journeys(probe).schema(), JourneyColumns.JOURNEYS_STATS_COLUMNS);

    Dataset<Row> storedTable = tables.read(TableNames.EVENTS).drop(TableNames.RUN_DATE);
    // Stored events back in the form they came in (customer and journey id as given), plus their current customer.
    List<Column> storedCols = new ArrayList<>();
    for (String name : EventColumns.NAMES) {
      storedCols.add(switch (name) {
        case EventColumns.CUSTOMER_ID -> EventKey.sourceCustomer().as(name);
        case EventColumns.JOURNEY_ID -> EventKey.sourceJourney().as(name);
        default -> col(name);
      });
    }
    storedCols.add(col(EventColumns.SOURCE_FILE));
    storedCols.add(col(EventColumns.INPUT_ORDER));
    storedCols.add(col(EventColumns.CUSTOMER_ID).as(STORED_CUSTOMER));
    Dataset<Row> stored = storedTable.select(storedCols.toArray(Column[]::new));
    Dataset<Row> storedRaw = stored.drop(STORED_CUSTOMER);
    Dataset<Row> everything = storedRaw.unionByName(nightRaw);

    long nightEvents = nightRaw.count();
    long newEvents = keyed(nightRaw).select(JourneyColumns.EVENT_KEY).distinct()
        .join(storedTable.select(JourneyColumns.EVENT_KEY), JourneyColumns.EVENT_KEY, "left_anti").count();

    Dataset<Row> affected = affectedCustomers(nightRaw, stored, everything).persist();
    try {
      long affectedCount = affected.count();
      Dataset<Row> rebuild = stored
          .join(affected, stored.col(STORED_CUSTOMER).equalTo(affected.col("_affected")), "left_semi")
          .drop(STORED_CUSTOMER)
          .unionByName(nightRaw);
      Dataset<Row> ordered = builder.orderEvents(IdentityStitcher.stitch(rebuild, everything, stitch)).persist();
      long inserted;
      try {
        mergeJourneys(builder.journeys(ordered), affected);
        inserted = mergeEvents(JourneyBuilder.eventsTable(ordered));
      } finally {
        ordered.unpersist();
      }
      if (inserted != newEvents) {
        throw new IllegalStateException("events MERGE inserted " + inserted + " rows, expected " + newEvents
            + " new events");
      }
      return new Outcome(nightEvents, newEvents, affectedCount, inserted);
    } finally {
      affected.unpersist();
    }
  }

  /** The night's clean events as the journey builder takes them. */
  private static Dataset<Row> sourceForm(Dataset<Row> night) {
    List<Column> cols = new ArrayList<>();
    for (String name : EventColumns.NAMES) {
      cols.add(col(name));
    }
    cols.add(col(EventColumns.SOURCE_FILE));
    cols.add(col(EventColumns.INPUT_ORDER));
    return night.select(cols.toArray(Column[]::new));
  }

  /** Events in source form with their {@link EventKey}. */
  private static Dataset<Row> keyed(Dataset<Row> sourceForm) {
    return sourceForm
        .withColumn(JourneyColumns.STITCHED, lit(false))
        .withColumn(JourneyColumns.JOURNEY_GIVEN, col(EventColumns.JOURNEY_ID).isNotNull())
        .withColumn(JourneyColumns.EVENT_KEY, EventKey.key());
  }

  /** One column {@code _affected}: distinct customer ids (after stitching) whose events change. */
  private Dataset<Row> affectedCustomers(Dataset<Row> nightRaw, Dataset<Row> stored, Dataset<Row> everything) {
    Dataset<Row> customers = IdentityStitcher.stitch(nightRaw, everything, stitch)
        .select(col(EventColumns.CUSTOMER_ID).as("_affected"));
    if (stitch) {
      // Anonymous ids the night links to a customer: their stored anonymous events may move.
      Dataset<Row> linked = nightRaw
          .filter(col(EventColumns.CUSTOMER_ID).isNotNull().and(col(EventColumns.ANONYMOUS_ID).isNotNull()))
          .select(col(EventColumns.ANONYMOUS_ID).as("_anon")).distinct();
      Dataset<Row> moving = stored.filter(col(EventColumns.CUSTOMER_ID).isNull())
          .join(linked, stored.col(EventColumns.ANONYMOUS_ID).equalTo(linked.col("_anon")), "left_semi");
      customers = customers
          .unionByName(moving.select(col(STORED_CUSTOMER).as("_affected")))
          .unionByName(IdentityStitcher.stitch(moving.drop(STORED_CUSTOMER), everything, true)
              .select(col(EventColumns.CUSTOMER_ID).as("_affected")));
    }
    return customers.distinct();
  }

  private void mergeJourneys(Dataset<Row> rebuilt, Dataset<Row> affected) {
    String[] columns = rebuilt.columns();
    Dataset<Row> current = tables.read(TableNames.JOURNEYS);
    Dataset<Row> gone = current
        .join(affected, current.col(JourneyColumns.CUSTOMER_ID).equalTo(affected.col("_affected")), "left_semi")
        .select(JourneyColumns.CUSTOMER_ID, JourneyColumns.JOURNEY_ID)
        .join(rebuilt.select(JourneyColumns.CUSTOMER_ID, JourneyColumns.JOURNEY_ID),
            new String[] {JourneyColumns.CUSTOMER_ID, JourneyColumns.JOURNEY_ID}, "left_anti")
        .withColumn(ACTION, lit("delete"));
    Dataset<Row> source = rebuilt
        .withColumn(TableNames.RUN_DATE, lit(Date.valueOf(runDate)))
        .withColumn(ACTION, lit("upsert"))
        .unionByName(gone, true);
    Map<String, String> set = assignments(columns, true);
    DeltaTable.forPath(tables.path(TableNames.JOURNEYS)).as("t")
        .merge(source.as("s"), "t.`" + JourneyColumns.CUSTOMER_ID + "` = s.`" + JourneyColumns.CUSTOMER_ID
            + "` AND t.`" + JourneyColumns.JOURNEY_ID + "` = s.`" + JourneyColumns.JOURNEY_ID + "`")
        .whenMatched("s." + ACTION + " = 'delete'").delete()
        .whenMatched("s." + ACTION + " = 'upsert' AND NOT (" + unchanged(columns) + ")").updateExpr(set)
        .whenNotMatched("s." + ACTION + " = 'upsert'").insertExpr(set)
        .execute();
    tables.recordWrite(TableNames.JOURNEYS);
  }

  /** MERGE of the rebuilt customers' events; returns the rows inserted (Delta's own count). */
  private long mergeEvents(Dataset<Row> rebuilt) {
    String[] columns = rebuilt.columns();
    Dataset<Row> source = rebuilt.withColumn(TableNames.RUN_DATE, lit(Date.valueOf(runDate)));
    DeltaTable target = DeltaTable.forPath(tables.path(TableNames.EVENTS));
    // A stored event keeps the run date that first stored it; one that moved or was renumbered is updated.
    target.as("t")
        .merge(source.as("s"), "t.`" + JourneyColumns.EVENT_KEY + "` = s.`" + JourneyColumns.EVENT_KEY + "`")
        .whenMatched("NOT (" + unchanged(columns) + ")").updateExpr(assignments(columns, false))
        .whenNotMatched().insertExpr(assignments(columns, true))
        .execute();
    tables.recordWrite(TableNames.EVENTS);
    Row last = target.history(1).select("operation", "operationMetrics").first();
    Map<String, String> metrics = last.getJavaMap(1);
    if (!"MERGE".equals(last.getString(0)) || metrics.get("numTargetRowsInserted") == null) {
      throw new IllegalStateException("cannot read the events MERGE's row counts from the Delta log");
    }
    return Long.parseLong(metrics.get("numTargetRowsInserted"));
  }

  private static Map<String, String> assignments(String[] columns, boolean withRunDate) {
    Map<String, String> set = new LinkedHashMap<>();
    for (String c : columns) {
      set.put("`" + c + "`", "s.`" + c + "`");
    }
    if (withRunDate) {
      set.put("`" + TableNames.RUN_DATE + "`", "s.`" + TableNames.RUN_DATE + "`");
    }
    return set;
  }

  /** Every column equal, nulls included. */
  private static String unchanged(String[] columns) {
    List<String> same = new ArrayList<>();
    for (String c : columns) {
      same.add("t.`" + c + "` <=> s.`" + c + "`");
    }
    return String.join(" AND ", same);
  }
}
