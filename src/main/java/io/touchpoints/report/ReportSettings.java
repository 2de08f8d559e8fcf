package io.touchpoints.report;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import io.touchpoints.config.ConfigurationException;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;

/**
 * The {@code touchpoints.report} block.
 *
 * @param file the HTML file to write; null = {@code <output>/report/index.html} where the output is local
 * @param topTransitions first-order transitions the flow diagram shows
 */
public record ReportSettings(Path file, int topTransitions) {

  public ReportSettings {
    if (topTransitions < 1) {
      throw new ConfigurationException("report.top_transitions must be at least 1, got " + topTransitions);
    }
  }

  public static ReportSettings from(Config c) {
    try {
      String file = c.getString("file");
      return new ReportSettings(file.isBlank() ? null : Path.of(file), c.getInt("top_transitions"));
    } catch (ConfigException e) {
      throw new ConfigurationException("bad report setting: " + e.getMessage());
    } catch (InvalidPathException e) {
      throw new ConfigurationException("report.file is not a file path: " + e.getMessage());
    }
  }

  /**
   * Where the report goes for the output folder {@code output}: the configured file, else
   * {@code <output>/report/index.html} when the output is local (a file: URI included), else null.
   */
  public Path target(String output) {
    if (file != null) {
      return file;
    }
    org.apache.hadoop.fs.Path path = new org.apache.hadoop.fs.Path(output);
    String scheme = path.toUri().getScheme();
    if (scheme != null && !scheme.equals("file")) {
      return null;
    }
    return Path.of(path.toUri().getPath()).resolve("report").resolve("index.html");
  }
}
