package io.touchpoints.effects;

import java.util.List;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/** Columns of the {@code touchpoint_effects} table: one row per (touchpoint, outcome). */
public final class EffectColumns {
  public static final String TOUCHPOINT = "touchpoint";
  /** {@link #CONVERSION} or {@link #CHURN}. */
  public static final String OUTCOME = "outcome";
  /** Journeys with the touchpoint in their exposure window (and the outcome known). */
  public static final String TREATED = "treated";
  /** Journeys without it (and the outcome known). */
  public static final String CONTROL = "control";
  /** Outcome rate of the treated and of the control journeys. */
  public static final String TREATED_RATE = "treated_rate";
  public static final String CONTROL_RATE = "control_rate";
  /** treated_rate - control_rate, with Newcombe's interval: association, not effect. */
  public static final String NAIVE_EFFECT = "naive_effect";
  public static final String NAIVE_EFFECT_LOW = "naive_effect_low";
  public static final String NAIVE_EFFECT_HIGH = "naive_effect_high";
  /** Doubly robust (AIPW, cross-fitted) average effect: a difference in probability; null when skipped. */
  public static final String EFFECT = "effect";
  public static final String EFFECT_LOW = "effect_low";
  public static final String EFFECT_HIGH = "effect_high";
  /** Estimator and nuisance models, e.g. {@code aipw_logistic_regression_2_folds}. */
  public static final String METHOD = "method";
  /** Customers (clusters) behind the interval. */
  public static final String CUSTOMERS = "customers";
  /** Share of journeys whose estimated propensity lies outside the clip range. */
  public static final String OUTSIDE_CLIP_SHARE = "outside_clip_share";
  /** Kish effective sample size of the inverse-propensity weights, treated and control journeys. */
  public static final String EFFECTIVE_TREATED = "effective_treated";
  public static final String EFFECTIVE_CONTROL = "effective_control";
  /** Why no effect was estimated; null when it was. */
  public static final String NOTE = "note";

  public static final String CONVERSION = "conversion";
  public static final String CHURN = "churn";
  /** Outcomes, in table order. */
  public static final List<String> OUTCOMES = List.of(CONVERSION, CHURN);

  public static final StructType SCHEMA = new StructType(new StructField[] {
      field(TOUCHPOINT, DataTypes.StringType),
      field(OUTCOME, DataTypes.StringType),
      field(TREATED, DataTypes.LongType),
      field(CONTROL, DataTypes.LongType),
      field(TREATED_RATE, DataTypes.DoubleType),
      field(CONTROL_RATE, DataTypes.DoubleType),
      field(NAIVE_EFFECT, DataTypes.DoubleType),
      field(NAIVE_EFFECT_LOW, DataTypes.DoubleType),
      field(NAIVE_EFFECT_HIGH, DataTypes.DoubleType),
      field(EFFECT, DataTypes.DoubleType),
      field(EFFECT_LOW, DataTypes.DoubleType),
      field(EFFECT_HIGH, DataTypes.DoubleType),
      field(METHOD, DataTypes.StringType),
      field(CUSTOMERS, DataTypes.LongType),
      field(OUTSIDE_CLIP_SHARE, DataTypes.DoubleType),
      field(EFFECTIVE_TREATED, DataTypes.DoubleType),
      field(EFFECTIVE_CONTROL, DataTypes.DoubleType),
      field(NOTE, DataTypes.StringType),
  });

  private EffectColumns() {}

  private static StructField field(String name, DataType type) {
    return DataTypes.createStructField(name, type, true);
  }
}
