package io.touchpoints.input;

import io.touchpoints.pipeline.InputException;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.touchpoints.testing.SharedData;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Mapping files: parsing of one source and of {@code sources = [...]}, errors that name the bad key, the shipped
 * mappings in {@code conf/mappings/}, and the fallback to the copies packed in the jar.
 */
class SourceMappingTest {

  @TempDir
  Path tmp;

  // ---- parsing ----

  @Test
  void singleSourceMappingCarriesEveryKey() {
    SourceMapping m = SourceMapping.parse("""
        mapping {
          format = JSON
          options { multiLine = "false" }
          columns { customer_id = user, event_time = ts, touchpoint = step }
          constants { channel = web }
          defaults { stage = pre_purchase }
          values { event_type { won = conversion, lost = churn } }
          timestamp { patterns = ["dd/MM/yyyy HH:mm", "yyyy-MM-dd"], zone = "Europe/Brussels" }
        }
        """);
    assertThat(m.sources()).as("sources of a mapping without `sources`").hasSize(1);
    SourceMapping.Source s = m.sources().get(0);
    assertThat(s.path()).as("path (empty = --input itself)").isEmpty();
    assertThat(s.format()).as("format, lower-cased").isEqualTo("json");
    assertThat(s.options()).as("options").isEqualTo(Map.of("multiLine", "false"));
    assertThat(s.columns()).as("columns")
        .isEqualTo(Map.of("customer_id", "user", "event_time", "ts", "touchpoint", "step"));
    assertThat(s.constants()).as("constants").isEqualTo(Map.of("channel", "web"));
    assertThat(s.defaults()).as("defaults").isEqualTo(Map.of("stage", "pre_purchase"));
    assertThat(s.values()).as("value maps")
        .isEqualTo(Map.of("event_type", Map.of("won", "conversion", "lost", "churn")));
    assertThat(s.timestampPatterns()).as("timestamp patterns, in order")
        .containsExactly("dd/MM/yyyy HH:mm", "yyyy-MM-dd");
    assertThat(s.zone()).as("zone").isEqualTo("Europe/Brussels");
  }

  @Test
  void emptyMappingBlockMeansCanonicalColumnsIsoTimesInUtc() {
    SourceMapping.Source s = SourceMapping.parse("mapping {}").sources().get(0);
    assertThat(s).as("an empty mapping block")
        .isEqualTo(new SourceMapping.Source(
            "", null, Map.of(), Map.of(), Map.of(), Map.of(), Map.of(), List.of(), null, "UTF-8"));
    assertThat(SourceMapping.identity().sources()).as("identity mapping").containsExactly(s);
  }

  @Test
  void sourcesFallBackToTheSharedKeysAndMayOverrideThem() {
    SourceMapping m = SourceMapping.parse("""
        mapping {
          format = csv
          options { sep = ";" }
          timestamp { patterns = ["yyyy-MM-dd HH:mm:ss"], zone = "America/Sao_Paulo" }
          constants { channel = marketing }
          sources = [
            { path = "a.csv", columns { customer_id = id, event_time = t, touchpoint = origin } }
            { path = "b.json", format = json, timestamp { zone = UTC },
              columns { customer_id = lead }, constants { touchpoint = deal, event_type = conversion } }
          ]
        }
        """);
    assertThat(m.sources()).as("one entry per source, in order").extracting(SourceMapping.Source::path)
        .containsExactly("a.csv", "b.json");
    SourceMapping.Source a = m.sources().get(0);
    assertThat(a.format()).as("a: format from the shared keys").isEqualTo("csv");
    assertThat(a.options()).as("a: options from the shared keys").isEqualTo(Map.of("sep", ";"));
    assertThat(a.timestampPatterns()).as("a: patterns from the shared keys").containsExactly("yyyy-MM-dd HH:mm:ss");
    assertThat(a.zone()).as("a: zone from the shared keys").isEqualTo("America/Sao_Paulo");
    assertThat(a.constants()).as("a: constants from the shared keys").isEqualTo(Map.of("channel", "marketing"));
    assertThat(a.columns()).as("a: its own columns")
        .isEqualTo(Map.of("customer_id", "id", "event_time", "t", "touchpoint", "origin"));

    SourceMapping.Source b = m.sources().get(1);
    assertThat(b.format()).as("b: own format overrides the shared one").isEqualTo("json");
    assertThat(b.zone()).as("b: own zone overrides the shared one").isEqualTo("UTC");
    assertThat(b.timestampPatterns()).as("b: patterns still from the shared keys")
        .containsExactly("yyyy-MM-dd HH:mm:ss");
    assertThat(b.columns()).as("b: its own columns").isEqualTo(Map.of("customer_id", "lead"));
    assertThat(b.constants()).as("b: own constants, shared ones merged in underneath")
        .isEqualTo(Map.of("channel", "marketing", "touchpoint", "deal", "event_type", "conversion"));
  }

  // ---- errors name the bad key ----

  @Test
  void nonCanonicalColumnKeyIsRejectedNamingIt() {
    assertThatThrownBy(() -> SourceMapping.parse("mapping { columns { customer = CaseID } }"))
        .isInstanceOf(InputException.class)
        .hasMessageContaining("columns.customer is not a canonical column")
        .hasMessageContaining("customer_id");
    assertThatThrownBy(() -> SourceMapping.parse("mapping { constants { kind = x } }"))
        .isInstanceOf(InputException.class).hasMessageContaining("constants.kind is not a canonical column");
    assertThatThrownBy(() -> SourceMapping.parse("mapping { defaults { place = x } }"))
        .isInstanceOf(InputException.class).hasMessageContaining("defaults.place is not a canonical column");
    assertThatThrownBy(() -> SourceMapping.parse("mapping { values { kind { a = b } } }"))
        .isInstanceOf(InputException.class).hasMessageContaining("values.kind is not a canonical column");
    assertThatThrownBy(() -> SourceMapping.parse(
        "mapping { sources = [ { path = a.csv }, { path = b.csv, columns { when = t } } ] }"))
        .as("a bad key inside a `sources` entry")
        .isInstanceOf(InputException.class).hasMessageContaining("columns.when is not a canonical column");
  }

  @Test
  void valueMapThatIsNotAnObjectIsRejectedNamingIt() {
    assertThatThrownBy(() -> SourceMapping.parse("mapping { values { event_type = conversion } }"))
        .isInstanceOf(InputException.class).hasMessageContaining("values.event_type must be { source = target");
  }

  @Test
  void badTimestampPatternIsRejectedNamingIt() {
    assertThatThrownBy(() -> SourceMapping.parse(
        "mapping { timestamp { patterns = [\"yyyy-MM-dd\", \"yyyy-bb-dd\"] } }"))
        .isInstanceOf(InputException.class).hasMessageContaining("bad timestamp pattern 'yyyy-bb-dd'");
  }

  @Test
  void unknownZoneIsRejectedNamingIt() {
    assertThatThrownBy(() -> SourceMapping.parse("mapping { timestamp { zone = \"Europe/Atlantis\" } }"))
        .isInstanceOf(InputException.class).hasMessageContaining("unknown timestamp zone 'Europe/Atlantis'");
  }

  @Test
  void badFormatIsRejectedNamingIt() {
    assertThatThrownBy(() -> SourceMapping.parse("mapping { format = xml }"))
        .isInstanceOf(InputException.class)
        .hasMessageContaining("format must be one of csv, json, parquet, delta, got 'xml'");
  }

  @Test
  void missingMappingBlockIsRejected() {
    assertThatThrownBy(() -> SourceMapping.parse("columns { customer_id = CaseID }"))
        .isInstanceOf(InputException.class).hasMessage("mapping <text> has no `mapping { ... }` block");
  }

  @Test
  void emptySourcesListAndWrongTypesAreRejected() {
    assertThatThrownBy(() -> SourceMapping.parse("mapping { sources = [] }"))
        .isInstanceOf(InputException.class).hasMessageContaining("`sources` is empty");
    assertThatThrownBy(() -> SourceMapping.parse("mapping { timestamp { patterns = 5 } }"))
        .as("a HOCON type error is reported as an InputException naming the key")
        .isInstanceOf(InputException.class).hasMessageContaining("patterns");
    assertThatThrownBy(() -> SourceMapping.parse("mapping { columns { "))
        .isInstanceOf(InputException.class).hasMessageStartingWith("cannot parse mapping <text>");
  }

  @Test
  void missingFileIsRejectedNamingIt() {
    String missing = tmp.resolve("no-such-mapping.conf").toString();
    assertThatThrownBy(() -> SourceMapping.load(missing))
        .isInstanceOf(InputException.class).hasMessage("mapping file not found: " + missing);
  }

  @Test
  void errorInAFileOnDiskNamesTheFileAndTheKey() throws IOException {
    Path file = tmp.resolve("bad.conf");
    Files.writeString(file, "mapping { columns { customer_id = a, timestamp = b } }");
    assertThatThrownBy(() -> SourceMapping.load(file.toString()))
        .isInstanceOf(InputException.class)
        .hasMessageStartingWith("mapping " + file + ": columns.timestamp is not a canonical column");
  }

  // ---- the shipped mappings ----

  private static final Map<String, String> BPI_ACTIVITIES = new LinkedHashMap<>();

  static {
    for (int i = 1; i <= 13; i++) {
      BPI_ACTIVITIES.put(Integer.toString(i), String.format("activity_%02d", i));
    }
  }

  private static void assertBpi(SourceMapping m, String what) {
    assertThat(m.sources()).as("%s: sources", what).hasSize(1);
    SourceMapping.Source s = m.sources().get(0);
    assertThat(s.path()).as("%s: path", what).isEmpty();
    assertThat(s.format()).as("%s: format", what).isEqualTo("csv");
    assertThat(s.columns()).as("%s: columns", what).isEqualTo(Map.of(
        "customer_id", "CaseID", "journey_id", "CaseID", "touchpoint", "ActivityID",
        "event_time", "CompleteTimestamp"));
    assertThat(s.constants()).as("%s: constants", what).isEqualTo(Map.of(
        "event_type", "interaction", "channel", "service_desk", "stage", "post_purchase"));
    assertThat(s.defaults()).as("%s: defaults", what).isEmpty();
    assertThat(s.values()).as("%s: value maps", what).isEqualTo(Map.of("touchpoint", BPI_ACTIVITIES));
    assertThat(s.values().get("touchpoint")).as("%s: activity codes", what)
        .containsEntry("1", "activity_01").containsEntry("13", "activity_13").hasSize(13);
    assertThat(s.timestampPatterns()).as("%s: patterns", what).containsExactly("yyyy-MM-dd HH:mm:ss");
    assertThat(s.zone()).as("%s: zone", what).isEqualTo("Europe/Brussels");
  }

  private static void assertOlist(SourceMapping m, String what) {
    Map<String, String> options = Map.of("quote", "\"", "escape", "\"");
    assertThat(m.sources()).as("%s: sources", what).extracting(SourceMapping.Source::path)
        .containsExactly("leads.csv", "closed_deals.csv");
    SourceMapping.Source leads = m.sources().get(0);
    assertThat(leads).as("%s: leads source", what).isEqualTo(new SourceMapping.Source("leads.csv", "csv", options,
        Map.of("customer_id", "mql_id", "journey_id", "mql_id", "event_time", "first_contact_date",
            "touchpoint", "origin"),
        Map.of("event_type", "interaction", "channel", "marketing", "stage", "pre_purchase"),
        Map.of("touchpoint", "not_recorded"), Map.of(), List.of(), "America/Sao_Paulo", "UTF-8"));
    SourceMapping.Source deals = m.sources().get(1);
    assertThat(deals).as("%s: closed deals source", what).isEqualTo(new SourceMapping.Source("closed_deals.csv",
        "csv", options,
        Map.of("customer_id", "mql_id", "journey_id", "mql_id", "event_time", "won_date",
            "segment", "business_segment"),
        Map.of("event_type", "conversion", "touchpoint", "closed_deal", "channel", "sales", "stage", "purchase"),
        Map.of(), Map.of(), List.of(), "America/Sao_Paulo", "UTF-8"));
  }

  @Test
  void bpiMappingLoadsFromDisk() {
    Path file = SharedData.projectDir().resolve("conf/mappings/bpi2013-incidents.conf");
    assertThat(file).as("shipped mapping").isRegularFile();
    assertBpi(SourceMapping.load(file.toString()), "conf/mappings/bpi2013-incidents.conf");
  }

  @Test
  void olistMappingLoadsFromDisk() {
    Path file = SharedData.projectDir().resolve("conf/mappings/olist-marketing-funnel.conf");
    assertThat(file).as("shipped mapping").isRegularFile();
    assertOlist(SourceMapping.load(file.toString()), "conf/mappings/olist-marketing-funnel.conf");
  }

  @Test
  void aPathMissingOnDiskFallsBackToTheMappingPackedInTheJar() {
    Path bpi = tmp.resolve("cluster/conf/mappings/bpi2013-incidents.conf");
    Path olist = tmp.resolve("elsewhere/olist-marketing-funnel.conf");
    assertThat(bpi).as("not on disk").doesNotExist();
    assertThat(olist).as("not on disk").doesNotExist();
    assertBpi(SourceMapping.load(bpi.toString()), "packed bpi2013-incidents.conf");
    assertOlist(SourceMapping.load(olist.toString()), "packed olist-marketing-funnel.conf");
    assertThatThrownBy(() -> SourceMapping.load(tmp.resolve("cluster/conf/mappings/other.conf").toString()))
        .as("a file name with no packed counterpart").isInstanceOf(InputException.class)
        .hasMessageStartingWith("mapping file not found: ");
  }

  @Test
  void aFileOnDiskWinsOverThePackedMappingOfTheSameName() throws IOException {
    Path file = tmp.resolve("bpi2013-incidents.conf");
    Files.writeString(file, "mapping { columns { touchpoint = Step } }");
    assertThat(SourceMapping.load(file.toString()).sources().get(0).columns()).as("columns of the file on disk")
        .isEqualTo(Map.of("touchpoint", "Step"));
  }
}
