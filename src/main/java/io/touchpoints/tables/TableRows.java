package io.touchpoints.tables;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.function.Predicate;

/**
 * Rows of a Delta table read in this JVM ({@link KernelTables}), as plain Java values: {@code String},
 * {@code Integer}, {@code Long}, {@code Double}, {@code Float}, {@code Boolean}, {@code java.math.BigDecimal},
 * {@code java.time.LocalDate} (dates), {@code java.time.Instant} (timestamps), {@code byte[]}, {@code List} (arrays),
 * {@code Map} in stored order (maps), {@link Struct} (structs); null where the table holds null.
 *
 * @param columns the column names, in the table's order
 * @param rows one list of values per row, in column order
 */
public record TableRows(List<String> columns, List<List<Object>> rows) {

  /** A struct value: its field names and values in schema order. */
  public record Struct(List<String> names, List<Object> values) {
  }

  /** One key of a sort: ascending with nulls first or descending with nulls last, as Spark sorts by default. */
  public record SortKey(String column, boolean descending) {

    public static SortKey asc(String column) {
      return new SortKey(column, false);
    }

    public static SortKey desc(String column) {
      return new SortKey(column, true);
    }
  }

  /** The rows whose value in {@code column} passes {@code test}. */
  public TableRows filter(String column, Predicate<Object> test) {
    int i = index(column);
    return new TableRows(columns, rows.stream().filter(r -> test.test(r.get(i))).toList());
  }

  /** These columns in this order; a column the table lacks (written by an older version) reads as null. */
  public TableRows select(List<String> names) {
    List<List<Object>> selected = new ArrayList<>();
    for (List<Object> row : rows) {
      Object[] values = new Object[names.size()];
      for (int c = 0; c < values.length; c++) {
        int i = columns.indexOf(names.get(c));
        values[c] = i < 0 ? null : row.get(i);
      }
      selected.add(Arrays.asList(values));
    }
    return new TableRows(List.copyOf(names), selected);
  }

  /** Sorted by the keys in turn; strings in code point order (Spark's byte order of UTF-8). */
  public TableRows sorted(List<SortKey> keys) {
    return sorted(order(keys));
  }

  /** Sorted by {@code order}; rows it finds equal keep their order. */
  public TableRows sorted(Comparator<List<Object>> order) {
    List<List<Object>> sorted = new ArrayList<>(rows);
    sorted.sort(order);
    return new TableRows(columns, sorted);
  }

  /** The order of {@link #sorted(List)}, to refine with further comparisons. */
  public Comparator<List<Object>> order(List<SortKey> keys) {
    Comparator<List<Object>> order = (a, b) -> 0;
    for (SortKey key : keys) {
      int i = index(key.column());
      // Ascending puts nulls first, descending last: the values reverse, the nulls do not.
      Comparator<Object> byValue = key.descending()
          ? Comparator.nullsLast((x, y) -> compareValues(y, x))
          : Comparator.nullsFirst(TableRows::compareValues);
      order = order.thenComparing((a, b) -> byValue.compare(a.get(i), b.get(i)));
    }
    return order;
  }

  public int index(String column) {
    int i = columns.indexOf(column);
    if (i < 0) {
      throw new IllegalArgumentException("no column " + column + " among " + columns);
    }
    return i;
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  private static int compareValues(Object a, Object b) {
    if (a instanceof String s && b instanceof String t) {
      return compareCodePoints(s, t);
    }
    return ((Comparable) a).compareTo(b);
  }

  private static int compareCodePoints(String a, String b) {
    int i = 0;
    int j = 0;
    while (i < a.length() && j < b.length()) {
      int x = a.codePointAt(i);
      int y = b.codePointAt(j);
      if (x != y) {
        return Integer.compare(x, y);
      }
      i += Character.charCount(x);
      j += Character.charCount(y);
    }
    return Integer.compare(a.length() - i, b.length() - j);
  }
}
