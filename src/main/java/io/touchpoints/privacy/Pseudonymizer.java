package io.touchpoints.privacy;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.to_json;
import static org.apache.spark.sql.functions.udf;
import static org.apache.spark.sql.functions.when;

import io.touchpoints.config.ConfigurationException;
import io.touchpoints.input.EventColumns;
import io.touchpoints.input.EventReader;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.api.java.UDF1;
import org.apache.spark.sql.expressions.UserDefinedFunction;
import org.apache.spark.sql.types.DataTypes;

/**
 * Pseudonymization ({@code --pseudonymize}): replaces {@code customer_id} and {@code anonymous_id} by the hex
 * SHA-256 of salt + id, the value Spark's {@code sha2(concat(salt, id), 256)} gives, right after the source is read
 * and mapped, so no table (quarantine included) ever holds a raw id.
 *
 * <p>The salt comes only from the environment variable {@value #SALT_VARIABLE}; it is never put in the
 * configuration, the ledger or a log line. It is applied by a function that carries the salt inside the task
 * instead of the built-in {@code sha2(concat(lit(salt), id))}: a literal would appear in every query plan (Spark UI
 * SQL tab, event logs, the history server, DEBUG plan logging). Same for the ids: ids never become literals.
 *
 * <p>The quarantine's {@code raw_record} cannot stay the source row: unmapped source columns may hold personal data
 * and the id fields inside it are raw. It becomes the mapped canonical fields as JSON (ids pseudonymized); a
 * malformed line, where no id can be found reliably, becomes {@code "malformed line, sha256:<salted hash of the
 * line>"}: it can be matched against the source file (with the salt) but not read; so do the bytes of a row in an
 * invalid encoding ({@code raw_bytes}, "sha256:<salted hash of the base64>"). Narrow: no shuffle.
 */
public final class Pseudonymizer {

  /** The environment variable holding the salt. */
  public static final String SALT_VARIABLE = "TOUCHPOINTS_PSEUDONYM_SALT";

  private final UserDefinedFunction hash;

  private Pseudonymizer(String salt) {
    byte[] saltBytes = salt.getBytes(StandardCharsets.UTF_8);
    UDF1<String, String> fn = id -> id == null ? null : digest(saltBytes, id);
    this.hash = udf(fn, DataTypes.StringType).withName("pseudonym");
  }

  /**
   * The pseudonymizer of the salt in {@code environment}.
   *
   * @throws ConfigurationException when the variable is missing or blank (exit code 2)
   */
  public static Pseudonymizer fromEnvironment(Map<String, String> environment) {
    String salt = environment.get(SALT_VARIABLE);
    if (salt == null || salt.isBlank()) {
      throw new ConfigurationException("--pseudonymize needs a secret salt in the environment variable "
          + SALT_VARIABLE + " (it is set but empty, or not set); the salt is never logged or stored");
    }
    return new Pseudonymizer(salt);
  }

  /** The pseudonym of one id: hex SHA-256 of salt + id (UTF-8). */
  static String digest(byte[] salt, String id) {
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      sha.update(salt);
      return HexFormat.of().formatHex(sha.digest(id.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The pseudonym column of {@code id}. */
  public Column pseudonym(Column id) {
    return hash.apply(id);
  }

  /**
   * Pseudonymizes the output of {@link EventReader#read}: ids, and the raw record as described above.
   */
  public Dataset<Row> apply(Dataset<Row> mapped) {
    Dataset<Row> hashed = mapped
        .withColumn(EventColumns.CUSTOMER_ID, pseudonym(col(EventColumns.CUSTOMER_ID)))
        .withColumn(EventColumns.ANONYMOUS_ID, pseudonym(col(EventColumns.ANONYMOUS_ID)));
    List<Column> canonical = new ArrayList<>();
    for (String name : EventColumns.NAMES) {
      canonical.add(col(name));
    }
    Column record = when(col(EventReader.MALFORMED),
        concat(lit("malformed line, sha256:"), pseudonym(col(EventColumns.RAW_RECORD))))
        .otherwise(to_json(struct(canonical.toArray(Column[]::new))));
    return hashed.withColumn(EventColumns.RAW_RECORD, record)
        .withColumn(EventColumns.RAW_BYTES, when(col(EventColumns.RAW_BYTES).isNotNull(),
            concat(lit("sha256:"), pseudonym(col(EventColumns.RAW_BYTES)))));
  }

  @Override
  public String toString() {
    return "Pseudonymizer[salt from " + SALT_VARIABLE + "]";
  }
}
