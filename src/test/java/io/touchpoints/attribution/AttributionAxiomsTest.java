package io.touchpoints.attribution;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.touchpoints.testing.SharedData;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * The axioms every model is held to, on seeded generated path sets (hundreds of cases, on the driver) and on the
 * shared real path files. Conversions, not journeys, are counted: a path may hold several.
 * <ol>
 *   <li>Efficiency: credits sum to the conversions and value of the paths.</li>
 *   <li>On single-touch data every model equals first touch.</li>
 *   <li>No touchpoint gets more than the paths that contain it, nor a negative credit.</li>
 *   <li>Two touchpoints in exactly the same journeys get the same credit under linear and shapley; relabelling
 *       touchpoints relabels every model's credits.</li>
 *   <li>A touchpoint only in paths that never convert gets 0.</li>
 * </ol>
 * Exceptions by design: the position models (first and last touch, last non-direct, position based, time decay) are
 * not held to the first part of 4; Markov chains generalise to paths no journey took, so 3's upper bound and 5 are
 * not asked of markov_*. Markov chains also share value in proportion to the removal effects, as they share
 * conversions, so on single-touch data their value equals first touch's only where every conversion is worth the same.
 */
class AttributionAxiomsTest {

  private static final int CASES = 300;
  private static final String DIRECT = "direct";
  private static final List<String> CHANNELS = List.of(DIRECT, "email", "search", "social", "display", "video",
      "affiliate");
  private static final List<Integer> ORDERS = List.of(1, 2, 3, 4);

  /** A path with one time per touch (epoch seconds), for time decay. */
  private record TimedPath(AggregatedPath path, long[] seconds) {}

  /** model → touchpoint → {conversions, value} of every model, computed on the driver. */
  private static Map<String, Map<String, double[]>> everyModel(List<TimedPath> paths, String direct) {
    List<AggregatedPath> plain = paths.stream().map(TimedPath::path).toList();
    HeuristicCredits rules = new HeuristicCredits(List.of(direct), 0.4, 0.4, 7);
    Map<String, Map<String, double[]>> out = new TreeMap<>(rules.onDriver(plain));
    Map<List<String>, double[]> decay = new HashMap<>();
    for (TimedPath p : paths) {
      if (p.path().conversions() > 0) {
        HeuristicCredits.spread(AttributionModel.TIME_DECAY, p.path().touchpoints(),
            rules.timeDecayWeights(p.seconds()), p.path().conversions(), p.path().value(), decay);
      }
    }
    out.putAll(HeuristicCredits.nested(decay));
    for (int order : ORDERS) {
      Map<String, double[]> credits = new TreeMap<>();
      new MarkovAttribution(order).attribute(plain).credits()
          .forEach(c -> credits.put(c.touchpoint(), new double[] {c.conversions(), c.value()}));
      out.put("markov_" + order, credits);
    }
    Map<String, double[]> shapley = new TreeMap<>();
    new ShapleyAttribution().attribute(plain).credits()
        .forEach(c -> shapley.put(c.touchpoint(), new double[] {c.conversions(), c.value()}));
    out.put("shapley", shapley);
    // A model with nothing to credit (no converting path) has no rows, as in the attribution table.
    AttributionModel.pathHeuristics().forEach(m -> out.putIfAbsent(m.id(), Map.of()));
    out.putIfAbsent(AttributionModel.TIME_DECAY.id(), Map.of());
    return out;
  }

  private static boolean isMarkov(String model) {
    return model.startsWith("markov_");
  }

  private static double[] credit(Map<String, double[]> credits, String touchpoint) {
    return credits.getOrDefault(touchpoint, new double[2]);
  }

  /** Seeded paths over 2 to 6 channels, 1 to 6 touches, some never converting. */
  private static List<TimedPath> generated(SplittableRandom random, int maxLength) {
    List<String> channels = new ArrayList<>(CHANNELS);
    Collections.shuffle(channels, new Random(random.nextLong()));
    channels = channels.subList(0, 2 + random.nextInt(5));
    List<TimedPath> paths = new ArrayList<>();
    int count = 1 + random.nextInt(25);
    for (int p = 0; p < count; p++) {
      int length = 1 + random.nextInt(maxLength);
      List<String> touches = new ArrayList<>();
      for (int t = 0; t < length; t++) {
        touches.add(channels.get(random.nextInt(channels.size())));
      }
      double conversions = random.nextInt(10) < 3 ? 0 : 1 + random.nextInt(4);
      double nulls = conversions == 0 ? 1 + random.nextInt(6) : random.nextInt(6);
      double value = conversions * Math.round(random.nextDouble() * 10_000) / 100.0;
      paths.add(new TimedPath(new AggregatedPath(touches, conversions, value, nulls), times(random, length)));
    }
    return paths;
  }

  /** Ascending touch times within 30 days. */
  private static long[] times(SplittableRandom random, int length) {
    long[] seconds = new long[length];
    for (int t = 0; t < length; t++) {
      seconds[t] = 1_700_000_000L + random.nextLong(30L * 86_400);
    }
    Arrays.sort(seconds);
    return seconds;
  }

  private static double tolerance(double total) {
    return 1e-9 * Math.max(1, total);
  }

  /** Runs a check on every model's credits for each of {@link #CASES} seeded generated path sets. */
  private static void forEveryCase(long seed, Check check) {
    SplittableRandom random = new SplittableRandom(seed);
    for (int c = 0; c < CASES; c++) {
      List<TimedPath> paths = generated(random, 6);
      check.holds(paths, everyModel(paths, DIRECT), "case " + c);
    }
  }

  private interface Check {
    void holds(List<TimedPath> paths, Map<String, Map<String, double[]>> models, String what);
  }

  @Test
  void creditsSumToThePathsConversionsAndValue() {
    forEveryCase(1701, AttributionAxiomsTest::assertEfficient);
  }

  private static void assertEfficient(List<TimedPath> paths, Map<String, Map<String, double[]>> models, String what) {
    double conversions = paths.stream().mapToDouble(p -> p.path().conversions()).sum();
    double value = paths.stream().mapToDouble(p -> p.path().value()).sum();
    assertThat(models).as(what + ": every model").hasSize(AttributionModel.pathHeuristics().size() + 2 + ORDERS.size());
    models.forEach((model, credits) -> {
      assertThat(credits.values().stream().mapToDouble(v -> v[0]).sum()).as(what + ", " + model + " conversions")
          .isCloseTo(conversions, within(tolerance(conversions)));
      assertThat(credits.values().stream().mapToDouble(v -> v[1]).sum()).as(what + ", " + model + " value")
          .isCloseTo(value, within(tolerance(value)));
    });
  }

  @Test
  void onSingleTouchDataEveryModelEqualsFirstTouch() {
    SplittableRandom random = new SplittableRandom(1702);
    for (int c = 0; c < CASES; c++) {
      List<TimedPath> paths = generated(random, 1);
      Map<String, Map<String, double[]>> models = everyModel(paths, DIRECT);
      Map<String, double[]> first = models.get("first_touch");
      // first touch itself: each path's conversions to its one touchpoint.
      Map<String, Double> own = new HashMap<>();
      paths.forEach(p -> own.merge(p.path().touchpoints().get(0), p.path().conversions(), Double::sum));
      own.forEach((t, conversions) -> assertThat(credit(first, t)[0]).as("first touch of " + t)
          .isCloseTo(conversions, within(tolerance(conversions))));
      for (Map.Entry<String, Map<String, double[]>> model : models.entrySet()) {
        for (String t : own.keySet()) {
          double[] expected = credit(first, t);
          double[] actual = credit(model.getValue(), t);
          assertThat(actual[0]).as("case %d, %s conversions of %s", c, model.getKey(), t)
              .isCloseTo(expected[0], within(tolerance(expected[0])));
          if (!isMarkov(model.getKey())) { // Markov shares value as it shares conversions, not per path
            assertThat(actual[1]).as("case %d, %s value of %s", c, model.getKey(), t)
                .isCloseTo(expected[1], within(tolerance(expected[1])));
          }
        }
      }
    }
  }

  @Test
  void noTouchpointGetsMoreThanItsPathsNorANegativeCredit() {
    forEveryCase(1703, AttributionAxiomsTest::assertBounded);
  }

  private static void assertBounded(List<TimedPath> paths, Map<String, Map<String, double[]>> models, String what) {
    Map<String, double[]> containing = new HashMap<>();
    for (TimedPath p : paths) {
      for (String t : new TreeSet<>(p.path().touchpoints())) {
        double[] sums = containing.computeIfAbsent(t, k -> new double[2]);
        sums[0] += p.path().conversions();
        sums[1] += p.path().value();
      }
    }
    models.forEach((model, credits) -> credits.forEach((t, v) -> {
      assertThat(v[0]).as("%s, %s conversions of %s", what, model, t).isGreaterThanOrEqualTo(-1e-12);
      assertThat(v[1]).as("%s, %s value of %s", what, model, t).isGreaterThanOrEqualTo(-1e-12);
      if (!isMarkov(model)) {
        double[] bound = containing.getOrDefault(t, new double[2]);
        assertThat(v[0]).as("%s, %s conversions of %s at most its paths'", what, model, t)
            .isLessThanOrEqualTo(bound[0] + tolerance(bound[0]));
        assertThat(v[1]).as("%s, %s value of %s at most its paths'", what, model, t)
            .isLessThanOrEqualTo(bound[1] + tolerance(bound[1]));
      }
    }));
  }

  @Test
  void twoTouchpointsInTheSameJourneysGetTheSameLinearAndShapleyCredit() {
    SplittableRandom random = new SplittableRandom(1704);
    for (int c = 0; c < CASES; c++) {
      List<TimedPath> twinned = new ArrayList<>();
      for (TimedPath p : generated(random, 5)) {
        // Twins x and y once each, at random places, in about half the paths and in the first one.
        if (twinned.isEmpty() || random.nextBoolean()) {
          List<String> touches = new ArrayList<>(p.path().touchpoints());
          touches.add(random.nextInt(touches.size() + 1), "twin_x");
          touches.add(random.nextInt(touches.size() + 1), "twin_y");
          twinned.add(new TimedPath(new AggregatedPath(touches, p.path().conversions(), p.path().value(),
              p.path().nulls()), times(random, touches.size())));
        } else {
          twinned.add(p);
        }
      }
      Map<String, Map<String, double[]>> models = everyModel(twinned, DIRECT);
      for (String model : List.of("linear", "shapley")) {
        double[] x = credit(models.get(model), "twin_x");
        double[] y = credit(models.get(model), "twin_y");
        assertThat(x[0]).as("case %d, %s conversions of the twins", c, model).isCloseTo(y[0], within(tolerance(y[0])));
        assertThat(x[1]).as("case %d, %s value of the twins", c, model).isCloseTo(y[1], within(tolerance(y[1])));
      }
    }
  }

  @Test
  void relabellingTouchpointsRelabelsEveryModelsCredits() {
    SplittableRandom random = new SplittableRandom(1705);
    for (int c = 0; c < CASES; c++) {
      List<TimedPath> paths = generated(random, 6);
      // New names in another order, so that every sorted structure is walked in another order too.
      List<String> names = new ArrayList<>(CHANNELS);
      Collections.shuffle(names, new Random(random.nextLong()));
      Map<String, String> rename = new HashMap<>();
      for (int i = 0; i < CHANNELS.size(); i++) {
        rename.put(CHANNELS.get(i), "r" + names.get(i));
      }
      List<TimedPath> renamed = paths.stream().map(p -> new TimedPath(new AggregatedPath(
          p.path().touchpoints().stream().map(rename::get).toList(), p.path().conversions(), p.path().value(),
          p.path().nulls()), p.seconds())).toList();
      Map<String, Map<String, double[]>> before = everyModel(paths, DIRECT);
      Map<String, Map<String, double[]>> after = everyModel(renamed, rename.get(DIRECT));
      for (String model : before.keySet()) {
        for (Map.Entry<String, double[]> e : before.get(model).entrySet()) {
          double[] moved = credit(after.get(model), rename.get(e.getKey()));
          assertThat(moved[0]).as("case %d, %s conversions of %s renamed", c, model, e.getKey())
              .isCloseTo(e.getValue()[0], within(tolerance(e.getValue()[0])));
          assertThat(moved[1]).as("case %d, %s value of %s renamed", c, model, e.getKey())
              .isCloseTo(e.getValue()[1], within(tolerance(e.getValue()[1])));
        }
        assertThat(after.get(model)).as("case %d, %s: no other touchpoint", c, model)
            .hasSameSizeAs(before.get(model));
      }
    }
  }

  @Test
  void aTouchpointOnlyInPathsThatNeverConvertGetsNothing() {
    SplittableRandom random = new SplittableRandom(1706);
    for (int c = 0; c < CASES; c++) {
      List<TimedPath> paths = new ArrayList<>();
      for (TimedPath p : generated(random, 5)) {
        paths.add(p.path().conversions() > 0 ? p : withGhost(p.path(), random));
      }
      paths.add(withGhost(AggregatedPath.of(0, 0, 1 + random.nextInt(5), CHANNELS.get(random.nextInt(3))), random));
      assertNothingForNeverConverting(paths, everyModel(paths, DIRECT), "case " + c);
    }
  }

  private static TimedPath withGhost(AggregatedPath p, SplittableRandom random) {
    List<String> touches = new ArrayList<>(p.touchpoints());
    touches.add(random.nextInt(touches.size() + 1), "ghost");
    return new TimedPath(new AggregatedPath(touches, p.conversions(), p.value(), p.nulls()),
        times(random, touches.size()));
  }

  private static void assertNothingForNeverConverting(List<TimedPath> paths,
      Map<String, Map<String, double[]>> models, String what) {
    Set<String> converting = new HashSet<>();
    Set<String> all = new HashSet<>();
    for (TimedPath p : paths) {
      all.addAll(p.path().touchpoints());
      if (p.path().conversions() > 0 || p.path().value() > 0) {
        converting.addAll(p.path().touchpoints());
      }
    }
    all.removeAll(converting);
    models.forEach((model, credits) -> {
      if (!isMarkov(model)) {
        for (String t : all) {
          assertThat(credit(credits, t)).as("%s, %s credit of %s, never converting", what, model, t)
              .containsExactly(0, 0);
        }
      }
    });
  }

  /** A path file as attribution tools exchange it: path (touches joined by " > "), conversions, [value], nulls. */
  private static List<TimedPath> pathFile(Path file) throws IOException {
    List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    List<String> header = List.of(lines.get(0).split(";"));
    int conversions = header.indexOf("total_conversions");
    int value = header.indexOf("total_conversion_value");
    int nulls = header.indexOf("total_null");
    List<TimedPath> paths = new ArrayList<>();
    SplittableRandom random = new SplittableRandom(1707);
    for (String line : lines.subList(1, lines.size())) {
      String[] f = line.split(";");
      List<String> touches = List.of(f[0].split(" > "));
      paths.add(new TimedPath(new AggregatedPath(touches, Double.parseDouble(f[conversions]),
          value < 0 ? 0 : Double.parseDouble(f[value]), Double.parseDouble(f[nulls])), times(random, touches.size())));
    }
    return paths;
  }

  @Test
  void theAxiomsHoldOnTheSharedPathFiles() throws IOException {
    for (String name : List.of("channelattribution/toy-paths.csv", "channelattribution/paths.csv")) {
      List<TimedPath> paths = pathFile(SharedData.require(name));
      Map<String, Map<String, double[]>> models = everyModel(paths, DIRECT);
      assertEfficient(paths, models, name);
      assertBounded(paths, models, name);
      assertNothingForNeverConverting(paths, models, name);
    }
  }
}
