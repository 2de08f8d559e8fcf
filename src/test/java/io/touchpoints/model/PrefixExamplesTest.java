package io.touchpoints.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.touchpoints.testing.CleanEvents;
import io.touchpoints.testing.SparkTestBase;
import java.util.List;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;

/** The features of every prefix of a hand-made customer, values written out. */
class PrefixExamplesTest extends SparkTestBase {

  /**
   * c1: journey 1 = email (Mon 2024-01-01 10:00), web_visit (10:20), email (11:30), then a conversion (12:00) and a
   * survey (12:05, CSAT 4, NPS 9); journey 2 = display_ad (Tue 08:00), social (14:00), with an explicit churn event at
   * 10:00 between them.
   */
  private ModelTestData.Tables handMade() {
    CleanEvents events = new CleanEvents()
        .add("c1", "2024-01-01T10:00:00Z", "email", "interaction")
        .add("c1", "2024-01-01T10:20:00Z", "web_visit", "interaction")
        .add("c1", "2024-01-01T11:30:00Z", "email", "interaction")
        .add("c1", "2024-01-01T12:00:00Z", "checkout", "conversion")
        .survey("c1", "2024-01-01T12:05:00Z", 4, 9, null)
        .add("c1", "2024-01-02T08:00:00Z", "display_ad", "interaction")
        .add("c1", "2024-01-02T10:00:00Z", "display_ad", "churn")
        .add("c1", "2024-01-02T14:00:00Z", "social", "interaction");
    return ModelTestData.tables(session(), events);
  }

  private List<Row> examples(boolean endLabel) {
    ModelTestData.Tables t = handMade();
    return PrefixExamples.build(t.journeys(), t.events(), 3, endLabel)
        .orderBy(ModelColumns.JOURNEY_ID, ModelColumns.PREFIX_LENGTH).collectAsList();
  }

  @Test
  void everyPrefixWithItsFeaturesAndNextTouchpoint() {
    List<Row> rows = examples(false);
    assertThat(rows).hasSize(5);

    Row first = rows.get(0);
    assertThat(first.<String>getAs(ModelColumns.JOURNEY_ID)).isEqualTo("c1:1");
    assertThat(first.getList(first.fieldIndex(ModelColumns.PREFIX))).containsExactly("email");
    assertThat(first.<String>getAs(ModelColumns.LABEL)).isEqualTo("web_visit");
    assertThat(first.<String>getAs(ModelColumns.last(1))).isEqualTo("email");
    assertThat(first.<String>getAs(ModelColumns.last(2))).isEqualTo(ModelColumns.NONE);
    assertThat(first.<String>getAs(ModelColumns.ngram(3))).isEqualTo("(none) > (none) > email");
    assertThat(first.<Double>getAs(ModelColumns.HOURS_SINCE_PREVIOUS)).isEqualTo(0.0);
    assertThat(first.<Integer>getAs(ModelColumns.HOUR_OF_DAY)).isEqualTo(10);
    assertThat(first.<Integer>getAs(ModelColumns.DAY_OF_WEEK)).as("Monday").isEqualTo(2);
    assertThat(first.<String>getAs(ModelColumns.STAGE)).as("no stage on these events").isEqualTo(ModelColumns.NONE);
    assertThat(first.<Integer>getAs(ModelColumns.PRIOR_JOURNEYS)).isZero();

    Row second = rows.get(1);
    assertThat(second.<Integer>getAs(ModelColumns.PREFIX_LENGTH)).isEqualTo(2);
    assertThat(second.<String>getAs(ModelColumns.LABEL)).isEqualTo("email");
    assertThat(second.<String>getAs(ModelColumns.ngram(2))).isEqualTo("email > web_visit");
    assertThat(second.<Double>getAs(ModelColumns.HOURS_SINCE_PREVIOUS)).isCloseTo(20.0 / 60, within(1e-9));

    Row third = rows.get(2);
    assertThat(third.getList(third.fieldIndex(ModelColumns.PREFIX))).containsExactly("email", "web_visit", "email");
    assertThat(third.<String>getAs(ModelColumns.LABEL)).as("nothing follows").isNull();
    assertThat(third.<String>getAs(ModelColumns.ngram(3))).isEqualTo("email > web_visit > email");
    assertThat(third.<String>getAs(ModelColumns.last(3))).isEqualTo("email");
    assertThat(third.<Double>getAs(ModelColumns.HOURS_SINCE_PREVIOUS)).isCloseTo(70.0 / 60, within(1e-9));
    assertThat(third.<Double>getAs(ModelColumns.HOURS_SINCE_START)).isCloseTo(1.5, within(1e-9));
    assertThat(third.<Integer>getAs(ModelColumns.CONVERSIONS_BEFORE)).as("the conversion comes later").isZero();

    Row fourth = rows.get(3);
    assertThat(fourth.<String>getAs(ModelColumns.JOURNEY_ID)).isEqualTo("c1:2");
    assertThat(fourth.<String>getAs(ModelColumns.LABEL)).isEqualTo("social");
    assertThat(fourth.<Integer>getAs(ModelColumns.DAY_OF_WEEK)).as("Tuesday").isEqualTo(3);
    assertThat(fourth.<Integer>getAs(ModelColumns.PRIOR_JOURNEYS)).isEqualTo(1);
    assertThat(fourth.<Integer>getAs(ModelColumns.PRIOR_CONVERSIONS)).isEqualTo(1);
    assertThat(fourth.<Integer>getAs(ModelColumns.CONVERSIONS_BEFORE)).isEqualTo(1);
    assertThat(fourth.<Integer>getAs(ModelColumns.SURVEYS_BEFORE)).isEqualTo(1);
    assertThat(fourth.<Double>getAs(ModelColumns.CSAT_MEAN_BEFORE)).isEqualTo(4.0);
    assertThat(fourth.<Double>getAs(ModelColumns.NPS_MEAN_BEFORE)).isEqualTo(9.0);
    assertThat(fourth.<Integer>getAs(ModelColumns.CHURNED_BEFORE)).as("churn event at 10:00 is later").isZero();

    Row fifth = rows.get(4);
    assertThat(fifth.<Integer>getAs(ModelColumns.CHURNED_BEFORE)).as("churn event at 10:00 is earlier").isEqualTo(1);
    assertThat(fifth.<Double>getAs(ModelColumns.HOURS_SINCE_PREVIOUS)).isCloseTo(6.0, within(1e-9));
    assertThat(fifth.<Integer>getAs(ModelColumns.HOUR_OF_DAY)).isEqualTo(14);
    assertThat(fifth.<String>getAs(ModelColumns.LABEL)).isNull();
  }

  @Test
  void endOfJourneyIsALabelWhenConfigured() {
    List<String> labels = examples(true).stream().map(r -> r.<String>getAs(ModelColumns.LABEL)).toList();
    assertThat(labels).containsExactly("web_visit", "email", ModelColumns.END_LABEL, "social", ModelColumns.END_LABEL);
  }
}
