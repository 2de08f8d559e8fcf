package io.touchpoints.attribution;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** Removal effects and credits against the published toy example and hand-solved chains. */
class MarkovAttributionTest {

  private static final double EXACT = 1e-12;

  private static Map<String, MarkovAttribution.Credit> byTouchpoint(MarkovAttribution.Result result) {
    return result.credits().stream()
        .collect(Collectors.toMap(MarkovAttribution.Credit::touchpoint, Function.identity()));
  }

  private static List<AggregatedPath> channelAttributionToy() {
    return List.of(
        AggregatedPath.of(1, 0, 0, "A", "B", "A", "B", "B", "A"),
        AggregatedPath.of(1, 0, 0, "A", "B", "B", "A", "A"),
        AggregatedPath.of(1, 0, 0, "A", "A"));
  }

  @Test
  void reproducesTheChannelAttributionToyExample() {
    // Counts: start→A 3; A→B 3, A→A 2, A→conv 3; B→A 3, B→B 2. No nulls, so P(full) = 1.
    // Without A: start leads to null, P = 0, RE(A) = 1.
    // Without B: x_A = 3/8 + 2/8 x_A → x_A = (3/8)/(6/8) = 1/2, RE(B) = 1/2.
    // Credit: 3 × 1/1.5 = 2 for A, 3 × 0.5/1.5 = 1 for B.
    MarkovAttribution.Result result = new MarkovAttribution(1).attribute(channelAttributionToy());
    Map<String, MarkovAttribution.Credit> credit = byTouchpoint(result);
    assertThat(result.conversionProbability()).as("P(full)").isCloseTo(1.0, within(EXACT));
    assertThat(credit.get("A").removalEffect()).as("RE(A)").isCloseTo(1.0, within(EXACT));
    assertThat(credit.get("B").removalEffect()).as("RE(B)").isCloseTo(0.5, within(EXACT));
    assertThat(credit.get("A").conversions()).as("A conversions").isCloseTo(2.0, within(EXACT));
    assertThat(credit.get("B").conversions()).as("B conversions").isCloseTo(1.0, within(EXACT));
    assertThat(result.transitions()).as("transitions table").containsExactly(
        new MarkovAttribution.Transition("(start)", "A", 3, 1.0),
        new MarkovAttribution.Transition("A", "A", 2, 2.0 / 8),
        new MarkovAttribution.Transition("A", "B", 3, 3.0 / 8),
        new MarkovAttribution.Transition("A", "(conversion)", 3, 3.0 / 8),
        new MarkovAttribution.Transition("B", "A", 3, 3.0 / 5),
        new MarkovAttribution.Transition("B", "B", 2, 2.0 / 5));
  }

  @Test
  void gaussSeidelGivesTheSameToyAnswer() {
    MarkovAttribution.Result result = new MarkovAttribution(1, 0, 10_000).attribute(channelAttributionToy());
    Map<String, MarkovAttribution.Credit> credit = byTouchpoint(result);
    assertThat(credit.get("A").conversions()).as("A by Gauss–Seidel").isCloseTo(2.0, within(EXACT));
    assertThat(credit.get("B").conversions()).as("B by Gauss–Seidel").isCloseTo(1.0, within(EXACT));
  }

  @Test
  void twoChannelsWithNullsByHand() {
    // A > B: 1 conversion (value 30); A: 1 null; B: 1 conversion (value 60).
    // start→A 2, start→B 1; A→B 1, A→null 1; B→conv 2.
    // x_B = 1, x_A = 1/2 · 1 = 1/2, P = 2/3 · 1/2 + 1/3 · 1 = 2/3.
    // Without A: P = 1/3, RE(A) = 1 − (1/3)/(2/3) = 1/2. Without B: P = 0, RE(B) = 1. Σ RE = 3/2.
    // Conversions 2: A 2 · (1/2)/(3/2) = 2/3, B 4/3. Value 90: A 30, B 60.
    MarkovAttribution.Result result = new MarkovAttribution(1).attribute(List.of(
        AggregatedPath.of(1, 30, 0, "A", "B"),
        AggregatedPath.of(0, 0, 1, "A"),
        AggregatedPath.of(1, 60, 0, "B")));
    Map<String, MarkovAttribution.Credit> credit = byTouchpoint(result);
    assertThat(result.conversionProbability()).as("P(full)").isCloseTo(2.0 / 3, within(EXACT));
    assertThat(credit.get("A").removalEffect()).as("RE(A)").isCloseTo(0.5, within(EXACT));
    assertThat(credit.get("B").removalEffect()).as("RE(B), removal leaves no conversions").isEqualTo(1.0);
    assertThat(credit.get("A").conversions()).as("A conversions").isCloseTo(2.0 / 3, within(EXACT));
    assertThat(credit.get("B").conversions()).as("B conversions").isCloseTo(4.0 / 3, within(EXACT));
    assertThat(credit.get("A").value()).as("A value").isCloseTo(30, within(EXACT));
    assertThat(credit.get("B").value()).as("B value").isCloseTo(60, within(EXACT));
  }

  @Test
  void singleTouchPathGetsEverything() {
    // One path "A": 2 conversions, 2 nulls, value 10. P = 1/2; without A, P = 0: RE = 1; all credit to A.
    MarkovAttribution.Result result = new MarkovAttribution(1).attribute(List.of(AggregatedPath.of(2, 10, 2, "A")));
    MarkovAttribution.Credit a = result.credits().get(0);
    assertThat(result.conversionProbability()).as("P").isEqualTo(0.5);
    assertThat(a.removalEffect()).as("RE").isEqualTo(1.0);
    assertThat(a.conversions()).as("conversions").isEqualTo(2.0);
    assertThat(a.value()).as("value").isEqualTo(10.0);
    // Repeats: A > A > A counts A → A twice but leaves A as "A" does: 2 conversions, 2 nulls, P = 1/2 still.
    MarkovAttribution.Result repeated = new MarkovAttribution(1).attribute(List.of(
        AggregatedPath.of(2, 10, 2, "A", "A", "A")));
    assertThat(repeated.conversionProbability()).as("P with self-transitions").isEqualTo(0.5);
    assertThat(repeated.transitions()).as("self-transitions kept in the table")
        .contains(new MarkovAttribution.Transition("A", "A", 8, 8.0 / 12));
  }

  @Test
  void touchpointThatNeverConvertsGetsNothing() {
    // A > B: 1 conversion; C: 3 nulls. P = 1/4 (only the A branch converts); removing C changes nothing.
    // RE(A) = RE(B) = 1, RE(C) = 0: A and B get 1/2 each.
    MarkovAttribution.Result result = new MarkovAttribution(1).attribute(List.of(
        AggregatedPath.of(1, 8, 0, "A", "B"),
        AggregatedPath.of(0, 0, 3, "C")));
    Map<String, MarkovAttribution.Credit> credit = byTouchpoint(result);
    assertThat(result.conversionProbability()).as("P").isCloseTo(0.25, within(EXACT));
    assertThat(credit.get("C").removalEffect()).as("RE(C)").isEqualTo(0.0);
    assertThat(credit.get("C").conversions()).as("C conversions").isEqualTo(0.0);
    assertThat(credit.get("A").conversions()).as("A conversions").isCloseTo(0.5, within(EXACT));
    assertThat(credit.get("B").value()).as("B value").isCloseTo(4.0, within(EXACT));
  }

  @Test
  void orderTwoRemembersWhereAJourneyCameFrom() {
    // A > B: 1 conversion; C > B: 1 null; A > B > B: 1 conversion.
    // Order 2: start→[A] 2, start→[C] 1; [A]→[A,B] 2; [C]→[C,B] 1; [A,B]→conv 1, [A,B]→[B,B] 1; [B,B]→conv 1;
    // [C,B]→null 1. x[B,B] = 1, x[A,B] = 1/2 + 1/2 = 1, x[A] = 1, x[C] = 0, P = 2/3.
    // Without A or without B: P = 0, RE = 1. Without C: P = 2/3, RE = 0. Credits: A 1, B 1, C 0.
    // (At order 1, B would forget its past: x_B = (2/4)/(3/4) = 2/3 for every entry, and C would get credit.)
    List<AggregatedPath> paths = List.of(
        AggregatedPath.of(1, 0, 0, "A", "B"),
        AggregatedPath.of(0, 0, 1, "C", "B"),
        AggregatedPath.of(1, 0, 0, "A", "B", "B"));
    MarkovAttribution.Result result = new MarkovAttribution(2).attribute(paths);
    Map<String, MarkovAttribution.Credit> credit = byTouchpoint(result);
    assertThat(result.states()).as("(start), A, A > B, B > B, C, C > B").isEqualTo(6);
    assertThat(result.conversionProbability()).as("P").isCloseTo(2.0 / 3, within(EXACT));
    assertThat(credit.get("A").removalEffect()).as("RE(A)").isEqualTo(1.0);
    assertThat(credit.get("B").removalEffect()).as("RE(B)").isEqualTo(1.0);
    assertThat(credit.get("C").removalEffect()).as("RE(C)").isEqualTo(0.0);
    assertThat(credit.get("A").conversions()).as("A").isCloseTo(1.0, within(EXACT));
    assertThat(credit.get("C").conversions()).as("C").isEqualTo(0.0);
    assertThat(result.transitions()).as("order-2 states rendered")
        .contains(new MarkovAttribution.Transition("A > B", "B > B", 1, 0.5),
            new MarkovAttribution.Transition("C > B", "(null)", 1, 1.0));

    // Order 1 on the same paths: without C, P = 2/3 · 2/3 = 4/9, so RE(C) = 1 − (4/9)/(2/3) = 1/3.
    Map<String, MarkovAttribution.Credit> first = byTouchpoint(new MarkovAttribution(1).attribute(paths));
    assertThat(first.get("C").removalEffect()).as("order 1 RE(C)").isCloseTo(1.0 / 3, within(EXACT));
  }

  @Test
  void statesFollowTheDocumentedWindowAndRenderAsText() {
    // a > b > c > d at order 2: (start) → a → a > b → b > c → c > d → conversion (1) and null (2).
    TransitionCounts counts = TransitionCounts.fromPaths(List.of(AggregatedPath.of(1, 0, 2, "a", "b", "c", "d")), 2);
    assertThat(counts.count(MarkovState.START, MarkovState.of("a"))).as("start → a").isEqualTo(3.0);
    assertThat(counts.count(MarkovState.of("a"), MarkovState.of("a", "b"))).as("a → a > b").isEqualTo(3.0);
    assertThat(counts.count(MarkovState.of("a", "b"), MarkovState.of("b", "c"))).as("a > b → b > c").isEqualTo(3.0);
    assertThat(counts.count(MarkovState.of("b", "c"), MarkovState.of("c", "d"))).as("b > c → c > d").isEqualTo(3.0);
    assertThat(counts.count(MarkovState.of("c", "d"), MarkovState.CONVERSION)).as("→ conversion").isEqualTo(1.0);
    assertThat(counts.count(MarkovState.of("c", "d"), MarkovState.NULL)).as("→ null").isEqualTo(2.0);
    assertThat(counts.states()).as("sorted states").extracting(MarkovState::render)
        .containsExactly("(start)", "a", "a > b", "b > c", "c > d", "(conversion)", "(null)");
    for (String text : List.of("(start)", "(conversion)", "(null)", "a", "a > b")) {
      assertThat(MarkovState.parse(text).render()).as("parse/render " + text).isEqualTo(text);
    }
  }

  @Test
  void bitForBitReproducibleWhateverTheInputOrder() {
    List<AggregatedPath> paths = randomPaths(6, 400, 8, 7L);
    List<AggregatedPath> shuffled = new ArrayList<>(paths);
    Collections.shuffle(shuffled, new java.util.Random(3));
    MarkovAttribution model = new MarkovAttribution(3);
    assertThat(model.attribute(shuffled)).as("same result, records compare doubles exactly")
        .isEqualTo(model.attribute(paths));
  }

  @Test
  void denseAndGaussSeidelAgreeAndCreditsSumToTotals() {
    List<AggregatedPath> paths = randomPaths(5, 300, 6, 11L);
    MarkovAttribution.Result dense = new MarkovAttribution(2, 10_000, 1).attribute(paths);
    MarkovAttribution.Result sparse = new MarkovAttribution(2, 0, 10_000).attribute(paths);
    double conversions = paths.stream().mapToDouble(AggregatedPath::conversions).sum();
    double value = paths.stream().mapToDouble(AggregatedPath::value).sum();
    assertThat(sparse.conversionProbability()).as("P").isCloseTo(dense.conversionProbability(), within(EXACT));
    for (int i = 0; i < dense.credits().size(); i++) {
      assertThat(sparse.credits().get(i).removalEffect()).as("RE " + dense.credits().get(i).touchpoint())
          .isCloseTo(dense.credits().get(i).removalEffect(), within(EXACT));
    }
    assertThat(dense.credits().stream().mapToDouble(MarkovAttribution.Credit::conversions).sum())
        .as("conversion credits sum").isCloseTo(conversions, within(1e-9));
    assertThat(dense.credits().stream().mapToDouble(MarkovAttribution.Credit::value).sum())
        .as("value credits sum").isCloseTo(value, within(1e-9));
  }

  @Test
  void order4With12ChannelsOnRandomPaths() {
    List<AggregatedPath> paths = randomPaths(12, 20_000, 12, 42L);
    long started = System.nanoTime();
    MarkovAttribution.Result result = new MarkovAttribution(4).attribute(paths);
    double seconds = (System.nanoTime() - started) / 1e9;
    System.out.printf("order 4, 12 channels: %d states, %d transitions, %.2f s%n", result.states(),
        result.transitions().size(), seconds);
    double conversions = paths.stream().mapToDouble(AggregatedPath::conversions).sum();
    assertThat(result.states()).as("a large state space").isGreaterThan(20_000);
    assertThat(result.credits().stream().mapToDouble(MarkovAttribution.Credit::conversions).sum())
        .as("credits sum to the conversions").isCloseTo(conversions, within(1e-6));
  }

  @Test
  void nonConvergenceIsReportedNotHidden() {
    // A and B bounce between each other a million times for each exit: Gauss–Seidel needs millions of sweeps.
    TransitionCounts counts = TransitionCounts.builder(1)
        .add(MarkovState.START, MarkovState.of("A"), 1)
        .add(MarkovState.of("A"), MarkovState.of("B"), 1e6)
        .add(MarkovState.of("A"), MarkovState.CONVERSION, 1)
        .add(MarkovState.of("B"), MarkovState.of("A"), 1e6)
        .add(MarkovState.of("B"), MarkovState.NULL, 1)
        .build();
    assertThatThrownBy(() -> new MarkovAttribution(1, 0, 50).attribute(counts, 1, 0))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("did not converge")
        .hasMessageContaining("50 sweeps");
    // Dense: x_A = q + (1 − q) x_B, x_B = (1 − q) x_A with q = 1/(1e6 + 1): x_A = 1/(2 − q).
    double q = 1 / (1e6 + 1);
    assertThat(new MarkovAttribution(1).attribute(counts, 1, 0).conversionProbability()).as("dense P")
        .isCloseTo(1 / (2 - q), within(1e-9));
  }

  @Test
  void noConversionsMeansNoCredit() {
    MarkovAttribution.Result result = new MarkovAttribution(1).attribute(List.of(AggregatedPath.of(0, 0, 4, "A", "B")));
    assertThat(result.conversionProbability()).as("P").isZero();
    assertThat(result.credits()).as("credits")
        .allSatisfy(c -> assertThat(c.conversions()).as(c.touchpoint()).isZero());
  }

  @Test
  void badArgumentsShowTheValue() {
    assertThatThrownBy(() -> new MarkovAttribution(0)).hasMessageContaining("got 0");
    assertThatThrownBy(() -> new MarkovAttribution(5)).hasMessageContaining("got 5");
    assertThatThrownBy(() -> AggregatedPath.of(-1, 0, 0, "A")).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("got -1.0");
    assertThatThrownBy(() -> AggregatedPath.of(1, 0, 0, "A", "")).hasMessageContaining("got \"\"");
    assertThatThrownBy(() -> AggregatedPath.of(1, 0, Double.NaN, "A")).hasMessageContaining("got NaN");
    assertThatThrownBy(() -> TransitionCounts.builder(1).add(MarkovState.of("A"), MarkovState.NULL, -2))
        .hasMessageContaining("got -2.0");
    assertThatThrownBy(() -> TransitionCounts.builder(1).add(MarkovState.of("A", "B"), MarkovState.NULL, 1))
        .hasMessageContaining("got A > B");
    assertThatThrownBy(() -> new MarkovAttribution(2).attribute(
            TransitionCounts.fromPaths(channelAttributionToy(), 1), 3, 0))
        .hasMessageContaining("order 1");
  }

  /** Paths over channels c0..c{n−1}, lengths 1..maxLength, about a third converting. */
  static List<AggregatedPath> randomPaths(int channels, int count, int maxLength, long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    List<AggregatedPath> paths = new ArrayList<>();
    for (int p = 0; p < count; p++) {
      int length = 1 + random.nextInt(maxLength);
      List<String> touches = new ArrayList<>();
      for (int i = 0; i < length; i++) {
        touches.add("c" + random.nextInt(channels));
      }
      double conversions = random.nextInt(3) == 0 ? 1 + random.nextInt(3) : 0;
      paths.add(new AggregatedPath(touches, conversions, conversions * random.nextInt(100), random.nextInt(4)));
    }
    return paths;
  }
}
