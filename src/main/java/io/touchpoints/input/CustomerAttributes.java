package io.touchpoints.input;

import io.touchpoints.pipeline.InputException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * The customer attributes table as read by {@link CustomerReader}: one row per {@code customer_id}, numeric
 * attributes as doubles, categorical ones as strings (null where empty), and the kind of each attribute.
 *
 * @param rows customer_id, then the attributes in {@link #kinds} order
 * @param kinds attribute name to kind, in source column order
 * @param declared attributes whose kind the mapping declared (the others were inferred)
 * @param rowsWithoutId source rows left out because their customer_id was empty
 */
public record CustomerAttributes(Dataset<Row> rows, Map<String, AttributeKind> kinds, List<String> declared,
    long rowsWithoutId) {

  public CustomerAttributes {
    kinds = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(kinds));
    declared = List.copyOf(declared);
  }

  public List<String> numeric() {
    return names(AttributeKind.NUMERIC);
  }

  public List<String> categorical() {
    return names(AttributeKind.CATEGORICAL);
  }

  /** The printed decision, e.g. {@code plan categorical, tenure_months numeric (declared)}. */
  public String describeKinds() {
    List<String> parts = new ArrayList<>();
    kinds.forEach((name, kind) -> parts.add(name + " " + kind.label() + (declared.contains(name) ? " (declared)" : "")));
    return parts.isEmpty() ? "no attributes" : String.join(", ", parts);
  }

  /**
   * Checks the kinds against those stored with an earlier run: a file whose columns changed kind (or appeared or
   * vanished) is a bad input rather than a silent change of the models' inputs.
   *
   * @throws InputException naming each difference
   */
  public void requireSameKinds(Map<String, AttributeKind> stored) {
    List<String> differences = new ArrayList<>();
    stored.forEach((name, kind) -> {
      AttributeKind now = kinds.get(name);
      if (now == null) {
        differences.add(name + " was " + kind.label() + ", now missing");
      } else if (now != kind) {
        differences.add(name + " was " + kind.label() + ", now " + now.label());
      }
    });
    kinds.forEach((name, kind) -> {
      if (!stored.containsKey(name)) {
        differences.add(name + " is new (" + kind.label() + ")");
      }
    });
    if (!differences.isEmpty()) {
      throw new InputException("customer attributes disagree with the types stored by the earlier run: "
          + String.join("; ", differences) + " (declare the types in --customers-mapping)");
    }
  }

  /** A copy whose customer ids are pseudonymised like the events' ({@code --pseudonymize}), so that they still join. */
  public CustomerAttributes pseudonymized(io.touchpoints.privacy.Pseudonymizer pseudonymizer) {
    return new CustomerAttributes(rows.withColumn(EventColumns.CUSTOMER_ID,
        pseudonymizer.pseudonym(org.apache.spark.sql.functions.col(EventColumns.CUSTOMER_ID))), kinds, declared,
        rowsWithoutId);
  }

  private List<String> names(AttributeKind kind) {
    return kinds.entrySet().stream().filter(e -> e.getValue() == kind).map(Map.Entry::getKey).toList();
  }
}
