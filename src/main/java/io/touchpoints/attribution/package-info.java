/**
 * Multi-touch attribution. Spark does the work that grows with the data: it builds aggregated paths
 * ({@link io.touchpoints.attribution.PathSource}), computes the rule-based credits
 * ({@link io.touchpoints.attribution.HeuristicCredits}), tallies Markov transitions and touchpoint sets
 * ({@link io.touchpoints.attribution.PathTallies}), and counts and solves the bootstrap replicates
 * ({@link io.touchpoints.attribution.BootstrapCredits}, drawing as {@link io.touchpoints.attribution.BootstrapPaths}
 * does). The exact models then run on the driver over those small, aggregated inputs:
 *
 * <ul>
 *   <li>{@link io.touchpoints.attribution.MarkovAttribution}: removal effects of an order-1..4 Markov chain, solved
 *       exactly.</li>
 *   <li>{@link io.touchpoints.attribution.ShapleyAttribution}: each path's conversions split among its own
 *       touchpoints by their Shapley values over the touchpoint-set conversion rates, exact or by sampled
 *       permutations.</li>
 *   <li>{@link io.touchpoints.attribution.PercentileInterval}: percentile bootstrap intervals.</li>
 * </ul>
 *
 * <p>{@link io.touchpoints.attribution.AttributionRunner} ties them together. All results are deterministic: inputs
 * are summed in a canonical order and outputs are sorted by touchpoint.
 */
package io.touchpoints.attribution;
