package io.touchpoints.input;

import io.touchpoints.pipeline.InputException;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.typesafe.config.ConfigFactory;
import io.touchpoints.testing.SparkTestBase;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;
import org.junit.jupiter.api.Test;

class CustomerReaderTest extends SparkTestBase {

  private String file(String name, String... lines) throws IOException {
    Path f = newTempDir("customers").resolve(name);
    Files.write(f, List.of(lines));
    return f.toString();
  }

  private CustomerAttributes read(String path, CustomerMapping mapping) {
    return new CustomerReader(session()).read(path, mapping);
  }

  private static Map<String, Row> byId(CustomerAttributes attributes) {
    Map<String, Row> out = new HashMap<>();
    attributes.rows().collectAsList().forEach(r -> out.put(r.getString(0), r));
    return out;
  }

  @Test
  void columnsWhoseValuesAllParseAsNumbersAreNumericTheOthersCategorical() throws IOException {
    String path = file("c.csv",
        "customer_id,plan,tenure,score,zip",
        "c1,basic,12,0.5,01234",
        "c2,premium,,-1e3,9999x",
        " c3 ,basic,7,.25,");
    CustomerAttributes a = read(path, CustomerMapping.none());
    assertThat(a.kinds()).containsExactly(Map.entry("plan", AttributeKind.CATEGORICAL),
        Map.entry("tenure", AttributeKind.NUMERIC), Map.entry("score", AttributeKind.NUMERIC),
        Map.entry("zip", AttributeKind.CATEGORICAL));
    assertThat(a.describeKinds()).isEqualTo("plan categorical, tenure numeric, score numeric, zip categorical");
    assertThat(a.rows().schema().apply("tenure").dataType()).isEqualTo(DataTypes.DoubleType);
    Map<String, Row> rows = byId(a);
    assertThat(rows).as("ids are trimmed").containsOnlyKeys("c1", "c2", "c3");
    assertThat(rows.get("c2").<Double>getAs("tenure")).as("empty number").isNull();
    assertThat(rows.get("c2").<Double>getAs("score")).isEqualTo(-1000.0);
    assertThat(rows.get("c1").<String>getAs("zip")).as("leading zero kept in a categorical").isEqualTo("01234");
    assertThat(rows.get("c3").<String>getAs("zip")).as("empty category").isNull();
  }

  @Test
  void mappingRenamesColumnsAndDeclaredTypesWin() throws IOException {
    String path = file("c.txt", "CUST;zip;tier", "a;1000;1", "b;2000;2");
    CustomerMapping mapping = CustomerMapping.parse("m", ConfigFactory.parseString(
        "customers { format = csv, options { sep = \";\" }, columns { customer_id = CUST, plan_tier = tier },"
            + " types { zip = categorical } }"));
    CustomerAttributes a = read(path, mapping);
    assertThat(a.kinds()).containsExactly(Map.entry("zip", AttributeKind.CATEGORICAL),
        Map.entry("plan_tier", AttributeKind.NUMERIC));
    assertThat(a.describeKinds()).isEqualTo("zip categorical (declared), plan_tier numeric");
    assertThat(byId(a).get("b").<String>getAs("zip")).isEqualTo("2000");
  }

  @Test
  void duplicateCustomerIdIsBadInputNamingIt() throws IOException {
    String path = file("c.csv", "customer_id,plan", "c1,basic", "c2,basic", "c1,premium");
    assertThatThrownBy(() -> read(path, CustomerMapping.none())).isInstanceOf(InputException.class)
        .hasMessageContaining("c1 (2 rows)").hasMessageContaining("one row per customer");
  }

  @Test
  void declaredNumericColumnWithTextIsBadInputShowingAValue() throws IOException {
    String path = file("c.csv", "customer_id,tenure", "c1,12", "c2,twelve");
    CustomerMapping mapping = CustomerMapping.parse("m",
        ConfigFactory.parseString("customers { types { tenure = numeric } }"));
    assertThatThrownBy(() -> read(path, mapping)).isInstanceOf(InputException.class)
        .hasMessageContaining("'tenure' is declared numeric").hasMessageContaining("'twelve'");
  }

  @Test
  void missingIdColumnUnknownColumnsAndBadKindsAreBadInput() throws IOException {
    String path = file("c.csv", "id,plan", "c1,basic");
    assertThatThrownBy(() -> read(path, CustomerMapping.none())).isInstanceOf(InputException.class)
        .hasMessageContaining("no customer_id column");
    CustomerMapping renamesMissing = CustomerMapping.parse("m",
        ConfigFactory.parseString("customers { columns { customer_id = CUST } }"));
    assertThatThrownBy(() -> read(path, renamesMissing)).isInstanceOf(InputException.class)
        .hasMessageContaining("no such column");
    assertThatThrownBy(() -> CustomerMapping.parse("m",
        ConfigFactory.parseString("customers { types { plan = text } }")))
        .isInstanceOf(InputException.class).hasMessageContaining("numeric or categorical");
    assertThatThrownBy(() -> CustomerMapping.parse("m", ConfigFactory.parseString("customers { colums {} }")))
        .isInstanceOf(InputException.class).hasMessageContaining("unknown key 'colums'");
    assertThatThrownBy(() -> read(path + ".absent", CustomerMapping.none())).isInstanceOf(InputException.class)
        .hasMessageContaining("not found");
  }

  @Test
  void rowsWithoutIdAreLeftOutAndCounted() throws IOException {
    String path = file("c.json", "{\"customer_id\":\"c1\",\"spend\":10}", "{\"customer_id\":\"\",\"spend\":3}",
        "{\"spend\":4}");
    CustomerAttributes a = read(path, CustomerMapping.none());
    assertThat(a.rowsWithoutId()).isEqualTo(2);
    assertThat(a.rows().count()).isEqualTo(1);
    assertThat(a.kinds()).containsExactly(Map.entry("spend", AttributeKind.NUMERIC));
  }

  @Test
  void kindsThatDisagreeWithTheStoredOnesAreBadInput() throws IOException {
    String path = file("c.csv", "customer_id,plan,tenure", "c1,basic,3");
    CustomerAttributes a = read(path, CustomerMapping.none());
    a.requireSameKinds(Map.of("plan", AttributeKind.CATEGORICAL, "tenure", AttributeKind.NUMERIC));
    assertThatThrownBy(() -> a.requireSameKinds(Map.of("plan", AttributeKind.CATEGORICAL,
        "tenure", AttributeKind.CATEGORICAL, "region", AttributeKind.CATEGORICAL)))
        .isInstanceOf(InputException.class)
        .hasMessageContaining("tenure was categorical, now numeric")
        .hasMessageContaining("region was categorical, now missing");
  }
}
