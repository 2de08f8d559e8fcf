package io.touchpoints.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/** What the benchmark ran on: cores, memory, CPU, OS, Java; and the load average, recorded with every result. */
final class Machine {

  private Machine() {}

  static Map<String, Object> describe() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("cores", Runtime.getRuntime().availableProcessors());
    m.put("memory_gib", memTotalKib() / 1024.0 / 1024.0);
    m.put("cpu", cpuModel());
    m.put("os", System.getProperty("os.name") + " " + System.getProperty("os.version"));
    m.put("java", System.getProperty("java.vm.name") + " " + System.getProperty("java.version"));
    m.put("loadavg_at_start", loadAverage());
    return m;
  }

  /** The 1, 5 and 15 minute load averages, e.g. "1.02 0.87 0.60"; other agents' work shows here. */
  static String loadAverage() {
    try {
      String[] f = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
      return f[0] + " " + f[1] + " " + f[2];
    } catch (IOException | RuntimeException e) {
      return "unknown";
    }
  }

  private static long memTotalKib() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/meminfo"))) {
        if (line.startsWith("MemTotal:")) {
          return Long.parseLong(line.replaceAll("[^0-9]", ""));
        }
      }
    } catch (IOException | RuntimeException e) {
      // not Linux
    }
    return Runtime.getRuntime().maxMemory() / 1024;
  }

  private static String cpuModel() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
        if (line.startsWith("model name")) {
          return line.substring(line.indexOf(':') + 1).trim();
        }
      }
    } catch (IOException | RuntimeException e) {
      // not Linux
    }
    return System.getProperty("os.arch");
  }

  static String gitCommit(Path project) {
    try {
      Process p = new ProcessBuilder("git", "rev-parse", "--short", "HEAD").directory(project.toFile())
          .redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes()).trim();
      Process dirty = new ProcessBuilder("git", "status", "--porcelain", "--untracked-files=no")
          .directory(project.toFile()).redirectErrorStream(true).start();
      boolean modified = !new String(dirty.getInputStream().readAllBytes()).isBlank();
      return p.waitFor() == 0 ? out + (modified ? " (modified)" : "") : "unknown";
    } catch (IOException | InterruptedException e) {
      return "unknown";
    }
  }
}
