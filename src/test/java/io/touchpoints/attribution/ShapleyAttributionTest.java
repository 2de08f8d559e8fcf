package io.touchpoints.attribution;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** Shapley values by hand for two and three touchpoints, and the sampled estimate against the exact one. */
class ShapleyAttributionTest {

  private static final double EXACT = 1e-12;

  private static Map<String, ShapleyAttribution.Credit> byTouchpoint(ShapleyAttribution.Result result) {
    return result.credits().stream()
        .collect(Collectors.toMap(ShapleyAttribution.Credit::touchpoint, Function.identity()));
  }

  @Test
  void symmetricChannelsShareEqually() {
    // v({A}) = 1/2, v({B}) = 1/2, v({A,B}) = (2 + 1)/(2 + 2) = 3/4 (order within a journey ignored).
    // φ_A = 1/2 · (1/2 − 0) + 1/2 · (3/4 − 1/2) = 3/8 = φ_B. Conversions 1 + 1 + 2 + 1 = 5: 2.5 each; value 50: 25.
    ShapleyAttribution.Result result = new ShapleyAttribution().attribute(List.of(
        AggregatedPath.of(1, 10, 1, "A"),
        AggregatedPath.of(1, 10, 1, "B"),
        AggregatedPath.of(2, 20, 0, "A", "B"),
        AggregatedPath.of(1, 10, 1, "B", "A", "B")));
    Map<String, ShapleyAttribution.Credit> credit = byTouchpoint(result);
    assertThat(result.exact()).as("exact").isTrue();
    assertThat(credit.get("A").shapleyValue()).as("φ_A").isCloseTo(0.375, within(EXACT));
    assertThat(credit.get("B").shapleyValue()).as("φ_B").isCloseTo(0.375, within(EXACT));
    assertThat(credit.get("A").conversions()).as("A conversions").isCloseTo(2.5, within(EXACT));
    assertThat(credit.get("B").value()).as("B value").isCloseTo(25, within(EXACT));
  }

  @Test
  void aChannelThatNeverConvertsAloneStillHelpsInCompany() {
    // v({A}) = 0/4 = 0, v({B}) = 1/2, v({A,B}) = 3/4.
    // φ_A = 1/2 · 0 + 1/2 · (3/4 − 1/2) = 1/8; φ_B = 1/2 · 1/2 + 1/2 · (3/4 − 0) = 5/8; Σ = 3/4 = v(N).
    // Conversions 4: A 4 · (1/8)/(3/4) = 2/3, B 4 · (5/8)/(3/4) = 10/3.
    ShapleyAttribution.Result result = new ShapleyAttribution().attribute(List.of(
        AggregatedPath.of(0, 0, 4, "A"),
        AggregatedPath.of(1, 0, 1, "B"),
        AggregatedPath.of(3, 0, 1, "A", "B")));
    Map<String, ShapleyAttribution.Credit> credit = byTouchpoint(result);
    assertThat(credit.get("A").shapleyValue()).as("φ_A").isCloseTo(0.125, within(EXACT));
    assertThat(credit.get("B").shapleyValue()).as("φ_B").isCloseTo(0.625, within(EXACT));
    assertThat(credit.get("A").conversions()).as("A").isCloseTo(2.0 / 3, within(EXACT));
    assertThat(credit.get("B").conversions()).as("B").isCloseTo(10.0 / 3, within(EXACT));
  }

  @Test
  void negativeShapleyValueGetsNoCredit() {
    // v({A}) = 0, v({B}) = 4/5, v({A,B}) = 1/5: A's presence lowers the rate.
    // φ_A = 1/2 · 0 + 1/2 · (1/5 − 4/5) = −3/10; φ_B = 1/2 · 4/5 + 1/2 · (1/5 − 0) = 1/2.
    // Positive parts: 0 and 1/2, so B gets all 5 conversions.
    ShapleyAttribution.Result result = new ShapleyAttribution().attribute(List.of(
        AggregatedPath.of(0, 0, 4, "A"),
        AggregatedPath.of(4, 40, 1, "B"),
        AggregatedPath.of(1, 10, 4, "A", "B")));
    Map<String, ShapleyAttribution.Credit> credit = byTouchpoint(result);
    assertThat(credit.get("A").shapleyValue()).as("φ_A reported").isCloseTo(-0.3, within(EXACT));
    assertThat(credit.get("A").conversions()).as("A credit").isEqualTo(0.0);
    assertThat(credit.get("B").conversions()).as("B credit").isCloseTo(5, within(EXACT));
    assertThat(credit.get("B").value()).as("B value").isCloseTo(50, within(EXACT));
  }

  @Test
  void threeTouchpointsUseTheShapleyWeights() {
    // Only {A} (3/5 = 0.6) and {A,B,C} (9/10 = 0.9) are observed. Weights for n = 3: |S| = 0: 1/3, 1: 1/6, 2: 1/3.
    // φ_A = 1/3 · 0.6 + 1/6 · 0 + 1/6 · 0 + 1/3 · 0.9 = 0.5.
    // φ_B = 1/3 · 0 + 1/6 · (0 − 0.6) + 1/6 · 0 + 1/3 · 0.9 = 0.2 = φ_C. Σ = 0.9 = v(N).
    // Conversions 12: A 12 · 0.5/0.9 = 20/3, B = C = 12 · 0.2/0.9 = 8/3.
    ShapleyAttribution.Result result = new ShapleyAttribution().attribute(List.of(
        AggregatedPath.of(3, 0, 2, "A"),
        AggregatedPath.of(9, 0, 1, "A", "B", "C")));
    Map<String, ShapleyAttribution.Credit> credit = byTouchpoint(result);
    assertThat(credit.get("A").shapleyValue()).as("φ_A").isCloseTo(0.5, within(EXACT));
    assertThat(credit.get("B").shapleyValue()).as("φ_B").isCloseTo(0.2, within(EXACT));
    assertThat(credit.get("C").shapleyValue()).as("φ_C").isCloseTo(0.2, within(EXACT));
    assertThat(credit.get("A").conversions()).as("A").isCloseTo(20.0 / 3, within(EXACT));
    assertThat(credit.get("C").conversions()).as("C").isCloseTo(8.0 / 3, within(EXACT));
  }

  /** Every non-empty subset of six channels, each with its own conversion rate. */
  private static List<AggregatedPath> sixChannels() {
    List<AggregatedPath> paths = new ArrayList<>();
    for (int mask = 1; mask < 64; mask++) {
      List<String> touches = new ArrayList<>();
      for (int c = 0; c < 6; c++) {
        if ((mask & (1 << c)) != 0) {
          touches.add("c" + c);
        }
      }
      double conversions = Integer.bitCount(mask) + (mask % 5);
      paths.add(new AggregatedPath(touches, conversions, 3 * conversions, 2 + (mask % 7)));
    }
    return paths;
  }

  @Test
  void sampledEstimateAgreesWithTheExactValueWithinItsStandardError() {
    List<AggregatedPath> paths = sixChannels();
    ShapleyAttribution.Result exact = new ShapleyAttribution().attribute(paths);
    ShapleyAttribution.Result sampled = new ShapleyAttribution(0, 20_000, 99L).attribute(paths);
    assertThat(exact.exact()).as("n = 6 under the limit").isTrue();
    assertThat(sampled.exact()).as("limit 0 forces sampling").isFalse();
    assertThat(sampled.permutations()).as("permutations").isEqualTo(20_000);
    for (int i = 0; i < 6; i++) {
      ShapleyAttribution.Credit e = exact.credits().get(i);
      ShapleyAttribution.Credit s = sampled.credits().get(i);
      // 4 standard errors: a fixed seed makes this deterministic, and a true miss would be a 1-in-15,000 event.
      assertThat(s.standardError()).as("SE " + s.touchpoint()).isPositive().isLessThan(0.01);
      assertThat(s.shapleyValue()).as("sampled φ " + s.touchpoint())
          .isCloseTo(e.shapleyValue(), within(4 * s.standardError()));
      assertThat(e.standardError()).as("exact has no SE").isZero();
    }
    double conversions = paths.stream().mapToDouble(AggregatedPath::conversions).sum();
    double value = paths.stream().mapToDouble(AggregatedPath::value).sum();
    for (ShapleyAttribution.Result r : List.of(exact, sampled)) {
      assertThat(r.credits().stream().mapToDouble(ShapleyAttribution.Credit::conversions).sum())
          .as("conversion credits sum, exact " + r.exact()).isCloseTo(conversions, within(1e-9));
      assertThat(r.credits().stream().mapToDouble(ShapleyAttribution.Credit::value).sum())
          .as("value credits sum, exact " + r.exact()).isCloseTo(value, within(1e-9));
    }
  }

  @Test
  void sameSeedSameResult() {
    List<AggregatedPath> paths = sixChannels();
    List<AggregatedPath> reversed = new ArrayList<>(paths);
    java.util.Collections.reverse(reversed);
    assertThat(new ShapleyAttribution(0, 500, 5L).attribute(reversed)).as("seed 5 twice, any input order")
        .isEqualTo(new ShapleyAttribution(0, 500, 5L).attribute(paths));
    assertThat(new ShapleyAttribution(0, 500, 6L).attribute(paths)).as("another seed")
        .isNotEqualTo(new ShapleyAttribution(0, 500, 5L).attribute(paths));
  }

  @Test
  void badSettingsShowTheValue() {
    assertThatThrownBy(() -> new ShapleyAttribution(21, 100, 1L)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("got 21");
    assertThatThrownBy(() -> new ShapleyAttribution(15, 1, 1L)).hasMessageContaining("got 1");
  }
}
