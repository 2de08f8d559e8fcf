package io.touchpoints.attribution;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Each rule on one small data set, worked by hand. Direct = {D}. Conversions 4, value 130.
 * <pre>
 *   P1  A > D > B   2 conversions, value 100, 5 nulls
 *   P2  D           1 conversion,  value 10
 *   P3  B > D       1 conversion,  value 20
 *   P4  C > A       no conversion, 3 nulls
 * </pre>
 */
class HeuristicAttributionTest {

  private static final double EXACT = 1e-12;

  private static final List<AggregatedPath> PATHS = List.of(
      AggregatedPath.of(2, 100, 5, "A", "D", "B"),
      AggregatedPath.of(1, 10, 0, "D"),
      AggregatedPath.of(1, 20, 0, "B", "D"),
      AggregatedPath.of(0, 0, 3, "C", "A"));

  private static final HeuristicAttribution RULES = new HeuristicAttribution(Set.of("D"));

  /** Expected credits in touchpoint order A, B, C, D as {conversions, value} pairs. */
  private static void assertCredits(String model, List<HeuristicAttribution.Credit> credits, double... expected) {
    assertThat(credits).as(model + " touchpoints").extracting(HeuristicAttribution.Credit::touchpoint)
        .containsExactly("A", "B", "C", "D");
    for (int i = 0; i < credits.size(); i++) {
      HeuristicAttribution.Credit c = credits.get(i);
      assertThat(c.conversions()).as(model + " conversions " + c.touchpoint())
          .isCloseTo(expected[2 * i], within(EXACT));
      assertThat(c.value()).as(model + " value " + c.touchpoint()).isCloseTo(expected[2 * i + 1], within(EXACT));
    }
    assertThat(credits.stream().mapToDouble(HeuristicAttribution.Credit::conversions).sum())
        .as(model + " conversions sum").isCloseTo(4, within(EXACT));
    assertThat(credits.stream().mapToDouble(HeuristicAttribution.Credit::value).sum())
        .as(model + " value sum").isCloseTo(130, within(EXACT));
  }

  @Test
  void firstTouch() {
    // P1 → A (2, 100); P2 → D (1, 10); P3 → B (1, 20).
    assertCredits("first_touch", RULES.firstTouch(PATHS), 2, 100, 1, 20, 0, 0, 1, 10);
  }

  @Test
  void lastTouch() {
    // P1 → B (2, 100); P2 → D (1, 10); P3 → D (1, 20).
    assertCredits("last_touch", RULES.lastTouch(PATHS), 0, 0, 2, 100, 0, 0, 2, 30);
  }

  @Test
  void lastNonDirect() {
    // P1 → B; P2 is all direct → its last touch D; P3 B > D skips D → B. B: 3, 120; D: 1, 10.
    assertCredits("last_non_direct", RULES.lastNonDirect(PATHS), 0, 0, 3, 120, 0, 0, 1, 10);
  }

  @Test
  void linear() {
    // P1: 1/3 each of (2, 100). P2: D all. P3: 1/2 each of (1, 20).
    // A: 2/3, 100/3. B: 2/3 + 1/2 = 7/6, 100/3 + 10. D: 2/3 + 1 + 1/2 = 13/6, 100/3 + 10 + 10.
    assertCredits("linear", RULES.linear(PATHS), 2.0 / 3, 100.0 / 3, 7.0 / 6, 100.0 / 3 + 10, 0, 0, 13.0 / 6,
        100.0 / 3 + 20);
  }

  @Test
  void positionBasedDefaults() {
    // 40/20/40. P1 (3 touches): A 0.4, D 0.2, B 0.4 → A 0.8/40, D 0.4/20, B 0.8/40. P2 (1 touch): D 1/10.
    // P3 (2 touches): 0.4/(0.4 + 0.4) = 1/2 each → B 0.5/10, D 0.5/10.
    // A 0.8, 40; B 1.3, 50; D 1.9, 40.
    assertCredits("position_based", RULES.positionBased(PATHS), 0.8, 40, 1.3, 50, 0, 0, 1.9, 40);
  }

  @Test
  void positionBasedCustomSharesAndLongPaths() {
    // First 0.3, last 0.1. P1: A 0.3, D 0.6, B 0.1 → A 0.6/30, D 1.2/60, B 0.2/10. P2: D 1/10.
    // P3: B 0.3/0.4 = 0.75 → 0.75/15, D 0.25 → 0.25/5. A 0.6, 30; B 0.95, 25; D 2.45, 75.
    HeuristicAttribution custom = new HeuristicAttribution(Set.of("D"), 0.3, 0.1);
    assertCredits("position_based 30/60/10", custom.positionBased(PATHS), 0.6, 30, 0.95, 25, 0, 0, 2.45, 75);
    // A > B > A > C, 1 conversion, 40/20/40: the middle two share 0.2 → 0.1 each; A gets first + middle = 0.5.
    List<HeuristicAttribution.Credit> repeats = RULES.positionBased(List.of(AggregatedPath.of(1, 0, 0, "A", "B",
        "A", "C")));
    assertThat(repeats).as("touchpoints").extracting(HeuristicAttribution.Credit::touchpoint)
        .containsExactly("A", "B", "C");
    assertThat(repeats.get(0).conversions()).as("A: first + a middle touch").isCloseTo(0.5, within(EXACT));
    assertThat(repeats.get(1).conversions()).as("B: a middle touch").isCloseTo(0.1, within(EXACT));
    assertThat(repeats.get(2).conversions()).as("C: last").isCloseTo(0.4, within(EXACT));
  }

  @Test
  void timeDecay() {
    // Half-life 7 days. P1 ages 14, 7, 0 → weights 1/4, 1/2, 1, sum 7/4 → A 1/7, D 2/7, B 4/7 of (2, 100).
    // P2 → D (1, 10). P3 ages 7, 7 → 1/2 each of (1, 20). P4 converts nothing.
    // A 2/7, 100/7. B 8/7 + 1/2 = 23/14, 400/7 + 10 = 470/7. D 4/7 + 1 + 1/2 = 29/14, 200/7 + 20 = 340/7.
    List<double[]> ages = List.of(new double[] {14, 7, 0}, new double[] {3}, new double[] {7, 7},
        new double[] {1, 0});
    assertCredits("time_decay", RULES.timeDecay(PATHS, ages, 7), 2.0 / 7, 100.0 / 7, 23.0 / 14, 470.0 / 7, 0, 0,
        29.0 / 14, 340.0 / 7);
    // A million days later the ratios are the same (2^(−1e6/7) alone would underflow to 0).
    List<double[]> old = List.of(new double[] {1e6 + 14, 1e6 + 7, 1e6}, new double[] {1e6}, new double[] {1e6, 1e6},
        new double[] {1e6, 1e6});
    assertCredits("time_decay, old touches", RULES.timeDecay(PATHS, old, 7), 2.0 / 7, 100.0 / 7, 23.0 / 14,
        470.0 / 7, 0, 0, 29.0 / 14, 340.0 / 7);
  }

  @Test
  void inputOrderDoesNotMatter() {
    List<AggregatedPath> reversed = List.of(PATHS.get(3), PATHS.get(2), PATHS.get(1), PATHS.get(0));
    assertThat(RULES.linear(reversed)).as("linear, reversed input").isEqualTo(RULES.linear(PATHS));
  }

  @Test
  void badArgumentsShowTheValue() {
    assertThatThrownBy(() -> new HeuristicAttribution(Set.of(), 0.7, 0.5)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("first 0.7 and last 0.5");
    assertThatThrownBy(() -> new HeuristicAttribution(Set.of(), -0.1, 0.5)).hasMessageContaining("first -0.1");
    assertThatThrownBy(() -> RULES.timeDecay(PATHS, List.of(), 0)).hasMessageContaining("got 0.0");
    assertThatThrownBy(() -> RULES.timeDecay(PATHS, List.of(new double[] {1}, new double[] {1}, new double[] {1, 1},
        new double[] {1, 1}), 7)).hasMessageContaining("A > D > B has 3 touches, got 1 ages");
    assertThatThrownBy(() -> RULES.timeDecay(PATHS, List.of(new double[] {1, 1, -2}, new double[] {1},
        new double[] {1, 1}, new double[] {1, 1}), 7)).hasMessageContaining("got -2.0");
  }
}
