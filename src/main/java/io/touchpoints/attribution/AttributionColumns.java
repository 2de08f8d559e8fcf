package io.touchpoints.attribution;

/** Column names of the attribution, transitions and removal_effects tables. */
public final class AttributionColumns {
  // attribution
  public static final String MODEL = "model";
  public static final String TOUCHPOINT = "touchpoint";
  public static final String CONVERSIONS = "conversions";
  public static final String REVENUE = "revenue";
  /** Share of the model's total conversions. */
  public static final String SHARE = "share";
  public static final String CONVERSIONS_LOW = "conversions_low";
  public static final String CONVERSIONS_HIGH = "conversions_high";
  public static final String REVENUE_LOW = "revenue_low";
  public static final String REVENUE_HIGH = "revenue_high";

  // transitions
  public static final String ORDER = "order";
  public static final String FROM_STATE = "from_state";
  public static final String TO_STATE = "to_state";
  public static final String COUNT = "count";
  public static final String PROBABILITY = "probability";

  // removal_effects
  public static final String REMOVAL_EFFECT = "removal_effect";
  public static final String REMOVAL_EFFECT_LOW = "removal_effect_low";
  public static final String REMOVAL_EFFECT_HIGH = "removal_effect_high";
  // markov_order_fit
  public static final String TRAIN_STEPS = "train_steps";
  public static final String HELD_OUT_STEPS = "held_out_steps";
  public static final String LOG_LIKELIHOOD = "log_likelihood";
  public static final String PERPLEXITY = "perplexity";
  public static final String SELECTED = "selected";

  private AttributionColumns() {}
}
