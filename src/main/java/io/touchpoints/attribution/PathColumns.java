package io.touchpoints.attribution;

import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/** The aggregated-path form every attribution model reads: one row per distinct path. */
final class PathColumns {
  /** array&lt;string&gt;: the touchpoints in order. */
  public static final String TOUCHPOINTS = "touchpoints";
  /** Conversions of the journeys on this path (double: bootstrap replicates reweight it). */
  public static final String CONVERSIONS = "conversions";
  /** Conversion value (revenue) of those journeys. */
  public static final String VALUE = "value";
  /** Journeys on this path that did not convert. */
  public static final String NULLS = "nulls";

  public static final StructType SCHEMA = new StructType()
      .add(TOUCHPOINTS, DataTypes.createArrayType(DataTypes.StringType, false), false)
      .add(CONVERSIONS, DataTypes.DoubleType, false)
      .add(VALUE, DataTypes.DoubleType, false)
      .add(NULLS, DataTypes.DoubleType, false);

  private PathColumns() {}
}
