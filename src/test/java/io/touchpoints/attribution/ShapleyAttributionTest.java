package io.touchpoints.attribution;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** Per-path Shapley splits worked by hand, and the sampled branch against the exact one above the exact limit. */
class ShapleyAttributionTest {

  private static final double EXACT = 1e-12;

  private static Map<String, ShapleyAttribution.Credit> byTouchpoint(ShapleyAttribution.Result result) {
    return result.credits().stream()
        .collect(Collectors.toMap(ShapleyAttribution.Credit::touchpoint, Function.identity()));
  }

  @Test
  void aOneTouchPathCreditsItsTouchpointFully() {
    // Whatever the rates (3/4 and 1/4), each single-touch path's conversions go to its one touchpoint.
    ShapleyAttribution.Result result = new ShapleyAttribution().attribute(List.of(
        AggregatedPath.of(3, 30, 1, "A"),
        AggregatedPath.of(1, 5, 3, "B"),
        AggregatedPath.of(0, 0, 9, "C")));
    Map<String, ShapleyAttribution.Credit> credit = byTouchpoint(result);
    assertThat(credit.get("A").conversions()).as("A").isCloseTo(3, within(EXACT));
    assertThat(credit.get("A").value()).as("A value").isCloseTo(30, within(EXACT));
    assertThat(credit.get("B").conversions()).as("B").isCloseTo(1, within(EXACT));
    assertThat(credit.get("C").conversions()).as("C never converts").isZero();
    assertThat(result.exactPaths()).as("converting sets").isEqualTo(2);
  }

  @Test
  void aTwoTouchPathIsSplitByTheShapleyValuesOfItsOwnTouchpoints() {
    // v({A}) = 1/4, v({B}) = 1/2, v({A,B}) = 3/4 (order within a journey ignored: A > B and B > A are one set).
    // Path {A,B}: φ_A = 1/2 · (1/4 − 0) + 1/2 · (3/4 − 1/2) = 1/4; φ_B = 1/2 · 1/2 + 1/2 · (3/4 − 1/4) = 1/2.
    // Its 3 conversions and 30 of value: A 1/3 (1, 10), B 2/3 (2, 20). Single paths: A (1, 4), B (1, 6).
    List<AggregatedPath> paths = List.of(
        AggregatedPath.of(1, 4, 3, "A"),
        AggregatedPath.of(1, 6, 1, "B"),
        AggregatedPath.of(2, 20, 0, "A", "B"),
        AggregatedPath.of(1, 10, 1, "B", "A", "B"));
    ShapleyAttribution shapley = new ShapleyAttribution();
    ShapleyAttribution.PathSplit split = shapley.split(paths, List.of("B", "A"));
    assertThat(split.touchpoints()).as("sorted set").containsExactly("A", "B");
    assertThat(split.values()[0]).as("φ_A").isCloseTo(0.25, within(EXACT));
    assertThat(split.values()[1]).as("φ_B").isCloseTo(0.5, within(EXACT));
    Map<String, ShapleyAttribution.Credit> credit = byTouchpoint(shapley.attribute(paths));
    assertThat(credit.get("A").conversions()).as("A").isCloseTo(2, within(EXACT));
    assertThat(credit.get("B").conversions()).as("B").isCloseTo(3, within(EXACT));
    assertThat(credit.get("A").value()).as("A value").isCloseTo(14, within(EXACT));
    assertThat(credit.get("B").value()).as("B value").isCloseTo(26, within(EXACT));
    assertThat(credit.get("A").standardError()).as("exact: no standard error").isZero();
  }

  @Test
  void aTouchpointThatLowersItsPathsRateGetsNothingOfThatPath() {
    // v({A}) = 0/4, v({B}) = 4/5, v({A,B}) = 1/5. Path {A,B}: φ_A = 1/2 · 0 + 1/2 · (1/5 − 4/5) = −3/10,
    // φ_B = 1/2 · 4/5 + 1/2 · 1/5 = 1/2: B gets its 1 conversion. B: 4 + 1 = 5, A: 0.
    List<AggregatedPath> paths = List.of(
        AggregatedPath.of(0, 0, 4, "A"),
        AggregatedPath.of(4, 40, 1, "B"),
        AggregatedPath.of(1, 10, 4, "A", "B"));
    ShapleyAttribution shapley = new ShapleyAttribution();
    assertThat(shapley.split(paths, List.of("A", "B")).values()[0]).as("φ_A").isCloseTo(-0.3, within(EXACT));
    Map<String, ShapleyAttribution.Credit> credit = byTouchpoint(shapley.attribute(paths));
    assertThat(credit.get("A").conversions()).as("A").isZero();
    assertThat(credit.get("B").conversions()).as("B").isCloseTo(5, within(EXACT));
    assertThat(credit.get("B").value()).as("B value").isCloseTo(50, within(EXACT));
  }

  @Test
  void coalitionsNoJourneyHasAreWorthZero() {
    // Only {A} (3/5) and {A,B,C} (9/10) are observed; {B}, {C}, {A,B}, {A,C}, {B,C} are worth 0.
    // Path {A,B,C}, weights for k = 3: |S| = 0: 1/3, 1: 1/6, 2: 1/3.
    // φ_A = 1/3 · 0.6 + 1/3 · 0.9 = 0.5; φ_B = 1/6 · (0 − 0.6) + 1/3 · 0.9 = 0.2 = φ_C. Σ = 0.9 = v({A,B,C}).
    // Its 9 conversions: A 5, B 2, C 2; plus {A}'s 3 to A.
    List<AggregatedPath> paths = List.of(AggregatedPath.of(3, 0, 2, "A"), AggregatedPath.of(9, 0, 1, "A", "B", "C"));
    ShapleyAttribution.PathSplit split = new ShapleyAttribution().split(paths, List.of("A", "B", "C"));
    assertThat(split.values()).as("φ").containsExactly(new double[] {0.5, 0.2, 0.2}, within(EXACT));
    Map<String, ShapleyAttribution.Credit> credit = byTouchpoint(new ShapleyAttribution().attribute(paths));
    assertThat(credit.get("A").conversions()).as("A").isCloseTo(8, within(EXACT));
    assertThat(credit.get("B").conversions()).as("B").isCloseTo(2, within(EXACT));
    assertThat(credit.get("C").conversions()).as("C").isCloseTo(2, within(EXACT));
  }

  @Test
  void aPathWhoseSetNeverConvertsSplitsItsValueEqually() {
    // {A,B} carries value 12 but no conversion: every coalition is worth 0, so no φ is positive: 6 and 6.
    Map<String, ShapleyAttribution.Credit> credit = byTouchpoint(new ShapleyAttribution().attribute(List.of(
        AggregatedPath.of(0, 12, 3, "A", "B"))));
    assertThat(credit.get("A").value()).as("A").isCloseTo(6, within(EXACT));
    assertThat(credit.get("B").value()).as("B").isCloseTo(6, within(EXACT));
    assertThat(credit.get("A").conversions()).as("no conversions").isZero();
  }

  @Test
  void bothWaysOfFindingTheObservedSubsetsAgree() {
    // Few observed sets (scan) against many (look up all 2^k subsets): the same φ for the same path.
    List<AggregatedPath> paths = new ArrayList<>(generated(new SplittableRandom(3), 10, 40, 8));
    List<String> longest = paths.stream().map(p -> List.copyOf(new TreeSet<>(p.touchpoints())))
        .max(Comparator.comparingInt(List::size)).orElseThrow();
    ShapleyAttribution.PathSplit scanned = new ShapleyAttribution().split(paths, longest);
    double[] direct = directShapley(paths, longest);
    assertThat(scanned.values()).as("sparse sum = direct sum over 2^k").containsExactly(direct, within(1e-12));
    List<AggregatedPath> dense = new ArrayList<>(paths);
    for (int mask = 1; mask < 1 << 10; mask++) {
      dense.add(new AggregatedPath(List.of("x" + mask), 0, 0, 1)); // many observed sets: the look-up branch
    }
    assertThat(new ShapleyAttribution().split(dense, longest).values()).as("look-up branch")
        .containsExactly(direct, within(1e-12));
  }

  /** φ by the textbook sum over all subsets of the path, v = rate of the exact set or 0. */
  private static double[] directShapley(List<AggregatedPath> paths, List<String> players) {
    int k = players.size();
    double[] v = new double[1 << k];
    double[] conversions = new double[1 << k];
    double[] journeys = new double[1 << k];
    for (AggregatedPath p : paths) {
      int mask = 0;
      boolean inside = true;
      for (String t : p.touchpoints()) {
        int j = players.indexOf(t);
        if (j < 0) {
          inside = false;
        } else {
          mask |= 1 << j;
        }
      }
      if (inside) {
        conversions[mask] += p.conversions();
        journeys[mask] += p.journeys();
      }
    }
    for (int mask = 1; mask < v.length; mask++) {
      v[mask] = journeys[mask] > 0 ? conversions[mask] / journeys[mask] : 0;
    }
    double[] factorial = new double[k + 1];
    factorial[0] = 1;
    for (int i = 1; i <= k; i++) {
      factorial[i] = factorial[i - 1] * i;
    }
    double[] phi = new double[k];
    for (int i = 0; i < k; i++) {
      for (int mask = 0; mask < v.length; mask++) {
        if ((mask & (1 << i)) == 0) {
          int s = Integer.bitCount(mask);
          phi[i] += factorial[s] * factorial[k - s - 1] / factorial[k] * (v[mask | (1 << i)] - v[mask]);
        }
      }
    }
    return phi;
  }

  /** Seeded paths over {@code channels} channels, {@code count} of them, up to {@code maxLength} touches. */
  static List<AggregatedPath> generated(SplittableRandom random, int channels, int count, int maxLength) {
    List<AggregatedPath> paths = new ArrayList<>();
    for (int p = 0; p < count; p++) {
      int length = 1 + random.nextInt(maxLength);
      List<String> touches = new ArrayList<>();
      for (int t = 0; t < length; t++) {
        touches.add("c" + random.nextInt(channels));
      }
      double conversions = random.nextInt(6);
      paths.add(new AggregatedPath(touches, conversions, conversions * random.nextInt(50), 1 + random.nextInt(8)));
    }
    return paths;
  }

  @Test
  void pathsAboveTheExactLimitAreSampledWithinTheirStandardErrors() {
    // 18 channels, paths of up to 40 touches: many sets above the default exact limit of 15. Exact at limit 20 is
    // the truth the sampled estimate must cover.
    List<AggregatedPath> paths = generated(new SplittableRandom(17), 18, 300, 40);
    ShapleyAttribution.Result sampled = new ShapleyAttribution(ShapleyAttribution.DEFAULT_EXACT_LIMIT, 4_000, 7L)
        .attribute(paths);
    ShapleyAttribution.Result exact = new ShapleyAttribution(20, 2, 7L).attribute(paths);
    assertThat(sampled.sampledPaths()).as("sets above 15 touchpoints sampled").isGreaterThan(10);
    assertThat(sampled.exact()).isFalse();
    assertThat(sampled.permutations()).isEqualTo(4_000);
    assertThat(exact.exact()).as("all exact at limit 20").isTrue();
    double conversions = paths.stream().mapToDouble(AggregatedPath::conversions).sum();
    double value = paths.stream().mapToDouble(AggregatedPath::value).sum();
    for (int i = 0; i < exact.credits().size(); i++) {
      ShapleyAttribution.Credit e = exact.credits().get(i);
      ShapleyAttribution.Credit s = sampled.credits().get(i);
      assertThat(s.touchpoint()).isEqualTo(e.touchpoint());
      // 4 standard errors: a fixed seed makes this deterministic; a true miss would be a 1-in-15,000 event.
      assertThat(s.standardError()).as("SE " + s.touchpoint()).isPositive();
      assertThat(s.conversions()).as("sampled credit of " + s.touchpoint())
          .isCloseTo(e.conversions(), within(4 * s.standardError()));
    }
    for (ShapleyAttribution.Result r : List.of(exact, sampled)) {
      assertThat(r.credits().stream().mapToDouble(ShapleyAttribution.Credit::conversions).sum())
          .as("conversions sum, exact " + r.exact()).isCloseTo(conversions, within(1e-9));
      assertThat(r.credits().stream().mapToDouble(ShapleyAttribution.Credit::value).sum())
          .as("value sum, exact " + r.exact()).isCloseTo(value, within(1e-9));
    }
  }

  @Test
  void sameSeedSameResultInAnyInputOrder() {
    List<AggregatedPath> paths = generated(new SplittableRandom(5), 8, 60, 12);
    List<AggregatedPath> reversed = new ArrayList<>(paths);
    Collections.reverse(reversed);
    assertThat(new ShapleyAttribution(2, 500, 5L).attribute(reversed)).as("seed 5 twice, any input order")
        .isEqualTo(new ShapleyAttribution(2, 500, 5L).attribute(paths));
    assertThat(new ShapleyAttribution(2, 500, 6L).attribute(paths)).as("another seed")
        .isNotEqualTo(new ShapleyAttribution(2, 500, 5L).attribute(paths));
  }

  @Test
  void badSettingsShowTheValue() {
    assertThatThrownBy(() -> new ShapleyAttribution(21, 100, 1L)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("got 21");
    assertThatThrownBy(() -> new ShapleyAttribution(15, 1, 1L)).hasMessageContaining("got 1");
  }
}
