package io.touchpoints.metrics;

/** Column names of the {@code touchpoint_metrics} table. */
public final class MetricColumns {
  /** Grouping: touchpoint, channel or stage. */
  public static final String DIMENSION = "dimension";
  /** The touchpoint (or channel, or stage) name. */
  public static final String NAME = "name";
  /** The journey segment; null = all segments. */
  public static final String SEGMENT = "segment";

  public static final String CUSTOMERS = "customers";
  public static final String JOURNEYS = "journeys";
  public static final String TOUCHES = "touches";

  public static final String CONVERSIONS = "conversions";
  public static final String CONVERSION_RATE = "conversion_rate";
  public static final String CONVERSION_RATE_WITHOUT = "conversion_rate_without";
  public static final String LIFT = "lift";
  public static final String LIFT_RATIO = "lift_ratio";
  public static final String NEXT_STEP_CONVERSION_RATE = "next_step_conversion_rate";
  public static final String CONVERSIONS_WITHIN_WINDOW = "conversions_within_window";
  public static final String MEDIAN_HOURS_TO_CONVERSION = "median_hours_to_conversion";
  public static final String REVENUE = "revenue";
  public static final String REVENUE_PER_JOURNEY = "revenue_per_journey";

  public static final String EXIT_RATE = "exit_rate";
  public static final String REPEAT_RATE = "repeat_rate";
  public static final String TOUCHES_PER_JOURNEY = "touches_per_journey";

  public static final String CHURN_CUSTOMERS = "churn_customers";
  public static final String CHURNED_CUSTOMERS = "churned_customers";
  public static final String CHURN_RATE = "churn_rate";
  public static final String CHURN_RELATIVE_RISK = "churn_relative_risk";
  public static final String CHURN_LAST_TOUCH_SHARE = "churn_last_touch_share";
  public static final String EXIT_CHURN_JOURNEYS = "exit_churn_journeys";
  public static final String EXIT_CHURN_RATE = "exit_churn_rate";

  public static final String RESPONSES = "responses";
  public static final String CSAT_RESPONSES = "csat_responses";
  public static final String CSAT_MEAN = "csat_mean";
  public static final String SATISFIED_SHARE = "satisfied_share";
  public static final String NPS_RESPONSES = "nps_responses";
  public static final String NPS = "nps";

  /** Which figure groups rest on fewer than min_cell units: conversion, churn, exit_churn, satisfaction, nps. */
  public static final String LOW_SAMPLE = "low_sample";

  public static final String LOW = "_low";
  public static final String HIGH = "_high";

  private MetricColumns() {}
}
