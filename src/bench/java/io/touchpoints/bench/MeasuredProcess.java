package io.touchpoints.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Runs one command as a child process and measures it like a user would: wall time from start to exit, and peak
 * resident memory, read as {@code VmHWM} (the kernel's resident-set high-water mark) from
 * {@code /proc/<pid>/status}, sampled every {@value #SAMPLE_MILLIS} ms until the process exits. The launcher
 * {@code jobs/touchpoints} execs java, so its pid is the JVM's. Output goes to a log file.
 */
final class MeasuredProcess {

  static final long SAMPLE_MILLIS = 100;

  /** What one command did. */
  record Outcome(List<String> command, int exitCode, double wallSeconds, long peakRssKib, Path log) {
    boolean ok() {
      return exitCode == 0;
    }

    double peakRssMib() {
      return peakRssKib / 1024.0;
    }
  }

  private MeasuredProcess() {}

  static Outcome run(List<String> command, Path workDir, Map<String, String> env, Path log)
      throws IOException, InterruptedException {
    Files.createDirectories(log.getParent());
    ProcessBuilder builder = new ProcessBuilder(command).directory(workDir.toFile())
        .redirectErrorStream(true).redirectOutput(log.toFile());
    builder.environment().putAll(env);
    long start = System.nanoTime();
    Process process = builder.start();
    Path status = Path.of("/proc", Long.toString(process.pid()), "status");
    long peak = 0;
    while (process.isAlive()) {
      peak = Math.max(peak, highWaterMark(status));
      process.waitFor(SAMPLE_MILLIS, java.util.concurrent.TimeUnit.MILLISECONDS);
    }
    double wall = (System.nanoTime() - start) / 1e9;
    return new Outcome(List.copyOf(command), process.exitValue(), wall, peak, log);
  }

  /** VmHWM in KiB, or 0 when the process has gone (or is not on Linux). */
  private static long highWaterMark(Path status) {
    try {
      for (String line : Files.readAllLines(status)) {
        if (line.startsWith("VmHWM:")) {
          return Long.parseLong(line.replaceAll("[^0-9]", ""));
        }
      }
    } catch (IOException | RuntimeException e) {
      // The process exited between the liveness check and the read: keep the last sample.
    }
    return 0;
  }
}
