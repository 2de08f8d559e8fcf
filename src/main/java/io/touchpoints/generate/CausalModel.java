package io.touchpoints.generate;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The planted causal process of {@code generate.causal = true}: which touchpoints a journey is exposed to, and how
 * each exposure changes the chance that the journey converts and that the customer churns, as functions of the
 * customer's attributes ({@link SimulatedCustomer}).
 *
 * <p>A journey starts at an entry touchpoint ({@link #ENTRY}, drawn independently of everything). Each treatment
 * touchpoint k of {@link #TREATMENTS} then happens in the journey with probability {@code propensity(k, x)}, each
 * independently, in random order, 1 minute to 5 days apart. The journey converts with probability
 * {@code baseConversion(x) + sum_k T_k * conversionEffect(k, x)}; the conversion follows the last touch by 5 minutes
 * to 8 hours. Independently, the customer churns with probability {@code baseChurn(x) + sum_k T_k *
 * churnEffect(k, x)}: silently after the journey, or (half of them) with a churn event 1-3 days after its last event,
 * so always within 30 days of the journey's start. Effects are additive on the probability scale, so the effect of one
 * touchpoint does not depend on the others and its average is exact: the difference in probability that
 * {@code touchpoint_effects} estimates. Every probability stays inside (0, 1) for every attribute value.
 *
 * <p>Confounding: engagement raises the chance of product_page and chatbot, lowers that of support_ticket, and raises
 * conversion and lowers churn; tenure raises the chance of email and conversion. web_visit is a randomised
 * experiment (probability 0.5 for everyone). chatbot has no effect at all. product_page and email have effects that
 * differ by plan (heterogeneity a policy can exploit: email for basic customers, product_page for premium ones).
 */
final class CausalModel implements Serializable {
  private static final long serialVersionUID = 1L;

  static final String[] ENTRY = {"display_ad", "paid_search", "organic_search", "social"};
  static final double[] ENTRY_PROBABILITY = {0.3, 0.3, 0.2, 0.2};
  static final String[] TREATMENTS = {"email", "web_visit", "product_page", "chatbot", "support_ticket"};

  static final String CONVERSION = "conversion";
  static final String CHURN = "churn";

  private static final int EMAIL = 0;
  private static final int WEB_VISIT = 1;
  private static final int PRODUCT_PAGE = 2;
  private static final int CHATBOT = 3;
  private static final int SUPPORT_TICKET = 4;

  /** P(journey includes treatment k | attributes). */
  double propensity(int k, SimulatedCustomer x) {
    return switch (k) {
      case EMAIL -> 0.10 + 0.012 * x.tenureMonths();
      case WEB_VISIT -> 0.5;
      case PRODUCT_PAGE -> 0.10 + 0.70 * x.engagement();
      case CHATBOT -> 0.15 + 0.60 * x.engagement();
      case SUPPORT_TICKET -> 0.55 - 0.45 * x.engagement();
      default -> throw new IllegalArgumentException("no treatment " + k);
    };
  }

  /** P(convert | no treatment). */
  double baseConversion(SimulatedCustomer x) {
    return 0.07 + 0.30 * x.engagement() + 0.003 * x.tenureMonths() + (x.premium() ? 0.05 : 0.0);
  }

  double conversionEffect(int k, SimulatedCustomer x) {
    return conversionEffect(k, x.premium());
  }

  private static double conversionEffect(int k, boolean premium) {
    return switch (k) {
      case EMAIL -> premium ? 0.0 : 0.08;
      case WEB_VISIT -> 0.06;
      case PRODUCT_PAGE -> premium ? 0.20 : 0.04;
      case CHATBOT -> 0.0;
      case SUPPORT_TICKET -> -0.06;
      default -> throw new IllegalArgumentException("no treatment " + k);
    };
  }

  /** P(churn within 30 days of the journey's start | no treatment). */
  double baseChurn(SimulatedCustomer x) {
    return 0.16 - 0.08 * x.engagement() - 0.001 * x.tenureMonths();
  }

  double churnEffect(int k) {
    return switch (k) {
      case SUPPORT_TICKET -> 0.10;
      case PRODUCT_PAGE -> -0.02;
      default -> 0.0;
    };
  }

  int treatments() {
    return TREATMENTS.length;
  }

  /** Whether the exposure to treatment k depends on the attributes. */
  static boolean confounded(int k) {
    return k != WEB_VISIT;
  }

  /**
   * The planted effects, one per (treatment, outcome): the average over journeys (plan is independent of everything
   * that decides how many journeys a customer has, so the journey-weighted average is the plan-share average) and
   * the effect per plan.
   */
  List<PlantedTruth.EffectTruth> truth() {
    List<PlantedTruth.EffectTruth> out = new ArrayList<>();
    for (int k = 0; k < TREATMENTS.length; k++) {
      Map<String, Double> conversionBySegment = new LinkedHashMap<>();
      conversionBySegment.put(SimulatedCustomer.PLAN + "=" + SimulatedCustomer.PLAN_BASIC, conversionEffect(k, false));
      conversionBySegment.put(SimulatedCustomer.PLAN + "=" + SimulatedCustomer.PLAN_PREMIUM, conversionEffect(k, true));
      double average = (1 - SimulatedCustomer.PREMIUM_SHARE) * conversionEffect(k, false)
          + SimulatedCustomer.PREMIUM_SHARE * conversionEffect(k, true);
      out.add(new PlantedTruth.EffectTruth(TREATMENTS[k], CONVERSION, average, conversionBySegment, confounded(k)));
      Map<String, Double> churnBySegment = new LinkedHashMap<>();
      churnBySegment.put(SimulatedCustomer.PLAN + "=" + SimulatedCustomer.PLAN_BASIC, churnEffect(k));
      churnBySegment.put(SimulatedCustomer.PLAN + "=" + SimulatedCustomer.PLAN_PREMIUM, churnEffect(k));
      out.add(new PlantedTruth.EffectTruth(TREATMENTS[k], CHURN, churnEffect(k), churnBySegment, confounded(k)));
    }
    return out;
  }
}
