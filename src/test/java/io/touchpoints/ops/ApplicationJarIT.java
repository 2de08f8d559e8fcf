package io.touchpoints.ops;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.jar.JarFile;
import java.util.zip.ZipEntry;
import org.junit.jupiter.api.Test;

/**
 * The jars for spark-submit hold the job and only its own dependencies: Spark, Scala and ANTLR come from the cluster.
 * Every {@code org/apache/spark} class in the application jar must be Delta's own (Delta's code lives in
 * {@code org.apache.spark.sql.delta}) or XGBoost's ({@code org.apache.spark.ml.xgboost}), checked against the
 * delta-spark and xgboost4j-spark jars themselves. Both jars carry XGBoost with its native library (clusters do not
 * have it).
 */
class ApplicationJarIT {

  private static Set<String> entries(Path jar) throws IOException {
    try (JarFile file = new JarFile(jar.toFile())) {
      Set<String> names = new TreeSet<>();
      Collections.list(file.entries()).stream().map(ZipEntry::getName).filter(n -> !n.endsWith("/"))
          .forEach(names::add);
      return names;
    }
  }

  private static String mainClass(Path jar) throws IOException {
    try (JarFile file = new JarFile(jar.toFile())) {
      return file.getManifest().getMainAttributes().getValue("Main-Class");
    }
  }

  private static List<String> under(Set<String> names, String... prefixes) {
    return names.stream().filter(n -> java.util.Arrays.stream(prefixes).anyMatch(n::startsWith)).toList();
  }

  private static Path xgboostJar() throws IOException {
    return BuiltArtifacts.jarsOfGroup("ml/dmlc").stream()
        .filter(p -> p.getFileName().toString().startsWith("xgboost4j-spark_")).findFirst().orElseThrow();
  }

  @Test
  void applicationJarHoldsTheJobDeltaPicocliAndConfigButNoSparkScalaOrAntlr() throws IOException {
    Set<String> app = entries(BuiltArtifacts.appJar());
    assertThat(app).as("the job, its defaults and its own dependencies").contains(
        "io/touchpoints/cli/TouchpointsCli.class",
        "io/touchpoints/defaults/touchpoints.conf",
        "io/delta/tables/DeltaTable.class",
        "io/delta/storage/LogStore.class",
        "io/delta/kernel/defaults/engine/DefaultEngine.class",
        "org/apache/spark/sql/delta/catalog/DeltaCatalog.class",
        "picocli/CommandLine.class",
        "com/typesafe/config/ConfigFactory.class",
        "ml/dmlc/xgboost4j/scala/spark/XGBoostClassifier.class",
        "ml/dmlc/xgboost4j/java/XGBoostJNI.class",
        "lib/linux/x86_64/libxgboost4j.so");
    assertThat(under(app, "scala/", "org/antlr/", "org/apache/hadoop/", "com/fasterxml/", "org/slf4j/",
        "org/apache/logging/")).as("classes the cluster provides").isEmpty();
    assertThat(under(app, "module-info.class", "META-INF/versions/9/module-info.class")).isEmpty();

    Path deltaJar = BuiltArtifacts.jarsOfGroup("io/delta").stream()
        .filter(p -> p.getFileName().toString().startsWith("delta-spark_")).findFirst().orElseThrow();
    Set<String> delta = entries(deltaJar);
    Set<String> xgboost = entries(xgboostJar());
    List<String> sparkNotFromDelta = under(app, "org/apache/spark/").stream()
        .filter(n -> !delta.contains(n) && !xgboost.contains(n)).toList();
    assertThat(sparkNotFromDelta).as("org/apache/spark entries that are not Delta's or XGBoost's own").isEmpty();
    assertThat(mainClass(BuiltArtifacts.appJar())).isEqualTo("io.touchpoints.cli.TouchpointsCli");
  }

  @Test
  void slimJarLeavesDeltaSparkToTheClusterAndKeepsTheKernel() throws IOException {
    Set<String> slim = entries(BuiltArtifacts.slimJar());
    assertThat(slim).contains("io/touchpoints/cli/TouchpointsCli.class", "picocli/CommandLine.class",
        "com/typesafe/config/ConfigFactory.class", "ml/dmlc/xgboost4j/scala/spark/XGBoostClassifier.class",
        "lib/linux/x86_64/libxgboost4j.so");
    assertThat(slim).as("Delta Kernel, which show and runs read with").contains(
        "io/delta/kernel/defaults/engine/DefaultEngine.class", "io/delta/kernel/Table.class");
    Set<String> xgboost = entries(xgboostJar());
    assertThat(under(slim, "io/delta/", "org/apache/spark/", "scala/", "org/antlr/").stream()
        .filter(n -> !xgboost.contains(n) && !n.startsWith("io/delta/kernel/")).toList())
        .as("delta-spark and delta-storage come from the cluster").isEmpty();
    assertThat(mainClass(BuiltArtifacts.slimJar())).isEqualTo("io.touchpoints.cli.TouchpointsCli");
  }
}
