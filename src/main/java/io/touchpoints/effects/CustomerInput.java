package io.touchpoints.effects;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

import io.touchpoints.config.JobConfig;
import io.touchpoints.input.AttributeKind;
import io.touchpoints.input.CustomerAttributes;
import io.touchpoints.input.CustomerMapping;
import io.touchpoints.input.CustomerReader;
import io.touchpoints.pipeline.RequiredFile;
import io.touchpoints.pipeline.RunRequest;
import io.touchpoints.privacy.Pseudonymizer;
import io.touchpoints.tables.DeltaTables;
import io.touchpoints.tables.TableNames;
import java.sql.Date;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * The customer attributes file of a run ({@code --customers}, {@code --customers-mapping}), shared by the stages that
 * use it as covariates: read, checked against the kinds stored by the latest earlier run date (a file whose columns
 * changed kind is a bad input, not a silent change of the models' inputs), pseudonymised like the events, and its
 * kinds stored in {@code customer_attribute_kinds}.
 *
 * @param path the file; blank = no attributes
 * @param mapping the mapping file; blank = none
 * @param pseudonymize ids replaced by the salted hash the events got
 */
public record CustomerInput(String path, String mapping, boolean pseudonymize) {

  public static final String ATTRIBUTE = "attribute";
  public static final String KIND = "kind";
  public static final String DECLARED = "declared";
  static final StructType KINDS_SCHEMA = new StructType(new StructField[] {
      DataTypes.createStructField(ATTRIBUTE, DataTypes.StringType, false),
      DataTypes.createStructField(KIND, DataTypes.StringType, false),
      DataTypes.createStructField(DECLARED, DataTypes.BooleanType, false)});

  public static CustomerInput from(JobConfig config) {
    return new CustomerInput(config.raw().getString("input.customers").trim(),
        config.raw().getString("input.customers_mapping").trim(), config.raw().getBoolean("input.pseudonymize"));
  }

  public boolean given() {
    return !path.isBlank();
  }

  /**
   * Before anything of the run is written: the files are there, the file reads (one row per customer), and its kinds
   * agree with those stored by the latest earlier run date.
   *
   * @throws io.touchpoints.pipeline.InputException naming the file, the duplicate ids or the changed kinds
   */
  public void check(SparkSession spark, JobConfig config, RunRequest request) {
    if (!given()) {
      return;
    }
    RequiredFile.require(spark, path, "customers file");
    if (!mapping.isBlank()) {
      RequiredFile.require(spark, mapping, "customers mapping file");
    }
    if (pseudonymize) {
      Pseudonymizer.fromEnvironment(request.environment());
    }
    read(spark, config, request);
  }

  /** The attributes (pseudonymised when the run is), checked against the stored kinds; null when none are given. */
  public CustomerAttributes read(SparkSession spark, JobConfig config, RunRequest request) {
    if (!given()) {
      return null;
    }
    CustomerAttributes attributes = new CustomerReader(spark).read(path, CustomerMapping.load(mapping));
    Map<String, AttributeKind> stored = storedKinds(new DeltaTables(spark, config.outputPath()), config.runDate());
    if (stored != null) {
      attributes.requireSameKinds(stored);
    }
    return pseudonymize ? attributes.pseudonymized(Pseudonymizer.fromEnvironment(request.environment())) : attributes;
  }

  /** Stores the kinds as the run date's rows of {@code customer_attribute_kinds}. */
  public static void store(SparkSession spark, DeltaTables tables, CustomerAttributes attributes, LocalDate runDate) {
    List<Row> rows = new ArrayList<>();
    attributes.kinds().forEach((name, kind) -> rows.add(RowFactory.create(name, kind.label(),
        attributes.declared().contains(name))));
    tables.replaceRunDate(TableNames.CUSTOMER_ATTRIBUTE_KINDS, spark.createDataFrame(rows, KINDS_SCHEMA), runDate);
  }

  /** The kinds of the latest run date before {@code runDate} (a re-run of a date may correct its file); or null. */
  private static Map<String, AttributeKind> storedKinds(DeltaTables tables, LocalDate runDate) {
    if (!tables.exists(TableNames.CUSTOMER_ATTRIBUTE_KINDS)) {
      return null;
    }
    Dataset<Row> all = tables.read(TableNames.CUSTOMER_ATTRIBUTE_KINDS);
    Dataset<Row> earlier = all.filter(col(TableNames.RUN_DATE).lt(lit(Date.valueOf(runDate))));
    Row latest = earlier.agg(org.apache.spark.sql.functions.max(col(TableNames.RUN_DATE))).first();
    if (latest.isNullAt(0)) {
      return null;
    }
    Map<String, AttributeKind> kinds = new LinkedHashMap<>();
    // One row per attribute: small by construction.
    for (Row r : earlier.filter(col(TableNames.RUN_DATE).equalTo(lit(latest.getDate(0))))
        .select(ATTRIBUTE, KIND).collectAsList()) {
      kinds.put(r.getString(0), AttributeKind.parse(r.getString(1), TableNames.CUSTOMER_ATTRIBUTE_KINDS + "."
          + r.getString(0)));
    }
    return kinds;
  }
}
