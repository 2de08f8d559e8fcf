package io.touchpoints.input;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.touchpoints.config.JobConfig;
import io.touchpoints.testing.SparkTestBase;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Seeded messy files ({@link MessyLogGenerator}) through the reader and validator, checked row by row against what
 * the generator says each row must become. Invariants on every case: rows read = kept + quarantined; every kept
 * event equals its expected canonical row; every quarantined row has its expected reason and its raw record holds
 * its source fields (the line itself for JSON and for broken lines), with its exact bytes where they are invalid.
 */
class MessyInputFuzzTest extends SparkTestBase {

  private static final LocalDate RUN_DATE = LocalDate.of(2024, 6, 1);
  private static final JobConfig.ValidationSettings SETTINGS =
      new JobConfig.ValidationSettings(Duration.ofDays(1), LocalDate.of(1900, 1, 1), 1, 5, 0, 10);
  /** RFC 4180 files: a quote inside a quoted field is doubled. */
  static final String CSV_MAPPING = "mapping { options { escape = \"\\\"\" } }";
  private static final Pattern ID = Pattern.compile("k\\d+f\\d+r\\d+");
  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void messyFilesBecomeExactlyWhatTheGeneratorExpects() {
    fuzz(42L, 200, 100);
  }

  /** More cases, for the production profile. */
  @Test
  @Tag("production")
  void manyMoreMessyFiles() {
    fuzz(7L, 2000, 100);
  }

  private void fuzz(long seed, int cases, int casesPerRead) {
    MessyLogGenerator generator = new MessyLogGenerator(seed);
    int checked = 0;
    for (int batch = 0; checked < cases; batch++) {
      boolean json = batch % 2 == 1;
      generator.newBatch(3);
      Path dir = newTempDir("fuzz");
      List<MessyLogGenerator.Expected> expected = new ArrayList<>();
      for (int c = 0; c < casesPerRead && checked < cases; c++, checked++) {
        expected.addAll(generator.writeCase(dir, "k" + checked, json, 1 + checked % 3));
      }
      check(dir, json, expected);
    }
    System.out.println("fuzz seed " + seed + ": " + cases + " cases, rows by kind " + generator.kindCounts);
  }

  private void check(Path dir, boolean json, List<MessyLogGenerator.Expected> expected) {
    SourceMapping mapping = json ? SourceMapping.identity() : SourceMapping.parse(CSV_MAPPING);
    Dataset<Row> read = new EventReader(session()).read(dir.toString(), json ? "json" : "csv", mapping);
    EventValidator validator = new EventValidator(SETTINGS, Map.of(), RUN_DATE);
    Dataset<Row> validated = validator.validate(read).cache();
    try {
      List<Row> kept = validator.clean(validated).collectAsList();
      List<Row> quarantined = EventValidator.quarantine(validated).collectAsList();
      String what = (json ? "JSON" : "CSV") + " batch " + dir;
      assertThat(validated.count()).as("%s: rows read", what).isEqualTo(expected.size());
      assertThat(kept.size() + quarantined.size()).as("%s: read = kept + quarantined", what)
          .isEqualTo(expected.size());

      Map<String, MessyLogGenerator.Expected> byId = new HashMap<>();
      expected.forEach(e -> byId.put(e.eventId(), e));
      Map<String, Map<String, String>> keptById = new HashMap<>();
      for (Row r : kept) {
        keptById.put(r.getAs("event_id"), canonical(r));
      }
      Map<String, Row> quarantinedById = new HashMap<>();
      for (Row r : quarantined) {
        Matcher m = ID.matcher(r.<String>getAs(EventColumns.RAW_RECORD));
        assertThat(m.find()).as("%s: an id in the raw record %s", what, r).isTrue();
        quarantinedById.put(m.group(), r);
      }
      for (MessyLogGenerator.Expected e : expected) {
        if (e.kept()) {
          assertThat(keptById.get(e.eventId())).as("%s: kept row %s (line %s)", what, e.eventId(), e.line())
              .isEqualTo(e.canonical());
          continue;
        }
        Row q = quarantinedById.get(e.eventId());
        assertThat(q).as("%s: quarantined row %s (line %s)", what, e.eventId(), e.line()).isNotNull();
        assertThat(q.<String>getAs(EventValidator.REASON)).as("%s: reason of %s", what, e.line())
            .isEqualTo(e.reason());
        String raw = q.getAs(EventColumns.RAW_RECORD);
        assertThat(q.<String>getAs(EventColumns.RAW_BYTES) != null).as("%s: raw bytes kept for %s", what, e.line())
            .isEqualTo(e.invalidBytes());
        if (e.invalidBytes()) {
          continue;
        }
        if (json || e.reason().equals("MALFORMED_RECORD")) {
          assertThat(raw).as("%s: raw record is the line", what).isEqualTo(e.line());
        } else {
          Map<String, String> source = new LinkedHashMap<>();
          e.source().forEach((k, v) -> source.put(k, v.isEmpty() ? null : v));
          assertThat(parse(raw)).as("%s: raw record holds every source field", what).isEqualTo(source);
        }
      }
    } finally {
      validated.unpersist();
    }
  }

  /** A kept row as the oracle writes it: text, times as ISO instants, revenue at scale 4. */
  private static Map<String, String> canonical(Row r) {
    Map<String, String> c = new LinkedHashMap<>();
    for (String name : List.of("event_id", "customer_id", "touchpoint", "anonymous_id", "segment", "channel")) {
      c.put(name, r.getAs(name));
    }
    c.put("event_time", r.<Timestamp>getAs("event_time").toInstant().toString());
    c.put("event_type", r.getAs("event_type"));
    BigDecimal revenue = r.getAs("revenue");
    c.put("revenue", revenue == null ? null : revenue.toPlainString());
    for (String n : List.of("csat", "nps")) {
      Integer v = r.getAs(n);
      c.put(n, v == null ? null : String.valueOf(v));
    }
    return c;
  }

  @SuppressWarnings("unchecked")
  private static Map<String, String> parse(String json) {
    try {
      return JSON.readValue(json, LinkedHashMap.class);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
