package io.touchpoints.testing;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import org.junit.jupiter.api.Assumptions;

/** Locates the real public data sets in {@code ../shared/data/}; tests that need them skip, saying so, when absent. */
public final class SharedData {
  private SharedData() {}

  /** The project directory (Maven sets {@code touchpoints.project.dir}; else the working directory). */
  public static Path projectDir() {
    return Paths.get(System.getProperty("touchpoints.project.dir", ".")).toAbsolutePath().normalize();
  }

  /** A file under {@code ../shared/data/}, or the test is skipped with a message naming it. */
  public static Path require(String relative) {
    Path path = projectDir().resolveSibling("shared").resolve("data").resolve(relative);
    Assumptions.assumeTrue(Files.exists(path),
        () -> "skipped: real data set not found at " + path + " (it lives in ../shared/data/, outside the repository)");
    return path;
  }
}
