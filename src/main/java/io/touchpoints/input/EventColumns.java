package io.touchpoints.input;

import java.util.List;
import java.util.Set;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.DecimalType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * The canonical event schema: the one place that names the input columns and their types.
 *
 * <p>Every source, whatever its own column names, is mapped onto these columns (see {@link SourceMapping}) before
 * validation. Only {@link #CUSTOMER_ID} (or {@link #ANONYMOUS_ID}), {@link #EVENT_TIME} and {@link #TOUCHPOINT} are
 * required.
 */
public final class EventColumns {
  public static final String CUSTOMER_ID = "customer_id";
  public static final String EVENT_TIME = "event_time";
  public static final String TOUCHPOINT = "touchpoint";
  public static final String EVENT_TYPE = "event_type";
  public static final String CHANNEL = "channel";
  public static final String STAGE = "stage";
  public static final String REVENUE = "revenue";
  public static final String CSAT = "csat";
  public static final String NPS = "nps";
  public static final String RATED_TOUCHPOINT = "rated_touchpoint";
  public static final String EVENT_ID = "event_id";
  public static final String ANONYMOUS_ID = "anonymous_id";
  public static final String JOURNEY_ID = "journey_id";
  /** Optional free-form segment (e.g. plan, region) carried through for per-segment metrics. */
  public static final String SEGMENT = "segment";

  /** Event types. Anything else is quarantined as {@code UNKNOWN_EVENT_TYPE}. */
  public static final String TYPE_INTERACTION = "interaction";
  public static final String TYPE_CONVERSION = "conversion";
  public static final String TYPE_CHURN = "churn";
  public static final String TYPE_SURVEY = "survey";
  public static final Set<String> EVENT_TYPES = Set.of(TYPE_INTERACTION, TYPE_CONVERSION, TYPE_CHURN, TYPE_SURVEY);

  /** Revenue is money: fixed point, never double. */
  public static final DecimalType REVENUE_TYPE = DataTypes.createDecimalType(18, 4);

  /** Canonical columns in documentation order, with the type each has after validation. */
  public static final StructType SCHEMA = new StructType(new StructField[] {
      field(CUSTOMER_ID, DataTypes.StringType),
      field(EVENT_TIME, DataTypes.TimestampType),
      field(TOUCHPOINT, DataTypes.StringType),
      field(EVENT_TYPE, DataTypes.StringType),
      field(CHANNEL, DataTypes.StringType),
      field(STAGE, DataTypes.StringType),
      field(REVENUE, REVENUE_TYPE),
      field(CSAT, DataTypes.IntegerType),
      field(NPS, DataTypes.IntegerType),
      field(RATED_TOUCHPOINT, DataTypes.StringType),
      field(EVENT_ID, DataTypes.StringType),
      field(ANONYMOUS_ID, DataTypes.StringType),
      field(JOURNEY_ID, DataTypes.StringType),
      field(SEGMENT, DataTypes.StringType),
  });

  public static final List<String> NAMES = List.of(SCHEMA.fieldNames());

  /** A source must provide these (directly, through a mapping, or as a mapping constant). */
  public static final List<String> REQUIRED = List.of(EVENT_TIME, TOUCHPOINT);

  /** Bookkeeping columns added at read time and kept in the quarantine and events tables. */
  public static final String SOURCE_FILE = "source_file";
  /** Position of a row in its input: (file, split start, row within split); orders ties deterministically. */
  public static final String INPUT_ORDER = "input_order";
  /** The source record as read, for quarantine: JSON of the source columns, or the malformed line itself. */
  public static final String RAW_RECORD = "raw_record";
  /**
   * Base64 of the source row's exact bytes where they are not valid in the source's encoding (raw_record then holds
   * them decoded with U+FFFD in place of each bad sequence); null elsewhere.
   */
  public static final String RAW_BYTES = "raw_bytes";

  private EventColumns() {}

  private static StructField field(String name, DataType type) {
    return DataTypes.createStructField(name, type, true);
  }
}
