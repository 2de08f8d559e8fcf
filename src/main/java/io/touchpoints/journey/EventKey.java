package io.touchpoints.journey;

import static org.apache.spark.sql.functions.call_function;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.sha2;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.to_json;
import static org.apache.spark.sql.functions.when;

import io.touchpoints.input.EventColumns;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.types.DataTypes;

/**
 * The identity of a stored event, independent of what stitching and journey building made of it.
 *
 * <p>{@link #key()} is the SHA-256 of the event's canonical columns as they came in (before stitching: the customer
 * id the event carried, or none; the journey id it carried, or none), so two rows get the same key exactly when they
 * are exact duplicates. Incremental runs MERGE on it: a re-run of a night inserts nothing. {@link #sourceCustomer()}
 * and {@link #sourceJourney()} give those input values back from a stored event.
 *
 * <p>Assumes customer ids of the form {@code anon:<the event's own anonymous id>} come from stitching, not from the
 * input (the job already treats such a customer and the unclaimed anonymous id as one customer).
 */
public final class EventKey {

  private EventKey() {}

  /** The customer id the event carried in the input (null for an event with only an anonymous id). */
  public static Column sourceCustomer() {
    Column customer = col(EventColumns.CUSTOMER_ID);
    Column anonymous = col(EventColumns.ANONYMOUS_ID);
    Column fromAnonymous = col(JourneyColumns.STITCHED)
        .or(anonymous.isNotNull().and(customer.equalTo(concat(lit(IdentityStitcher.ANONYMOUS_PREFIX), anonymous))));
    return when(fromAnonymous, lit(null).cast(DataTypes.StringType)).otherwise(customer);
  }

  /** The journey id the event carried in the input (null where the job derived it). */
  public static Column sourceJourney() {
    return when(col(JourneyColumns.JOURNEY_GIVEN), col(EventColumns.JOURNEY_ID))
        .otherwise(lit(null).cast(DataTypes.StringType));
  }

  /**
   * The key, from stitched events before journey ids are derived (needs customer_id, stitched and the input's
   * journey_id). Times enter as microseconds, so events a microsecond apart differ.
   */
  public static Column key() {
    List<Column> fields = new ArrayList<>();
    for (String name : EventColumns.NAMES) {
      Column c = switch (name) {
        case EventColumns.CUSTOMER_ID -> sourceCustomer();
        case EventColumns.EVENT_TIME -> call_function("unix_micros", col(name));
        default -> col(name);
      };
      fields.add(c.as(name));
    }
    return sha2(to_json(struct(fields.toArray(Column[]::new))), 256);
  }
}
