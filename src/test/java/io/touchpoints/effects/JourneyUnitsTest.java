package io.touchpoints.effects;

import static org.apache.spark.sql.functions.col;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.touchpoints.config.ConfigurationException;
import io.touchpoints.config.JobConfig;
import io.touchpoints.journey.IdentityStitcher;
import io.touchpoints.journey.JourneyBuilder;
import io.touchpoints.journey.JourneyColumns;
import io.touchpoints.testing.CleanEvents;
import io.touchpoints.testing.SparkTestBase;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;

/**
 * Units, exposure and outcomes on four hand-made customers. Horizon 10 days, churn window 5 days, churn inactivity
 * 30 days; the data ends 04-20 10:00 (C's touch), so churn is known for journeys starting by 03-16 10:00 and silence
 * means churn for a last event by 03-21 10:00.
 *
 * <ul>
 *   <li>A: email 01-01, social 01-05, conversion 01-08, survey 01-09 (CSAT 4, NPS 9); then web_visit 03-01 and
 *       nothing more. Journey 1: exposed to email and social, converts; A's last event (03-01) is not within 5 days
 *       of 01-01: no churn. Journey 2: exposed to web_visit, no conversion, silent churn at 03-01; one prior journey,
 *       one prior conversion, 60 days since first seen, last CSAT 4.</li>
 *   <li>B: email 01-01, churn event 01-04, chatbot 01-12, conversion 01-15: the window ends at the horizon
 *       (01-11), so chatbot is not an exposure and the conversion does not count; churned (explicit).</li>
 *   <li>C: social 04-20: its horizon runs past the data's end, left out.</li>
 *   <li>D: product_page 04-01: a unit, but churn not known yet.</li>
 * </ul>
 */
class JourneyUnitsTest extends SparkTestBase {

  private static EffectsSettings settings(int minGroup) {
    return new EffectsSettings(Duration.ofDays(10), Duration.ofDays(5), Duration.ofDays(30),
        EffectsSettings.LOGISTIC_REGRESSION, 2, 42, 0.01, 0.99, 0.1, minGroup, List.of(), 0.95, 20, 0.01, 3, 1);
  }

  private Dataset<Row>[] tables() {
    CleanEvents events = new CleanEvents()
        .add("A", "2024-01-01T10:00:00Z", "email", "interaction")
        .add("A", "2024-01-05T10:00:00Z", "social", "interaction")
        .add("A", "2024-01-08T10:00:00Z", "checkout", "conversion")
        .survey("A", "2024-01-09T10:00:00Z", 4, 9, null)
        .add("A", "2024-03-01T10:00:00Z", "web_visit", "interaction")
        .add("B", "2024-01-01T10:00:00Z", "email", "interaction")
        .add("B", "2024-01-04T10:00:00Z", "email", "churn")
        .add("B", "2024-01-12T10:00:00Z", "chatbot", "interaction")
        .add("B", "2024-01-15T10:00:00Z", "checkout", "conversion")
        .add("C", "2024-04-20T10:00:00Z", "social", "interaction")
        .add("D", "2024-04-01T10:00:00Z", "product_page", "interaction");
    JourneyBuilder builder = new JourneyBuilder(new JobConfig.JourneySettings(
        Duration.ofMinutes(30), Duration.ofDays(30), true, false, List.of()));
    Dataset<Row> ordered = builder.orderEvents(IdentityStitcher.stitch(events.toDataFrame(session()), true)).cache();
    @SuppressWarnings("unchecked")
    Dataset<Row>[] out = new Dataset[] {builder.journeys(ordered), JourneyBuilder.eventsTable(ordered)};
    return out;
  }

  @Test
  void exposureOutcomesHistoryAndLeftOutJourneysFollowTheDefinitions() {
    Dataset<Row>[] t = tables();
    JourneyUnits.Units units = JourneyUnits.build(t[0], t[1], null, settings(1));
    try {
      assertThat(units.journeys()).isEqualTo(5);
      assertThat(units.pastDataEnd()).as("C").isEqualTo(1);
      assertThat(units.churnUnknown()).as("D").isEqualTo(1);
      Map<String, Row> byKey = new HashMap<>();
      for (Row r : units.rows().orderBy(col(JourneyUnits.FIRST_TOUCHPOINT)).collectAsList()) {
        byKey.put(r.<String>getAs(JourneyColumns.CUSTOMER_ID) + r.<String>getAs(JourneyUnits.FIRST_TOUCHPOINT), r);
      }
      assertThat(byKey).containsOnlyKeys("Aemail", "Aweb_visit", "Bemail", "Dproduct_page");
      List<String> names = units.covariates();

      Row a1 = byKey.get("Aemail");
      assertThat(a1.<String>getList(a1.fieldIndex(JourneyUnits.TREATMENTS))).containsExactlyInAnyOrder("email", "social");
      assertThat(a1.<Double>getAs(JourneyUnits.CONVERSION)).isEqualTo(1.0);
      assertThat(a1.<Double>getAs(JourneyUnits.CHURN)).isEqualTo(0.0);
      assertThat(covariate(a1, names, "prior_journeys")).isEqualTo(0.0);
      assertThat(covariate(a1, names, "last_csat_missing")).isEqualTo(1.0);

      Row a2 = byKey.get("Aweb_visit");
      assertThat(a2.<String>getList(a2.fieldIndex(JourneyUnits.TREATMENTS))).containsExactly("web_visit");
      assertThat(a2.<Double>getAs(JourneyUnits.CONVERSION)).isEqualTo(0.0);
      assertThat(a2.<Double>getAs(JourneyUnits.CHURN)).as("silent churn").isEqualTo(1.0);
      assertThat(covariate(a2, names, "prior_journeys")).isEqualTo(1.0);
      assertThat(covariate(a2, names, "prior_conversions")).isEqualTo(1.0);
      assertThat(covariate(a2, names, "days_since_first_seen")).isEqualTo(60.0);
      assertThat(covariate(a2, names, "last_csat")).isEqualTo(4.0);
      assertThat(covariate(a2, names, "last_nps")).isEqualTo(9.0);
      assertThat(covariate(a2, names, "month_3")).isEqualTo(1.0);

      Row b = byKey.get("Bemail");
      assertThat(b.<String>getList(b.fieldIndex(JourneyUnits.TREATMENTS))).as("chatbot is after the horizon")
          .containsExactly("email");
      assertThat(b.<Double>getAs(JourneyUnits.CONVERSION)).as("converted after the horizon").isEqualTo(0.0);
      assertThat(b.<Double>getAs(JourneyUnits.CHURN)).as("explicit churn").isEqualTo(1.0);

      Row d = byKey.get("Dproduct_page");
      assertThat(d.<Double>getAs(JourneyUnits.CHURN)).as("churn not known yet").isNull();
    } finally {
      units.cached().unpersist();
    }
  }

  @Test
  void touchpointsWithTooFewJourneysGetNoEffectButTheirNaiveFiguresAndANote() {
    Dataset<Row>[] t = tables();
    EffectsResult result = new TouchpointEffects(settings(3)).compute(session(), t[0], t[1], null);
    Row email = result.effects()
        .filter(col(EffectColumns.TOUCHPOINT).equalTo("email").and(col(EffectColumns.OUTCOME).equalTo("conversion")))
        .first();
    assertThat(email.<Long>getAs(EffectColumns.TREATED)).isEqualTo(2);
    assertThat(email.<Long>getAs(EffectColumns.CONTROL)).isEqualTo(2);
    assertThat(email.<Double>getAs(EffectColumns.NAIVE_EFFECT)).as("1/2 - 0/2").isEqualTo(0.5);
    assertThat(email.<Double>getAs(EffectColumns.EFFECT)).isNull();
    assertThat(email.<String>getAs(EffectColumns.NOTE))
        .isEqualTo("too few journeys: 2 treated, 2 control (effects.min_group 3)");
    assertThat(result.effects().count()).as("4 touchpoints in exposure windows x 2 outcomes").isEqualTo(8);
    assertThat(result.estimated()).isZero();
    assertThat(result.effects().filter(col(EffectColumns.NOTE).startsWith("too few journeys")).count())
        .isEqualTo(8);
  }

  @Test
  void settingsAreValidatedAndReadFromTheDefaults() {
    JobConfig defaults = JobConfig.load(null, List.of(), Map.of());
    EffectsSettings s = EffectsSettings.from(defaults.raw());
    assertThat(s.horizon()).isEqualTo(Duration.ofDays(30));
    assertThat(s.model()).as("quick by default, see conf").isEqualTo(EffectsSettings.LOGISTIC_REGRESSION);
    assertThat(s.method()).isEqualTo("aipw_logistic_regression_2_folds");
    assertThatThrownBy(() -> EffectsSettings.from(defaults.with("effects.parallelism", 0).raw()))
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("effects.parallelism must be between 1 and 64, got 0");
    assertThatThrownBy(() -> s.withModel("forest", 5)).isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("effects.model");
    assertThatThrownBy(() -> s.withModel(EffectsSettings.BOOSTED_TREES, 1)).isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("effects.folds");
    assertThatThrownBy(() -> EffectsSettings.from(defaults.with("effects.clip_low", 0.7).raw()))
        .isInstanceOf(ConfigurationException.class).hasMessageContaining("effects.clip_low");
  }

  private static double covariate(Row r, List<String> names, String name) {
    assertThat(names).contains(name);
    return r.<scala.collection.Seq<Double>>getAs(JourneyUnits.BASE).apply(names.indexOf(name));
  }
}
