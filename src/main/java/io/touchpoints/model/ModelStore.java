package io.touchpoints.model;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.touchpoints.pipeline.InputException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.sql.SparkSession;

/**
 * Saved next-touchpoint models under {@code <output>/models/}: one folder per run date holding the fitted MLlib
 * pipeline ({@code pipeline/}, MLlib persistence) or, when a Markov baseline was chosen, its probability tables
 * ({@code markov.json}), and {@code metadata.json}; the file {@code latest} holds the name
 * of the newest folder (a pointer file rather than a symbolic link, so it works on HDFS and object stores). Written
 * through the Hadoop file system API, so any path Spark can write works.
 */
public final class ModelStore {

  public static final String FOLDER = "models";
  public static final String LATEST = "latest";
  public static final String PIPELINE = "pipeline";
  public static final String METADATA = "metadata.json";
  public static final String MARKOV = "markov.json";

  private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  /**
   * What a saved model was trained on and how it scored.
   *
   * @param version the folder name (the run date), also written as next_touchpoint.model_version
   * @param model the saved model's name: a classifier or a baseline (most_frequent, markov_k)
   * @param labels the label vocabulary, in probability order
   * @param lastTouches k the features were built with (prediction rebuilds them the same way)
   * @param endLabel whether (end) is a label
   * @param features feature names, in assembler order
   * @param trainingWindow first and last journey start of the training examples (ISO-8601)
   * @param split how the test set was chosen
   * @param trainExamples training prefixes
   * @param testExamples test prefixes
   * @param metrics overall test metrics of the model and of each baseline: model -> metric -> value
   * @param appVersion the job version that trained it
   * @param configHash hash of the resolved settings (as in the runs ledger)
   * @param selection why this model was saved: chosen on validation (with the figures), or forced by model.type
   */
  public record Metadata(
      String version,
      String model,
      List<String> labels,
      int lastTouches,
      boolean endLabel,
      List<String> features,
      List<String> trainingWindow,
      String split,
      long trainExamples,
      long testExamples,
      Map<String, Map<String, Double>> metrics,
      String appVersion,
      String configHash,
      String selection) {}

  /** A loaded model. */
  public record Loaded(FittedModel model, Metadata metadata, String path) {}

  private final SparkSession spark;
  private final Path root;

  public ModelStore(SparkSession spark, String outputPath) {
    this.spark = spark;
    this.root = new Path(outputPath, FOLDER);
  }

  public String folder(String version) {
    return new Path(root, version).toString();
  }

  /** Saves (replacing a model of the same version) and points latest at it. */
  public String save(FittedModel model, Metadata metadata) {
    Path dir = new Path(root, metadata.version());
    try {
      FileSystem fs = dir.getFileSystem(spark.sparkContext().hadoopConfiguration());
      // A model of another kind saved earlier under the same version must not be loaded instead.
      fs.delete(new Path(dir, PIPELINE), true);
      fs.delete(new Path(dir, MARKOV), false);
      if (model instanceof FittedModel.Classifier classifier) {
        classifier.pipeline().write().overwrite().save(new Path(dir, PIPELINE).toString());
      } else if (model instanceof FittedModel.Markov markov) {
        try (OutputStream out = fs.create(new Path(dir, MARKOV), true)) {
          out.write(JSON.writeValueAsBytes(markov.chain().saved(markov.order())));
        }
      }
      try (OutputStream out = fs.create(new Path(dir, METADATA), true)) {
        out.write(JSON.writeValueAsBytes(metadata));
      }
      // Written last: a reader following latest never finds a half-written model.
      try (OutputStream out = fs.create(new Path(root, LATEST), true)) {
        out.write((metadata.version() + "\n").getBytes(StandardCharsets.UTF_8));
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot save the model under " + dir, e);
    }
    return dir.toString();
  }

  /**
   * Loads a model: {@code version} (a folder name under models/, or a path to a model folder), or the one latest
   * points to when null.
   *
   * @throws InputException naming the folder when there is no model or it cannot be read
   */
  public Loaded load(String version) {
    Path dir;
    try {
      FileSystem fs = root.getFileSystem(spark.sparkContext().hadoopConfiguration());
      if (version == null || version.isBlank()) {
        Path pointer = new Path(root, LATEST);
        if (!fs.exists(pointer)) {
          throw new InputException("no trained model under " + root + " (no '" + LATEST + "' file): run "
              + "`touchpoints train` (or `run`) with this --output first");
        }
        try (InputStream in = fs.open(pointer)) {
          dir = new Path(root, new String(in.readAllBytes(), StandardCharsets.UTF_8).trim());
        }
      } else {
        Path named = new Path(root, version);
        dir = fs.exists(named) ? named : new Path(version);
      }
      Path metadataFile = new Path(dir, METADATA);
      if (!fs.exists(metadataFile)) {
        throw new InputException("no model at " + dir + " (" + METADATA + " not found)");
      }
      Metadata metadata;
      try (InputStream in = fs.open(metadataFile)) {
        metadata = JSON.readValue(in, Metadata.class);
      }
      FittedModel model;
      if (MarkovBaseline.orderOf(metadata.model()) >= 0) {
        try (InputStream in = fs.open(new Path(dir, MARKOV))) {
          model = FittedModel.Markov.fromSaved(JSON.readValue(in, MarkovBaseline.Saved.class));
        }
      } else {
        model = new FittedModel.Classifier(metadata.model(), PipelineModel.load(new Path(dir, PIPELINE).toString()));
      }
      return new Loaded(model, metadata, dir.toString());
    } catch (InputException e) {
      throw e;
    } catch (IOException | RuntimeException e) {
      throw new InputException("cannot load the model from " + root + (version == null ? "" : " (" + version + ")")
          + ": " + e.getClass().getSimpleName() + ": " + e.getMessage(), e);
    }
  }
}
