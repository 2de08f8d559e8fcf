package io.touchpoints.model;

import static org.apache.spark.sql.functions.col;

import org.apache.spark.ml.Transformer;
import org.apache.spark.ml.functions;
import org.apache.spark.ml.linalg.VectorUDT;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.util.DefaultParamsReader;
import org.apache.spark.ml.util.DefaultParamsWritable;
import org.apache.spark.ml.util.Identifiable$;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.StructType;

/**
 * Pipeline stage that writes the feature vector again as a dense vector, for XGBoost: XGBoost4J-Spark 3.0 and 3.1
 * densify every training row anyway, and at prediction they pair a sparse vector's indices with its dense values
 * (failing with "indices and values must have the same number of elements"). Saved and loaded with the pipeline.
 */
public final class DenseFeatures extends Transformer implements DefaultParamsWritable {

  static final String INPUT = NextTouchpointTrainer.FEATURES;
  static final String OUTPUT = NextTouchpointTrainer.FEATURES + "_dense";

  private final String uid;

  public DenseFeatures(String uid) {
    this.uid = uid;
  }

  public DenseFeatures() {
    this(Identifiable$.MODULE$.randomUID("denseFeatures"));
  }

  /** How MLlib persistence finds the reader of a saved stage. */
  public static MLReader<DenseFeatures> read() {
    return new DefaultParamsReader<>();
  }

  @Override
  public String uid() {
    return uid;
  }

  @Override
  public Dataset<Row> transform(Dataset<?> dataset) {
    return dataset.withColumn(OUTPUT, functions.array_to_vector(functions.vector_to_array(col(INPUT), "float64")));
  }

  @Override
  public StructType transformSchema(StructType schema) {
    return schema.add(OUTPUT, new VectorUDT(), false);
  }

  @Override
  public DenseFeatures copy(ParamMap extra) {
    return defaultCopy(extra);
  }
}
