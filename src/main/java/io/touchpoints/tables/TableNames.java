package io.touchpoints.tables;

import java.util.List;

/** The Delta tables under {@code --output DIR}, one folder each. */
public final class TableNames {
  public static final String EVENTS = "events";
  public static final String QUARANTINE = "quarantine";
  public static final String JOURNEYS = "journeys";
  public static final String PATHS = "paths";
  public static final String TOUCHPOINT_METRICS = "touchpoint_metrics";
  public static final String ATTRIBUTION = "attribution";
  public static final String TRANSITIONS = "transitions";
  public static final String REMOVAL_EFFECTS = "removal_effects";
  public static final String MARKOV_ORDER_FIT = "markov_order_fit";
  public static final String RUNS = "runs";
  public static final String MODEL_METRICS = "model_metrics";
  public static final String MODEL_CONFUSION = "model_confusion";
  public static final String NEXT_TOUCHPOINT = "next_touchpoint";
  /** Causal effects per touchpoint and outcome (io.touchpoints.effects). */
  public static final String TOUCHPOINT_EFFECTS = "touchpoint_effects";
  /** Top candidate touchpoints per customer by uplift (io.touchpoints.recommend). */
  public static final String NEXT_BEST_TOUCHPOINT = "next_best_touchpoint";
  /** Evaluation of the uplift scores and of the recommended policy. */
  public static final String UPLIFT_METRICS = "uplift_metrics";
  /** The kinds (numeric, categorical) of the customer attributes a run read, so a later run can be checked. */
  public static final String CUSTOMER_ATTRIBUTE_KINDS = "customer_attribute_kinds";

  /** Every table, in pipeline order. */
  public static final List<String> ALL = List.of(EVENTS, QUARANTINE, JOURNEYS, PATHS, TOUCHPOINT_METRICS,
      ATTRIBUTION, TRANSITIONS, REMOVAL_EFFECTS, MARKOV_ORDER_FIT, MODEL_METRICS, MODEL_CONFUSION, NEXT_TOUCHPOINT,
      CUSTOMER_ATTRIBUTE_KINDS, TOUCHPOINT_EFFECTS, NEXT_BEST_TOUCHPOINT, UPLIFT_METRICS, RUNS);

  /** Column on every table: the run date that wrote the row. */
  public static final String RUN_DATE = "run_date";

  private TableNames() {}
}
