package io.touchpoints.pipeline;

import java.io.IOException;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.SparkSession;

/** A file a stage needs, checked before anything of the run is written (any file system Spark can read). */
public final class RequiredFile {

  private RequiredFile() {}

  /**
   * @param what how the message names it, e.g. "holdout file"
   * @throws InputException when it does not exist or cannot be looked up
   */
  public static void require(SparkSession spark, String file, String what) {
    try {
      Path path = new Path(file);
      if (!path.getFileSystem(spark.sparkContext().hadoopConfiguration()).exists(path)) {
        throw new InputException(what + " not found: " + file);
      }
    } catch (IOException e) {
      throw new InputException(what + " not readable: " + file + " (" + e.getMessage() + ")", e);
    }
  }
}
