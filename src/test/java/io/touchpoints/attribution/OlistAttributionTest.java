package io.touchpoints.attribution;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.touchpoints.config.JobConfig;
import io.touchpoints.input.EventReader;
import io.touchpoints.input.EventValidator;
import io.touchpoints.input.SourceMapping;
import io.touchpoints.journey.IdentityStitcher;
import io.touchpoints.journey.JourneyBuilder;
import io.touchpoints.testing.SharedData;
import io.touchpoints.testing.SparkTestBase;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;

/**
 * On the real Olist funnel every lead has one contact, so every journey has one touchpoint: every model must give each
 * origin exactly its own conversions, as first touch does.
 */
class OlistAttributionTest extends SparkTestBase {

  @Test
  void everyModelGivesEachOriginItsOwnConversions() {
    Map<String, Object> options = new HashMap<>();
    options.put("input.path", SharedData.require("olist-marketing-funnel").toString());
    options.put("input.mapping", SharedData.projectDir().resolve("conf/mappings/olist-marketing-funnel.conf")
        .toString());
    options.put("run_date", "2018-12-31");
    options.put("attribution.bootstrap_replicates", 0);
    options.put("attribution.order_fit_holdout", 0);
    JobConfig config = JobConfig.load(null, List.of(), options);
    EventValidator validator = new EventValidator(config.validation(), config.taxonomy(), config.runDate());
    Dataset<Row> raw = new EventReader(session()).read(config.inputPath(), config.inputFormat(),
        SourceMapping.load(config.mappingPath()));
    JourneyBuilder builder = new JourneyBuilder(config.journey());
    Dataset<Row> journeys = builder.journeys(builder.orderEvents(IdentityStitcher.stitch(
        validator.clean(validator.validate(raw)), config.journey().stitchIdentities())));
    AttributionRunner.Output out = new AttributionRunner(session(),
        AttributionSettings.from(config.raw().getConfig("attribution"))).run(PathSource.fromJourneys(journeys),
            journeys);

    Map<String, Map<String, Double>> byModel = new TreeMap<>();
    for (Row r : out.attribution().collectAsList()) {
      byModel.computeIfAbsent(r.getAs(AttributionColumns.MODEL), m -> new TreeMap<>())
          .put(r.getAs(AttributionColumns.TOUCHPOINT), r.<Double>getAs(AttributionColumns.CONVERSIONS));
    }
    Map<String, Double> first = byModel.get("first_touch");
    assertThat(first).as("origins with conversions").containsKeys("organic_search", "paid_search", "social",
        "not_recorded");
    assertThat(first.values().stream().mapToDouble(Double::doubleValue).sum()).as("closed deals").isEqualTo(842);
    assertThat(first.get("not_recorded")).as("not_recorded's own deals").isEqualTo(14);
    assertThat(byModel.keySet()).as("models").contains("last_touch", "last_non_direct", "linear", "position_based",
        "time_decay", "markov_1", "markov_2", "markov_3", "markov_4", "shapley");
    byModel.forEach((model, credits) -> first.forEach((origin, own) ->
        assertThat(credits.getOrDefault(origin, 0.0)).as(model + " credit of " + origin).isCloseTo(own,
            within(1e-9 * own + 1e-9))));
  }
}
