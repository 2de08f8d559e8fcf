package io.touchpoints.pipeline;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/** The application version, from the build (Maven filters it into version.properties). */
public final class AppVersion {
  private static final String VERSION = load();

  private AppVersion() {}

  public static String get() {
    return VERSION;
  }

  private static String load() {
    try (InputStream in = AppVersion.class.getResourceAsStream("/io/touchpoints/version.properties")) {
      if (in == null) {
        return "unknown";
      }
      Properties p = new Properties();
      p.load(in);
      return p.getProperty("version", "unknown");
    } catch (IOException e) {
      return "unknown";
    }
  }
}
