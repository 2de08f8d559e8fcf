package io.touchpoints.generate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The ground truth of one generated data set, written next to it as {@code truth.json}: the settings, the planted
 * parameters per touchpoint, the Markov chain of journeys, and what was actually written (realised counts).
 *
 * <p>JSON field names are snake_case and fixed here (not derived by reflection) so that renaming a Java accessor
 * never changes the file. The meaning of every parameter is defined by the process on {@link SyntheticLogGenerator}.
 *
 * @param settings the settings the data set was generated with
 * @param touchpoints planted parameters, one per interaction touchpoint
 * @param startDistribution touchpoint -> probability that a journey starts there
 * @param transitions from-touchpoint -> (to-touchpoint or {@code "(exit)"} -> probability), conditional on the touch
 *     not converting; each row sums to 1
 * @param realised counts measured on the generated rows
 * @param effects the planted causal effects of {@link CausalModel} when the settings ask for the causal process;
 *     then the touchpoints, start distribution and transitions (of the Markov chain, not used) are empty. Empty
 *     otherwise, and left out of the JSON.
 */
public record PlantedTruth(
    GeneratorSettings settings,
    List<TouchpointTruth> touchpoints,
    Map<String, Double> startDistribution,
    Map<String, Map<String, Double>> transitions,
    RealisedCounts realised,
    List<EffectTruth> effects) {

  /** Label of the "journey ends unconverted" state in {@link #transitions()}. */
  public static final String EXIT = PlantedModel.EXIT;

  public PlantedTruth {
    touchpoints = List.copyOf(touchpoints);
    effects = List.copyOf(effects);
    startDistribution = Collections.unmodifiableMap(new LinkedHashMap<>(startDistribution));
    Map<String, Map<String, Double>> rows = new LinkedHashMap<>();
    transitions.forEach((from, row) -> rows.put(from, Collections.unmodifiableMap(new LinkedHashMap<>(row))));
    transitions = Collections.unmodifiableMap(rows);
  }

  /**
   * Planted parameters of one touchpoint.
   *
   * @param conversionPropensity P(a touch here is directly followed by a conversion in the same journey; surveys are
   *     not counted as touches)
   * @param churnHazard P(customer churns after a journey whose last interaction was here)
   * @param surveyResponseRate P(a touch here is followed by a survey rating it, within 1-48 hours)
   * @param csatMean mean CSAT (1-5) of surveys rating this touchpoint
   * @param satisfiedShare P(CSAT >= 4), exact
   * @param npsMeanScore mean NPS score (0-10)
   * @param nps expected %promoters (9-10) - %detractors (0-6), exact, -100..100
   */
  public record TouchpointTruth(
      String name,
      String channel,
      String stage,
      double conversionPropensity,
      double churnHazard,
      double surveyResponseRate,
      double csatMean,
      double satisfiedShare,
      double npsMeanScore,
      double nps) {}

  /**
   * A planted causal effect: the change in the probability of the outcome when a journey includes the touchpoint
   * rather than not, for comparable customers.
   *
   * @param touchpoint the treatment
   * @param outcome conversion (within the journey) or churn (within 30 days of the journey's start)
   * @param average the average over journeys
   * @param bySegment the effect within each segment, keyed {@code attribute=value}
   * @param confounded whether exposure depends on customer attributes that also move the outcome (false: randomised)
   */
  public record EffectTruth(String touchpoint, String outcome, double average, Map<String, Double> bySegment,
      boolean confounded) {
    public EffectTruth {
      bySegment = Collections.unmodifiableMap(new LinkedHashMap<>(bySegment));
    }
  }

  /** The planted effect of a touchpoint on an outcome. */
  public EffectTruth effect(String touchpoint, String outcome) {
    return effects.stream().filter(e -> e.touchpoint().equals(touchpoint) && e.outcome().equals(outcome))
        .findFirst()
        .orElseThrow(() -> new IllegalArgumentException("no planted effect of " + touchpoint + " on " + outcome));
  }

  /**
   * What was written, counted by one aggregation over the generated rows.
   *
   * @param rowsWritten all rows, planted problems included
   * @param duplicateRows extra copies of clean rows (rows minus distinct rows)
   * @param invalidRows reason code -> invalid rows, every {@link InvalidReason} present (0 when none); in Parquet,
   *     unparseable times are null and counted under MISSING_TIME
   * @param anonymousCustomers customers whose first events carry only an anonymous id
   * @param customers customers with at least one event in the window
   * @param journeys journeys with at least one event in the window
   * @param conversions clean conversion events
   * @param surveys clean survey events
   * @param churnEvents clean explicit churn events
   * @param churnedCustomers customers who churned in the window, explicitly or silently
   */
  public record RealisedCounts(
      long rowsWritten,
      long duplicateRows,
      Map<String, Long> invalidRows,
      long anonymousCustomers,
      long customers,
      long journeys,
      long conversions,
      long surveys,
      long churnEvents,
      long churnedCustomers) {
    public RealisedCounts {
      invalidRows = Collections.unmodifiableMap(new LinkedHashMap<>(invalidRows));
    }

    /** All invalid rows, whatever the reason. */
    public long invalidTotal() {
      return invalidRows.values().stream().mapToLong(Long::longValue).sum();
    }
  }

  /** Parameters of a named touchpoint. */
  public TouchpointTruth touchpoint(String name) {
    return touchpoints.stream().filter(t -> t.name().equals(name)).findFirst()
        .orElseThrow(() -> new IllegalArgumentException("no touchpoint '" + name + "' in the truth"));
  }

  /** The truth of the standard model under these settings, with the given realised counts. */
  static PlantedTruth of(GeneratorSettings settings, PlantedModel model, RealisedCounts realised) {
    List<TouchpointTruth> touchpoints = new ArrayList<>();
    Map<String, Double> start = new LinkedHashMap<>();
    Map<String, Map<String, Double>> transitions = new LinkedHashMap<>();
    if (settings.causal()) {
      return new PlantedTruth(settings, touchpoints, start, transitions, realised, new CausalModel().truth());
    }
    List<String> states = model.transitionStates();
    for (int i = 0; i < model.size(); i++) {
      touchpoints.add(new TouchpointTruth(model.names[i], model.channels[i], model.stages[i], model.conversion[i],
          model.churn[i], model.surveyRate[i], model.csatMean[i], PlantedModel.satisfiedShare(model.csatMean[i]),
          model.npsMeanScore[i], PlantedModel.expectedNps(model.npsMeanScore[i])));
      start.put(model.names[i], model.start[i]);
      Map<String, Double> row = new LinkedHashMap<>();
      for (int j = 0; j < states.size(); j++) {
        row.put(states.get(j), model.transitions[i][j]);
      }
      transitions.put(model.names[i], row);
    }
    return new PlantedTruth(settings, touchpoints, start, transitions, realised, List.of());
  }

  // ---- JSON ----

  private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  /** The truth as pretty-printed JSON. */
  public String toJson() {
    ObjectNode root = JSON.createObjectNode();
    ObjectNode s = root.putObject("settings");
    s.put("customers", settings.customers());
    s.put("days", settings.days());
    s.put("seed", settings.seed());
    s.put("start_date", settings.startDate().toString());
    s.put("end_date", settings.endDate().toString());
    s.put("anonymous_share", settings.anonymousShare());
    s.put("duplicate_share", settings.duplicateShare());
    s.put("invalid_share", settings.invalidShare());
    s.put("format", settings.format());
    s.put("output", settings.outputPath());
    s.put("partitions", settings.partitions());
    if (settings.causal()) {
      s.put("causal", true);
    }
    var list = root.putArray("touchpoints");
    for (TouchpointTruth t : touchpoints) {
      ObjectNode n = list.addObject();
      n.put("name", t.name());
      n.put("channel", t.channel());
      n.put("stage", t.stage());
      n.put("conversion_propensity", t.conversionPropensity());
      n.put("churn_hazard", t.churnHazard());
      n.put("survey_response_rate", t.surveyResponseRate());
      n.put("csat_mean", t.csatMean());
      n.put("satisfied_share", t.satisfiedShare());
      n.put("nps_mean_score", t.npsMeanScore());
      n.put("nps", t.nps());
    }
    ObjectNode start = root.putObject("start_distribution");
    startDistribution.forEach(start::put);
    ObjectNode trans = root.putObject("transitions");
    transitions.forEach((from, row) -> {
      ObjectNode r = trans.putObject(from);
      row.forEach(r::put);
    });
    ObjectNode c = root.putObject("realised");
    c.put("rows_written", realised.rowsWritten());
    c.put("duplicate_rows", realised.duplicateRows());
    ObjectNode invalid = c.putObject("invalid_rows");
    realised.invalidRows().forEach(invalid::put);
    c.put("anonymous_customers", realised.anonymousCustomers());
    c.put("customers", realised.customers());
    c.put("journeys", realised.journeys());
    c.put("conversions", realised.conversions());
    c.put("surveys", realised.surveys());
    c.put("churn_events", realised.churnEvents());
    c.put("churned_customers", realised.churnedCustomers());
    if (!effects.isEmpty()) {
      var effectList = root.putArray("effects");
      for (EffectTruth e : effects) {
        ObjectNode n = effectList.addObject();
        n.put("touchpoint", e.touchpoint());
        n.put("outcome", e.outcome());
        n.put("average", e.average());
        ObjectNode segments = n.putObject("by_segment");
        e.bySegment().forEach(segments::put);
        n.put("confounded", e.confounded());
      }
    }
    try {
      return JSON.writeValueAsString(root) + "\n";
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Parses {@link #toJson()} output. */
  public static PlantedTruth fromJson(String json) {
    JsonNode root;
    try {
      root = JSON.readTree(json);
    } catch (IOException e) {
      throw new IllegalArgumentException("truth is not valid JSON: " + e.getMessage(), e);
    }
    JsonNode s = required(root, "settings");
    GeneratorSettings settings = new GeneratorSettings(
        required(s, "customers").asLong(), required(s, "days").asInt(), required(s, "seed").asLong(),
        LocalDate.parse(required(s, "start_date").asText()), required(s, "anonymous_share").asDouble(),
        required(s, "duplicate_share").asDouble(), required(s, "invalid_share").asDouble(),
        required(s, "format").asText(), required(s, "output").asText(), required(s, "partitions").asInt(),
        s.path("causal").asBoolean(false));
    List<TouchpointTruth> touchpoints = new ArrayList<>();
    for (JsonNode n : required(root, "touchpoints")) {
      touchpoints.add(new TouchpointTruth(required(n, "name").asText(), required(n, "channel").asText(),
          required(n, "stage").asText(), required(n, "conversion_propensity").asDouble(),
          required(n, "churn_hazard").asDouble(), required(n, "survey_response_rate").asDouble(),
          required(n, "csat_mean").asDouble(), required(n, "satisfied_share").asDouble(),
          required(n, "nps_mean_score").asDouble(), required(n, "nps").asDouble()));
    }
    Map<String, Double> start = doubles(required(root, "start_distribution"));
    Map<String, Map<String, Double>> transitions = new LinkedHashMap<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = required(root, "transitions").fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      transitions.put(e.getKey(), doubles(e.getValue()));
    }
    JsonNode c = required(root, "realised");
    Map<String, Long> invalid = new LinkedHashMap<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = required(c, "invalid_rows").fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      invalid.put(e.getKey(), e.getValue().asLong());
    }
    RealisedCounts realised = new RealisedCounts(required(c, "rows_written").asLong(),
        required(c, "duplicate_rows").asLong(), invalid, required(c, "anonymous_customers").asLong(),
        required(c, "customers").asLong(), required(c, "journeys").asLong(), required(c, "conversions").asLong(),
        required(c, "surveys").asLong(), required(c, "churn_events").asLong(),
        required(c, "churned_customers").asLong());
    List<EffectTruth> effects = new ArrayList<>();
    for (JsonNode n : root.path("effects")) {
      effects.add(new EffectTruth(required(n, "touchpoint").asText(), required(n, "outcome").asText(),
          required(n, "average").asDouble(), doubles(required(n, "by_segment")), required(n, "confounded").asBoolean()));
    }
    return new PlantedTruth(settings, touchpoints, start, transitions, realised, effects);
  }

  /** Loads a {@code truth.json} file. */
  public static PlantedTruth read(Path file) {
    try {
      return fromJson(Files.readString(file));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read truth file " + file, e);
    }
  }

  private static Map<String, Double> doubles(JsonNode object) {
    Map<String, Double> out = new LinkedHashMap<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = object.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      out.put(e.getKey(), e.getValue().asDouble());
    }
    return out;
  }

  private static JsonNode required(JsonNode node, String field) {
    JsonNode value = node.get(field);
    if (value == null || value.isNull()) {
      throw new IllegalArgumentException("truth JSON lacks field '" + field + "'");
    }
    return value;
  }
}
