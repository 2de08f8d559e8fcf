/**
 * Multi-touch attribution, the mathematical core: plain Java on the driver, no Spark. Spark aggregates journeys
 * into {@link io.touchpoints.attribution.AggregatedPath}s (or transition counts, {@link
 * io.touchpoints.attribution.TransitionCounts}); the models here share each path's conversions and value out over
 * touchpoints.
 *
 * <ul>
 *   <li>{@link io.touchpoints.attribution.MarkovAttribution}: removal effects of an order-1..4 Markov chain, solved
 *       exactly.</li>
 *   <li>{@link io.touchpoints.attribution.ShapleyAttribution}: simplified Shapley values of touchpoint sets, exact or
 *       by sampled permutations.</li>
 *   <li>{@link io.touchpoints.attribution.HeuristicAttribution}: first/last touch, last non-direct, linear,
 *       position-based and time-decay rules.</li>
 *   <li>{@link io.touchpoints.attribution.PercentileInterval}: percentile bootstrap intervals for any of them.</li>
 * </ul>
 *
 * <p>All results are deterministic: inputs are summed in a canonical order and outputs are sorted by touchpoint.
 */
package io.touchpoints.attribution;
