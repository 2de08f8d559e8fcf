package io.touchpoints.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Runs one command as a child process and measures it like a user would: wall time from start to exit, and peak
 * resident memory, read as {@code VmHWM} (the kernel's resident-set high-water mark) from
 * {@code /proc/<pid>/status}, sampled every {@value #SAMPLE_MILLIS} ms until the process exits, and CPU time
 * (user + system, from {@code /proc/<pid>/stat}, sampled the same way, so up to one interval is missed at the end). The launcher
 * {@code jobs/touchpoints} execs java, so its pid is the JVM's. Output goes to a log file.
 */
final class MeasuredProcess {

  static final long SAMPLE_MILLIS = 100;

  /** What one command did. */
  record Outcome(List<String> command, int exitCode, double wallSeconds, long peakRssKib, double cpuSeconds,
      Path log) {
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
    Path stat = Path.of("/proc", Long.toString(process.pid()), "stat");
    long peak = 0;
    double cpu = 0;
    while (process.isAlive()) {
      peak = Math.max(peak, highWaterMark(status));
      cpu = Math.max(cpu, cpuSeconds(stat));
      process.waitFor(SAMPLE_MILLIS, java.util.concurrent.TimeUnit.MILLISECONDS);
    }
    double wall = (System.nanoTime() - start) / 1e9;
    return new Outcome(List.copyOf(command), process.exitValue(), wall, peak, cpu, log);
  }

  /**
   * User plus system CPU time of the process so far (fields 14 and 15 of /proc/pid/stat, in clock ticks of 1/100 s
   * on Linux), or 0. Less sensitive than wall time to other processes sharing the cores: the comparable figure on a
   * busy machine.
   */
  private static double cpuSeconds(Path stat) {
    try {
      String text = Files.readString(stat);
      String[] f = text.substring(text.lastIndexOf(')') + 2).split(" ");
      // After the command name: state is field 3, so utime (14) and stime (15) are at 11 and 12 here.
      return (Long.parseLong(f[11]) + Long.parseLong(f[12])) / 100.0;
    } catch (IOException | RuntimeException e) {
      return 0;
    }
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
