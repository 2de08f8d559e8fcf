package io.touchpoints.generate;

import io.touchpoints.input.EventColumns;
import java.io.Serializable;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.SplittableRandom;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;

/**
 * Simulates one customer's events, from the customer index alone: the random stream is seeded from (seed, index) only,
 * so a customer's rows are the same whichever partition or executor produces them. Runs inside
 * {@code flatMap} on executors; holds only the model and a few numbers of the settings.
 *
 * <p>Output rows follow {@link SyntheticLogGenerator#MARKED_SCHEMA}: the event columns, then bookkeeping columns that
 * say what each row is (clean, duplicate, invalid with its reason) and flag firsts (customer, journey) so that the
 * realised counts are one aggregation. The process itself is described on {@link SyntheticLogGenerator}.
 */
final class CustomerSimulator implements FlatMapFunction<Long, Row>, Serializable {
  private static final long serialVersionUID = 1L;

  static final String UNPARSEABLE_TIME_TEXT = "not-a-time";
  static final String UNKNOWN_EVENT_TYPE_TEXT = "purchase?";
  static final int BAD_CSAT = 7;
  static final int BAD_NPS = 11;
  static final BigDecimal NEGATIVE_REVENUE = new BigDecimal("-10.00");

  static final String SEGMENT_CONSUMER = "consumer";
  static final String SEGMENT_BUSINESS = "business";
  static final double BUSINESS_SHARE = 0.25;
  /** Share of rows written without channel and stage, left for the job's taxonomy to fill. */
  static final double BLANK_CHANNEL_SHARE = 0.3;
  /** Share of surveys that name the touchpoint they rate; the rest are linked to the most recent interaction. */
  static final double RATED_TOUCHPOINT_SHARE = 0.7;
  /** Share of churners that get an explicit churn event; the rest go silent. */
  static final double EXPLICIT_CHURN_SHARE = 0.5;
  /** Median revenue of a conversion by segment; log-normal with {@link #REVENUE_SIGMA}. */
  static final double CONSUMER_MEDIAN_REVENUE = 60.0;
  static final double BUSINESS_MEDIAN_REVENUE = 350.0;
  static final double REVENUE_SIGMA = 0.7;

  static final String KIND_CLEAN = "clean";
  static final String KIND_DUPLICATE = "duplicate";
  static final String KIND_INVALID = "invalid";

  private static final long MINUTE = 60;
  private static final long HOUR = 3600;
  private static final long DAY = 86_400;
  private static final InvalidReason[] REASONS = InvalidReason.values();

  private final PlantedModel model;
  private final CausalModel causalModel;
  /** Indices in {@link PlantedModel#names} of {@link CausalModel#ENTRY} and {@link CausalModel#TREATMENTS}. */
  private final int[] entryStates;
  private final int[] treatmentStates;
  private final boolean causal;
  private final long seed;
  private final long windowStart;
  private final long windowEnd;
  private final long futureTimeBase;
  private final double anonymousShare;
  private final double duplicateShare;
  private final double invalidShare;
  private final int idWidth;

  CustomerSimulator(PlantedModel model, GeneratorSettings settings) {
    this.model = model;
    this.causalModel = new CausalModel();
    this.entryStates = states(model, CausalModel.ENTRY);
    this.treatmentStates = states(model, CausalModel.TREATMENTS);
    this.causal = settings.causal();
    this.seed = settings.seed();
    this.windowStart = settings.startDate().atStartOfDay(ZoneOffset.UTC).toEpochSecond();
    this.windowEnd = settings.endDate().atStartOfDay(ZoneOffset.UTC).toEpochSecond();
    this.futureTimeBase = settings.endDate().plusYears(5).atStartOfDay(ZoneOffset.UTC).toEpochSecond();
    this.anonymousShare = settings.anonymousShare();
    this.duplicateShare = settings.duplicateShare();
    this.invalidShare = settings.invalidShare();
    this.idWidth = Math.max(6, Long.toString(settings.customers() - 1).length());
  }

  @Override
  public Iterator<Row> call(Long index) {
    return simulate(index).iterator();
  }

  /** One simulated event before it becomes a row. */
  private static final class SimEvent {
    long time;
    String touchpoint;
    String type;
    String channel;
    String stage;
    BigDecimal revenue;
    Integer csat;
    Integer nps;
    String rated;
    int journey;
    boolean journeyStart;
  }

  /** The rows of customer {@code index}, ordered by time, with duplicates and invalid rows next to their source. */
  List<Row> simulate(long index) {
    SplittableRandom rng = new SplittableRandom(streamSeed(seed, index));
    String segment = rng.nextDouble() < BUSINESS_SHARE ? SEGMENT_BUSINESS : SEGMENT_CONSUMER;
    boolean anonymous = rng.nextDouble() < anonymousShare;
    List<SimEvent> events = new ArrayList<>();
    boolean churned = causal
        ? simulateCausalJourneys(rng, SimulatedCustomer.draw(seed, index), segment, events)
        : simulateJourneys(rng, segment, events);
    // Stable sort: a survey and a conversion in the same second keep their order of creation.
    events.sort(Comparator.comparingLong(e -> e.time));
    return toRows(rng, index, segment, anonymous, churned, events);
  }

  /** Appends the customer's events (unordered); returns whether the customer churned within the window. */
  private boolean simulateJourneys(SplittableRandom rng, String segment, List<SimEvent> events) {
    long t = windowStart + rng.nextLong(windowEnd - windowStart);
    int journey = 0;
    while (true) {
      int state = sample(rng, model.start);
      long journeyLast = t;
      boolean first = true;
      int lastInteraction;
      while (true) {
        events.add(interaction(t, state, journey, first));
        first = false;
        lastInteraction = state;
        long surveyTime = t;
        if (rng.nextDouble() < model.surveyRate[state]) {
          surveyTime = t + HOUR + rng.nextLong(47 * HOUR + 1);
          events.add(survey(rng, surveyTime, state, journey));
          journeyLast = Math.max(journeyLast, surveyTime);
        }
        if (rng.nextDouble() < model.conversion[state]) {
          long conversionTime = t + logUniform(rng, 5 * MINUTE, 8 * HOUR);
          events.add(conversion(rng, conversionTime, segment, journey));
          journeyLast = Math.max(journeyLast, conversionTime);
          break;
        }
        int next = sample(rng, model.transitions[state]);
        if (next == model.size()) {
          break;
        }
        // The next touch comes after this touch's survey, so "most recent interaction" links the survey right.
        t = surveyTime + withinJourneyGap(rng);
        journeyLast = Math.max(journeyLast, t);
        if (t >= windowEnd) {
          return false;
        }
        state = next;
      }
      if (journeyLast >= windowEnd) {
        return false;
      }
      if (rng.nextDouble() < model.churn[lastInteraction]) {
        if (rng.nextDouble() < EXPLICIT_CHURN_SHARE) {
          long churnTime = journeyLast + DAY + rng.nextLong(13 * DAY + 1);
          events.add(churnEvent(churnTime, lastInteraction, journey));
        }
        return true;
      }
      // Longer than the default 30-day inactivity window, measured from the journey's very last event.
      t = journeyLast + 31 * DAY + rng.nextLong(49 * DAY + 1);
      if (t >= windowEnd) {
        return false;
      }
      journey++;
    }
  }

  /**
   * The causal process of {@link CausalModel}; appends the customer's events (unordered) and returns whether the
   * customer churned within the window.
   */
  private boolean simulateCausalJourneys(SplittableRandom rng, SimulatedCustomer x, String segment,
      List<SimEvent> events) {
    long t = windowStart + rng.nextLong(windowEnd - windowStart);
    int journey = 0;
    while (true) {
      List<Integer> touches = new ArrayList<>();
      touches.add(entryStates[sample(rng, CausalModel.ENTRY_PROBABILITY)]);
      double conversionProbability = causalModel.baseConversion(x);
      double churnProbability = causalModel.baseChurn(x);
      List<Integer> treated = new ArrayList<>();
      for (int k = 0; k < causalModel.treatments(); k++) {
        if (rng.nextDouble() < causalModel.propensity(k, x)) {
          treated.add(treatmentStates[k]);
          conversionProbability += causalModel.conversionEffect(k, x);
          churnProbability += causalModel.churnEffect(k);
        }
      }
      for (int i = treated.size() - 1; i > 0; i--) {
        int j = rng.nextInt(i + 1);
        treated.set(j, treated.set(i, treated.get(j)));
      }
      touches.addAll(treated);
      long touchTime = t;
      for (int i = 0; i < touches.size(); i++) {
        if (i > 0) {
          touchTime += withinJourneyGap(rng);
        }
        events.add(interaction(touchTime, touches.get(i), journey, i == 0));
      }
      long journeyLast = touchTime;
      if (rng.nextDouble() < conversionProbability) {
        journeyLast = touchTime + logUniform(rng, 5 * MINUTE, 8 * HOUR);
        events.add(conversion(rng, journeyLast, segment, journey));
      }
      if (journeyLast >= windowEnd) {
        return false;
      }
      if (rng.nextDouble() < churnProbability) {
        if (rng.nextDouble() < EXPLICIT_CHURN_SHARE) {
          // 1-3 days: with at most 5 gaps of 5 days, churn stays within 30 days of the journey's start.
          long churnTime = journeyLast + DAY + rng.nextLong(2 * DAY + 1);
          events.add(churnEvent(churnTime, touches.get(touches.size() - 1), journey));
        }
        return true;
      }
      t = journeyLast + 31 * DAY + rng.nextLong(49 * DAY + 1);
      if (t >= windowEnd) {
        return false;
      }
      journey++;
    }
  }

  private static int[] states(PlantedModel model, String[] names) {
    int[] out = new int[names.length];
    for (int i = 0; i < names.length; i++) {
      out[i] = List.of(model.names).indexOf(names[i]);
      if (out[i] < 0) {
        throw new IllegalStateException("causal touchpoint " + names[i] + " is not a planted touchpoint");
      }
    }
    return out;
  }

  /** Mostly hours to a few days, sometimes minutes so that sessions hold several touches; at most 5 days. */
  private static long withinJourneyGap(SplittableRandom rng) {
    double u = rng.nextDouble();
    if (u < 0.3) {
      return MINUTE + rng.nextLong(28 * MINUTE + 1);
    }
    if (u < 0.8) {
      return logUniform(rng, HOUR, 24 * HOUR);
    }
    return DAY + rng.nextLong(4 * DAY + 1);
  }

  private static SimEvent event(long time, String touchpoint, String type, String channel, String stage,
      int journey) {
    SimEvent e = new SimEvent();
    e.time = time;
    e.touchpoint = touchpoint;
    e.type = type;
    e.channel = channel;
    e.stage = stage;
    e.journey = journey;
    return e;
  }

  private SimEvent interaction(long time, int state, int journey, boolean journeyStart) {
    SimEvent e = event(time, model.names[state], EventColumns.TYPE_INTERACTION, model.channels[state],
        model.stages[state], journey);
    e.journeyStart = journeyStart;
    return e;
  }

  private SimEvent survey(SplittableRandom rng, long time, int rated, int journey) {
    SimEvent e = event(time, PlantedModel.SURVEY, EventColumns.TYPE_SURVEY, model.surveyChannel, model.surveyStage,
        journey);
    // Binomial draws make the means exact: E[1 + Bin(4, (m-1)/4)] = m and E[Bin(10, m/10)] = m.
    e.csat = 1 + binomial(rng, 4, (model.csatMean[rated] - 1.0) / 4.0);
    e.nps = binomial(rng, 10, model.npsMeanScore[rated] / 10.0);
    e.rated = rng.nextDouble() < RATED_TOUCHPOINT_SHARE ? model.names[rated] : null;
    return e;
  }

  private SimEvent conversion(SplittableRandom rng, long time, String segment, int journey) {
    SimEvent e = event(time, PlantedModel.CHECKOUT, EventColumns.TYPE_CONVERSION, model.checkoutChannel,
        model.checkoutStage, journey);
    double median = SEGMENT_BUSINESS.equals(segment) ? BUSINESS_MEDIAN_REVENUE : CONSUMER_MEDIAN_REVENUE;
    double amount = median * Math.exp(REVENUE_SIGMA * rng.nextGaussian());
    e.revenue = BigDecimal.valueOf(Math.max(0.01, amount)).setScale(2, RoundingMode.HALF_UP);
    return e;
  }

  private SimEvent churnEvent(long time, int lastInteraction, int journey) {
    // Churn is recorded at the touchpoint of the last interaction, the one whose hazard decided it.
    return event(time, model.names[lastInteraction], EventColumns.TYPE_CHURN, model.channels[lastInteraction],
        model.stages[lastInteraction], journey);
  }

  private List<Row> toRows(SplittableRandom rng, long index, String segment, boolean anonymous, boolean churned,
      List<SimEvent> all) {
    List<SimEvent> events = new ArrayList<>(all.size());
    for (SimEvent e : all) {
      if (e.time < windowEnd) {
        events.add(e);
      }
    }
    String customerId = customerId(index);
    String anonymousId = anonymous ? "anon-" + Long.toHexString(anonymousNumber(seed, index)) : null;
    int anonymousPrefix = anonymous ? anonymousPrefix(events) : 0;
    List<Row> rows = new ArrayList<>(events.size() + 2);
    int seq = 0;
    for (int i = 0; i < events.size(); i++) {
      SimEvent e = events.get(i);
      boolean blank = rng.nextDouble() < BLANK_CHANNEL_SHARE;
      Object[] v = new Object[SyntheticLogGenerator.MARKED_SCHEMA.size()];
      v[0] = "e" + index + "-" + seq++;
      v[1] = i < anonymousPrefix ? null : customerId;
      v[2] = i <= anonymousPrefix ? anonymousId : null;
      v[3] = Instant.ofEpochSecond(e.time).toString();
      v[4] = e.touchpoint;
      v[5] = e.type;
      v[6] = blank ? null : e.channel;
      v[7] = blank ? null : e.stage;
      v[8] = e.revenue;
      v[9] = e.csat;
      v[10] = e.nps;
      v[11] = e.rated;
      v[12] = segment;
      v[13] = KIND_CLEAN;
      v[14] = null;
      v[15] = i == 0 ? 1 : 0;
      v[16] = e.journeyStart ? 1 : 0;
      v[17] = i == 0 && anonymous ? 1 : 0;
      v[18] = i == 0 && churned ? 1 : 0;
      rows.add(RowFactory.create(v));
      if (rng.nextDouble() < duplicateShare) {
        Object[] copy = v.clone();
        copy[13] = KIND_DUPLICATE;
        copy[15] = 0;
        copy[16] = 0;
        copy[17] = 0;
        copy[18] = 0;
        rows.add(RowFactory.create(copy));
      }
      if (rng.nextDouble() < invalidShare) {
        InvalidReason reason = REASONS[rng.nextInt(REASONS.length)];
        rows.add(RowFactory.create(invalidRow(rng, v, "e" + index + "-" + seq++, e.time, reason)));
      }
    }
    return rows;
  }

  /**
   * A copy of a clean row with a new event id (so it never duplicates another row) and exactly one problem. Rows that
   * need a survey or a conversion to be invalid are turned into one, with otherwise valid values.
   */
  private Object[] invalidRow(SplittableRandom rng, Object[] clean, String eventId, long time, InvalidReason reason) {
    Object[] v = clean.clone();
    v[0] = eventId;
    v[13] = KIND_INVALID;
    v[14] = reason.name();
    v[15] = 0;
    v[16] = 0;
    v[17] = 0;
    v[18] = 0;
    switch (reason) {
      case MISSING_CUSTOMER -> {
        v[1] = null;
        v[2] = null;
      }
      case MISSING_TIME -> v[3] = null;
      case UNPARSEABLE_TIME -> v[3] = UNPARSEABLE_TIME_TEXT;
      case UNKNOWN_EVENT_TYPE -> v[5] = UNKNOWN_EVENT_TYPE_TEXT;
      case CSAT_OUT_OF_RANGE -> asSurvey(v, BAD_CSAT, rng.nextInt(11));
      case NPS_OUT_OF_RANGE -> asSurvey(v, 1 + rng.nextInt(5), BAD_NPS);
      case NEGATIVE_REVENUE -> {
        v[4] = PlantedModel.CHECKOUT;
        v[5] = EventColumns.TYPE_CONVERSION;
        v[6] = model.checkoutChannel;
        v[7] = model.checkoutStage;
        v[8] = NEGATIVE_REVENUE;
        v[9] = null;
        v[10] = null;
        v[11] = null;
      }
      case FUTURE_TIME -> v[3] = Instant.ofEpochSecond(futureTimeBase + (time - windowStart)).toString();
      case MISSING_TOUCHPOINT -> v[4] = null;
      default -> throw new IllegalStateException("unhandled reason " + reason);
    }
    return v;
  }

  private void asSurvey(Object[] v, int csat, int nps) {
    v[4] = PlantedModel.SURVEY;
    v[5] = EventColumns.TYPE_SURVEY;
    v[6] = model.surveyChannel;
    v[7] = model.surveyStage;
    v[8] = null;
    v[9] = csat;
    v[10] = nps;
    v[11] = null;
  }

  /**
   * How many of the customer's first (time-ordered) events carry only the anonymous id: those of the first journey
   * before its conversion, or the first two when the first journey does not convert within the window.
   */
  private static int anonymousPrefix(List<SimEvent> events) {
    for (int i = 0; i < events.size(); i++) {
      SimEvent e = events.get(i);
      if (e.journey > 0) {
        break;
      }
      if (EventColumns.TYPE_CONVERSION.equals(e.type)) {
        return i;
      }
    }
    return Math.min(2, events.size());
  }

  /** The customer id of customer {@code index}, as written on its events. */
  String customerId(long index) {
    return "c" + zeroPadded(index);
  }

  private String zeroPadded(long index) {
    String digits = Long.toString(index);
    return digits.length() >= idWidth ? digits : "0".repeat(idWidth - digits.length()) + digits;
  }

  private static int sample(SplittableRandom rng, double[] distribution) {
    double u = rng.nextDouble();
    double cumulative = 0;
    for (int i = 0; i < distribution.length; i++) {
      cumulative += distribution[i];
      if (u < cumulative) {
        return i;
      }
    }
    // Rounding can leave the cumulative sum a hair under 1: the last state with mass takes the remainder.
    for (int i = distribution.length - 1; i >= 0; i--) {
      if (distribution[i] > 0) {
        return i;
      }
    }
    throw new IllegalStateException("empty distribution");
  }

  private static int binomial(SplittableRandom rng, int n, double p) {
    int k = 0;
    for (int i = 0; i < n; i++) {
      if (rng.nextDouble() < p) {
        k++;
      }
    }
    return k;
  }

  private static long logUniform(SplittableRandom rng, long min, long max) {
    return Math.round(Math.exp(Math.log(min) + rng.nextDouble() * (Math.log(max) - Math.log(min))));
  }

  /** Seed of customer {@code index}'s stream: a bijective mix, so distinct customers get distinct streams. */
  static long streamSeed(long seed, long index) {
    return mix64(mix64(seed) + index * 0x9E3779B97F4A7C15L);
  }

  /** Bijective in {@code index} for a fixed seed, so anonymous ids are unique; unrelated to the customer id text. */
  static long anonymousNumber(long seed, long index) {
    return mix64(index ^ mix64(seed ^ 0x5DEECE66DL));
  }

  /** MurmurHash3's 64-bit finaliser: a bijection that spreads bits. */
  private static long mix64(long z) {
    z = (z ^ (z >>> 33)) * 0xFF51AFD7ED558CCDL;
    z = (z ^ (z >>> 33)) * 0xC4CEB9FE1A85EC53L;
    return z ^ (z >>> 33);
  }
}
