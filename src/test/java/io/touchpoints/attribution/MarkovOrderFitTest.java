package io.touchpoints.attribution;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** The held-out choice of Markov order, on hand-worked counts and on processes of known order. */
class MarkovOrderFitTest {

  private static Map<Integer, TransitionCounts> counts(List<AggregatedPath> paths, int... orders) {
    Map<Integer, TransitionCounts> out = new TreeMap<>();
    for (int k : orders) {
      out.put(k, TransitionCounts.fromPaths(paths, k));
    }
    return out;
  }

  @Test
  void firstOrderScoreWorkedByHand() {
    // Training: two journeys "a", one converts. Held out: one journey "a" that converts.
    List<AggregatedPath> train = List.of(AggregatedPath.of(1, 0, 1, "a"));
    List<AggregatedPath> heldOut = List.of(AggregatedPath.of(1, 0, 0, "a"));
    List<MarkovOrderFit.Fit> fits = new MarkovOrderFit(1.0).evaluate(counts(train, 1), counts(heldOut, 1));

    // Symbols a, (conversion), (null): V = 3. Unigram over the 4 training steps: a 2, conversion 1, null 1.
    // p0(a) = 3/7, p0(conversion) = 2/7. Start -> a: (2 + 3/7) / (2 + 1) = 17/21; a -> conversion: (1 + 2/7) / 3.
    double expected = (Math.log(17.0 / 21) + Math.log(3.0 / 7)) / 2;
    assertThat(fits).as("one fit").hasSize(1);
    MarkovOrderFit.Fit fit = fits.get(0);
    assertThat(fit.logLikelihood()).as("mean log-likelihood").isCloseTo(expected, within(1e-12));
    assertThat(fit.perplexity()).as("perplexity").isCloseTo(Math.exp(-expected), within(1e-12));
    assertThat(fit.trainSteps()).as("training steps").isEqualTo(4.0);
    assertThat(fit.heldOutSteps()).as("held-out steps").isEqualTo(2.0);
    assertThat(fit.selected()).as("the only order is chosen").isTrue();
  }

  @Test
  void unseenStatesGetAFiniteScore() {
    List<AggregatedPath> train = List.of(AggregatedPath.of(3, 0, 1, "a", "b"));
    List<AggregatedPath> heldOut = List.of(AggregatedPath.of(1, 0, 1, "c", "a", "c"));
    List<MarkovOrderFit.Fit> fits = new MarkovOrderFit(1.0).evaluate(counts(train, 1, 2), counts(heldOut, 1, 2));
    assertThat(fits).as("both orders scored").extracting(MarkovOrderFit.Fit::order).containsExactly(1, 2);
    fits.forEach(f -> assertThat(f.logLikelihood()).as("order " + f.order()).isFinite().isNegative());
  }

  /**
   * Journeys over {a, b, c} that end after each touch with probability 1/4 (memoryless, so the length says nothing
   * about the order): with {@code memory} 1 a touch is mostly the successor of the one before, with 2 mostly a
   * repeat of the one two steps back.
   */
  private static List<AggregatedPath> simulate(int journeys, int memory, long seed) {
    Random random = new Random(seed);
    String[] alphabet = {"a", "b", "c"};
    List<AggregatedPath> out = new ArrayList<>();
    for (int j = 0; j < journeys; j++) {
      List<String> touches = new ArrayList<>();
      for (int t = 0; t == 0 || random.nextDouble() >= 0.25; t++) {
        String next;
        if (t >= memory && random.nextDouble() < 0.9) {
          next = memory == 2 ? touches.get(t - 2)
              : alphabet[(List.of(alphabet).indexOf(touches.get(t - 1)) + 1) % alphabet.length];
        } else {
          next = alphabet[random.nextInt(alphabet.length)];
        }
        touches.add(next);
      }
      boolean converts = random.nextDouble() < 0.3;
      out.add(AggregatedPath.of(converts ? 1 : 0, converts ? 10 : 0, converts ? 0 : 1, touches.toArray(String[]::new)));
    }
    return out;
  }

  @Test
  void secondOrderProcessChoosesOrderTwo() {
    List<AggregatedPath> train = simulate(3000, 2, 1);
    List<AggregatedPath> heldOut = simulate(1000, 2, 2);
    List<MarkovOrderFit.Fit> fits = new MarkovOrderFit(1.0).evaluate(counts(train, 1, 2), counts(heldOut, 1, 2));
    assertThat(fits.get(1).logLikelihood()).as("order 2 fits a second-order process better than order 1")
        .isGreaterThan(fits.get(0).logLikelihood() + 0.1);
    assertThat(fits).as("order 2 chosen").filteredOn(MarkovOrderFit.Fit::selected)
        .extracting(MarkovOrderFit.Fit::order).containsExactly(2);
  }

  @Test
  void firstOrderProcessChoosesOrderOneOverOrderThree() {
    List<AggregatedPath> train = simulate(300, 1, 3);
    List<AggregatedPath> heldOut = simulate(300, 1, 4);
    List<MarkovOrderFit.Fit> fits = new MarkovOrderFit(1.0).evaluate(counts(train, 1, 2, 3), counts(heldOut, 1, 3));
    assertThat(fits).as("scored orders").extracting(MarkovOrderFit.Fit::order).containsExactly(1, 3);
    assertThat(fits).as("order 1 chosen: order 3's extra memory only adds noise")
        .filteredOn(MarkovOrderFit.Fit::selected).extracting(MarkovOrderFit.Fit::order).containsExactly(1);
  }

  @Test
  void rejectsMissingLowerOrdersAndBadPriors() {
    List<AggregatedPath> paths = List.of(AggregatedPath.of(1, 0, 0, "a", "b"));
    assertThatThrownBy(() -> new MarkovOrderFit(1.0).evaluate(counts(paths, 2), counts(paths, 2)))
        .as("order 1 missing").hasMessageContaining("order 1");
    assertThatThrownBy(() -> new MarkovOrderFit(0)).as("prior 0").hasMessageContaining("got 0");
  }
}
