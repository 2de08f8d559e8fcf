package io.touchpoints.testing;

import com.holdenkarau.spark.testing.JavaDataFrameSuiteBase;
import io.touchpoints.pipeline.SparkSessionFactory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.spark.SparkConf;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.BeforeEach;

/**
 * Base of every Spark test: one SparkContext per test JVM (spark-testing-base keeps it in a static field), with the
 * job's required settings (UTC, Delta) and small partition counts so that Delta and shuffles stay fast on 2 cores.
 * Gives spark-testing-base's DataFrame assertions ({@code assertDataFrameNoOrderEquals} and friends).
 */
public abstract class SparkTestBase extends JavaDataFrameSuiteBase {

  @BeforeEach
  public void startSpark() {
    runBefore();
  }

  @Override
  public SparkConf conf() {
    SparkConf conf = new SparkConf()
        .setMaster("local[2]")
        .setAppName("touchpoints-tests")
        .set("spark.ui.enabled", "false")
        .set("spark.driver.host", "127.0.0.1")
        .set("spark.sql.shuffle.partitions", "2")
        .set("spark.default.parallelism", "2")
        .set("spark.databricks.delta.snapshotPartitions", "2")
        .set("spark.sql.adaptive.enabled", "false")
        // Tests run many queries over a few rows: compiling generated code costs more than it saves (a third of
        // the CPU of the incremental tests went to code generation and Janino). Interpreted evaluation gives the
        // same results; the job itself keeps code generation.
        .set("spark.sql.codegen.wholeStage", "false")
        .set("spark.sql.codegen.factoryMode", "NO_CODEGEN")
        .set("spark.sql.warehouse.dir", newTempDir("warehouse").toString());
    SparkSessionFactory.requiredSettings().forEach(conf::set);
    return conf;
  }

  @Override
  public boolean enableHiveSupport() {
    return false;
  }

  /** The shared session. */
  protected SparkSession session() {
    return spark();
  }

  /**
   * The same rows with every column (and array element) nullable: hand-written expected frames are nullable, while Spark marks
   * computed columns non-null, and spark-testing-base compares schemas exactly.
   */
  protected Dataset<Row> nullable(Dataset<Row> df) {
    StructType schema = new StructType(java.util.Arrays.stream(df.schema().fields())
        .map(f -> new StructField(f.name(), f.dataType() instanceof ArrayType a
            ? DataTypes.createArrayType(a.elementType(), true) : f.dataType(), true, f.metadata()))
        .toArray(StructField[]::new));
    return session().createDataFrame(df.rdd(), schema);
  }

  /** A fresh temporary directory, removed by the JVM's temp cleanup of the OS. */
  protected static Path newTempDir(String prefix) {
    try {
      return Files.createTempDirectory("touchpoints-" + prefix);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
