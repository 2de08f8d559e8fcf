package io.touchpoints.ops;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/**
 * Where the integration tests (run by failsafe after {@code package}) find the build's outputs: the project folder,
 * the application jar, the slim jar and the compile + provided classpath of the local launcher. The paths come from
 * system properties that the pom sets.
 */
final class BuiltArtifacts {

  private BuiltArtifacts() {}

  static Path projectDir() {
    return Path.of(property("touchpoints.project.dir"));
  }

  static Path appJar() {
    return existing(property("touchpoints.app.jar"));
  }

  static Path slimJar() {
    return existing(property("touchpoints.slim.jar"));
  }

  /** The jars the job runs on locally: Spark, Scala and everything else of the compile and provided scopes. */
  static List<Path> runtimeClasspath() {
    try {
      String text = Files.readString(existing(property("touchpoints.classpath.file")), StandardCharsets.UTF_8).trim();
      return Arrays.stream(text.split(java.io.File.pathSeparator)).map(Path::of).toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The jars of one dependency group on the runtime classpath, e.g. {@code io/delta}. */
  static List<Path> jarsOfGroup(String groupPath) {
    return runtimeClasspath().stream().filter(p -> p.toString().contains("/" + groupPath + "/")).toList();
  }

  private static String property(String name) {
    String value = System.getProperty(name);
    assertThat(value).as("system property %s (set by the pom's failsafe configuration)", name).isNotBlank();
    return value;
  }

  private static Path existing(String path) {
    Path p = Path.of(path);
    assertThat(p).as("built by `package` before the integration tests").exists();
    return p;
  }
}
