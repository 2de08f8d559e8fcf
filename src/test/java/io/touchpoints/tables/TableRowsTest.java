package io.touchpoints.tables;

import static io.touchpoints.tables.TableRows.SortKey.asc;
import static io.touchpoints.tables.TableRows.SortKey.desc;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Sorting as Spark sorts by default: ascending nulls first, descending nulls last, strings by code point. */
class TableRowsTest {

  private static final TableRows ROWS = new TableRows(List.of("name", "n"), List.of(
      Arrays.asList("b", 2L), Arrays.asList(null, 3L), Arrays.asList("a", null), Arrays.asList("\uD83D\uDE00", 1L),
      Arrays.asList("\uFF21", 1L), Arrays.asList("a", 5L)));

  private static List<Object> column(TableRows rows, String name) {
    int i = rows.index(name);
    return rows.rows().stream().map(r -> r.get(i)).toList();
  }

  @Test
  void ascendingPutsNullsFirstAndComparesCodePoints() {
    // U+1F600 (a surrogate pair in Java) sorts after U+FF21, as in UTF-8 byte order; Java's compareTo says before.
    assertThat(column(ROWS.sorted(List.of(asc("name"), asc("n"))), "name"))
        .containsExactly(null, "a", "a", "b", "\uFF21", "\uD83D\uDE00");
    assertThat(column(ROWS.sorted(List.of(asc("name"), asc("n"))), "n")).containsExactly(3L, null, 5L, 2L, 1L, 1L);
  }

  @Test
  void descendingPutsNullsLast() {
    assertThat(column(ROWS.sorted(List.of(desc("n"))), "n")).containsExactly(5L, 3L, 2L, 1L, 1L, null);
  }

  @Test
  void selectReadsAMissingColumnAsNullAndAnUnknownSortColumnIsNamed() {
    assertThat(ROWS.select(List.of("n", "added")).rows().get(0)).containsExactly(2L, null);
    assertThatThrownBy(() -> ROWS.sorted(List.of(asc("nope")))).hasMessageContaining("no column nope");
  }
}
