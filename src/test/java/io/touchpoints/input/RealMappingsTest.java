package io.touchpoints.input;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.when;
import static org.assertj.core.api.Assertions.assertThat;

import io.touchpoints.config.JobConfig;
import io.touchpoints.testing.SharedData;
import io.touchpoints.testing.SparkTestBase;
import java.nio.file.Path;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;

/**
 * The shipped mappings on the real public logs in {@code ../shared/data/} (skipped, saying so, when absent): row
 * counts, nothing quarantined, value maps, zones, and a per-origin conversion count checked against plain Spark.
 */
class RealMappingsTest extends SparkTestBase {

  private static final JobConfig CONFIG = JobConfig.load(null, List.of("run_date=2024-01-01"), Map.of());

  private static String mapping(String name) {
    return SharedData.projectDir().resolve("conf/mappings").resolve(name).toString();
  }

  private record Ingested(long read, long quarantined, Dataset<Row> clean) {}

  /** Reads and validates as the job's ingest stage does; the clean rows are cached. */
  private Ingested ingest(Path input, String mappingFile) {
    Dataset<Row> raw = new EventReader(session()).read(input.toString(), CONFIG.inputFormat(),
        SourceMapping.load(mappingFile));
    EventValidator validator = new EventValidator(CONFIG.validation(), CONFIG.taxonomy(), CONFIG.runDate());
    Dataset<Row> validated = validator.validate(raw);
    return new Ingested(raw.count(), EventValidator.quarantine(validated).count(),
        validator.clean(validated).cache());
  }

  private static Timestamp ts(String instant) {
    return Timestamp.from(Instant.parse(instant));
  }

  @Test
  void bpi2013IncidentsReadCompletelyWithNamedActivitiesInUtc() {
    Path events = SharedData.require("bpi2013-incidents/events.csv");
    Ingested in = ingest(events, mapping("bpi2013-incidents.conf"));
    Dataset<Row> clean = in.clean();
    try {
      assertThat(in.read()).as("rows read").isEqualTo(65_533);
      assertThat(in.quarantined()).as("rows quarantined").isZero();
      assertThat(clean.count()).as("clean rows").isEqualTo(65_533);
      assertThat(clean.select(EventColumns.JOURNEY_ID).distinct().count()).as("distinct journey ids (cases)")
          .isEqualTo(7_554);
      assertThat(clean.filter(col(EventColumns.JOURNEY_ID).notEqual(col(EventColumns.CUSTOMER_ID))).count())
          .as("rows whose journey id is not their case id").isZero();
      assertThat(clean.filter(col(EventColumns.TOUCHPOINT).rlike("^activity_(0[1-9]|1[0-3])$").unary_$bang())
          .count()).as("rows whose touchpoint is not activity_01..activity_13").isZero();
      List<String> constants = clean.select(EventColumns.EVENT_TYPE, EventColumns.CHANNEL, EventColumns.STAGE)
          .distinct().as(Encoders.tuple(Encoders.STRING(), Encoders.STRING(), Encoders.STRING()))
          .collectAsList().stream().map(Object::toString).toList();
      assertThat(constants).as("event type, channel and stage (mapping constants)")
          .containsExactly("(interaction,service_desk,post_purchase)");

      // The file's first data line: 1-364285768,1,2010-04-01 00:59:00 (Brussels summer time, UTC+2).
      Row first = clean.orderBy(EventColumns.INPUT_ORDER).first();
      assertThat(first.<String>getAs(EventColumns.CUSTOMER_ID)).as("first row's case").isEqualTo("1-364285768");
      assertThat(first.<String>getAs(EventColumns.TOUCHPOINT)).as("first row's activity 1")
          .isEqualTo("activity_01");
      assertThat(first.<Timestamp>getAs(EventColumns.EVENT_TIME)).as("first row's time, local 2010-04-01 00:59:00")
          .isEqualTo(ts("2010-03-31T22:59:00Z"));
    } finally {
      clean.unpersist();
    }
  }

  @Test
  void olistFunnelReadsLeadsAndDealsAndConversionsPerOriginMatchTheRawFiles() {
    Path folder = SharedData.require("olist-marketing-funnel");
    Ingested in = ingest(folder, mapping("olist-marketing-funnel.conf"));
    Dataset<Row> clean = in.clean();
    try {
      assertThat(in.read()).as("rows read (8,000 leads + 842 deals)").isEqualTo(8_842);
      assertThat(in.quarantined()).as("rows quarantined").isZero();
      Dataset<Row> interactions = clean.filter(col(EventColumns.EVENT_TYPE).equalTo(EventColumns.TYPE_INTERACTION));
      Dataset<Row> conversions = clean.filter(col(EventColumns.EVENT_TYPE).equalTo(EventColumns.TYPE_CONVERSION));
      assertThat(interactions.count()).as("interaction rows (leads)").isEqualTo(8_000);
      assertThat(conversions.count()).as("conversion rows (closed deals)").isEqualTo(842);
      assertThat(conversions.filter(col(EventColumns.TOUCHPOINT).notEqual(lit("closed_deal"))).count())
          .as("conversions not at closed_deal").isZero();
      // One closed deal in the file has an empty business_segment.
      assertThat(conversions.filter(col(EventColumns.SEGMENT).isNotNull()).count()).as("conversions with segment")
          .isEqualTo(841);
      assertThat(interactions.filter(col(EventColumns.SEGMENT).isNotNull()).count()).as("leads with segment")
          .isZero();
      assertThat(interactions.filter(col(EventColumns.TOUCHPOINT).equalTo("not_recorded")).count())
          .as("leads without origin").isEqualTo(60);

      // Times: dates and date-times in Sao Paulo (UTC-2 in summer time until 2018-02-18, then UTC-3).
      Row lead = interactions.filter(col(EventColumns.CUSTOMER_ID).equalTo("dac32acd4db4c29c230538b72f8dd87d"))
          .first();
      assertThat(lead.<Timestamp>getAs(EventColumns.EVENT_TIME)).as("first lead, first contact 2018-02-01")
          .isEqualTo(ts("2018-02-01T02:00:00Z"));
      Row deal = conversions.filter(col(EventColumns.CUSTOMER_ID).equalTo("5420aad7fec3549a85876ba1c529bd84"))
          .first();
      assertThat(deal.<Timestamp>getAs(EventColumns.EVENT_TIME)).as("first deal, won 2018-02-26 19:58:54")
          .isEqualTo(ts("2018-02-26T22:58:54Z"));
      assertThat(deal.<String>getAs(EventColumns.SEGMENT)).as("first deal's segment").isEqualTo("pet");

      // Conversions per origin through the job's events: each deal joined to its lead's interaction.
      Dataset<Row> throughJob = conversions.select(col(EventColumns.CUSTOMER_ID).as("lead"))
          .join(interactions.select(
              col(EventColumns.CUSTOMER_ID).as("lead"), col(EventColumns.TOUCHPOINT).as("origin")), "lead")
          .groupBy("origin").count();
      // The same straight from the raw files with plain Spark.
      var csv = session().read().option("header", "true").option("quote", "\"").option("escape", "\"");
      Dataset<Row> leads = csv.csv(folder.resolve("leads.csv").toString());
      Dataset<Row> deals = csv.csv(folder.resolve("closed_deals.csv").toString());
      Dataset<Row> direct = deals.select("mql_id").join(leads.select("mql_id", "origin"), "mql_id")
          .select(coalesce(when(col("origin").notEqual(""), col("origin")), lit("not_recorded")).as("origin"))
          .groupBy("origin").count();
      assertThat(direct.agg(min("count")).first().getLong(0)).as("smallest count per origin").isPositive();
      assertDataFrameNoOrderEquals(direct, throughJob);
      assertThat(throughJob.filter(col("origin").equalTo("not_recorded")).select("count").as(Encoders.LONG())
          .collectAsList()).as("deals of leads without origin").containsExactly(14L);
    } finally {
      clean.unpersist();
    }
  }
}
