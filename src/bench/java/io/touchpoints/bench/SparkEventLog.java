package io.touchpoints.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * Summarises Spark event logs (one per command of a run) per job group ({@code touchpoints:<stage>}): tasks, task
 * time (wall, and CPU: on a busy machine the gap between the two is time spent waiting for a core), spills
 * to memory and disk, shuffle bytes written, GC time, and the worst task skew (longest task / median task of a Spark
 * stage with at least {@value #MIN_TASKS_FOR_SKEW} tasks). This is what the Spark UI shows, in a form that can go
 * into the report.
 */
final class SparkEventLog {

  static final int MIN_TASKS_FOR_SKEW = 4;
  private static final ObjectMapper JSON = new ObjectMapper();

  private SparkEventLog() {}

  static Map<String, Object> summarise(Path dir) throws IOException {
    List<Path> logs;
    try (Stream<Path> files = Files.list(dir)) {
      logs = files.filter(Files::isRegularFile).sorted().toList();
    }
    Map<String, Group> groups = new TreeMap<>();
    for (Path log : logs) {
      Map<Integer, String> stageGroup = new HashMap<>();
      Map<Integer, String> stageName = new HashMap<>();
      Map<Integer, List<Long>> stageTaskTimes = new HashMap<>();
      try (BufferedReader reader = Files.newBufferedReader(log)) {
        String line;
        while ((line = reader.readLine()) != null) {
          JsonNode e;
          try {
            e = JSON.readTree(line);
          } catch (IOException truncated) {
            continue; // the last line of a log still being written (.inprogress) may be cut off
          }
          String type = e.path("Event").asText();
          if (type.equals("SparkListenerJobStart")) {
            String group = e.path("Properties").path("spark.jobGroup.id").asText("(no group)");
            for (JsonNode stage : e.path("Stage Infos")) {
              stageGroup.put(stage.path("Stage ID").asInt(), group);
              stageName.put(stage.path("Stage ID").asInt(), stage.path("Stage Name").asText());
            }
          } else if (type.equals("SparkListenerTaskEnd")) {
            int stageId = e.path("Stage ID").asInt();
            JsonNode m = e.path("Task Metrics");
            Group g = groups.computeIfAbsent(stageGroup.getOrDefault(stageId, "(no group)"), k -> new Group());
            long run = m.path("Executor Run Time").asLong();
            g.tasks++;
            g.taskMillis += run;
            g.taskCpuNanos += m.path("Executor CPU Time").asLong();
            g.gcMillis += m.path("JVM GC Time").asLong();
            g.memorySpilled += m.path("Memory Bytes Spilled").asLong();
            g.diskSpilled += m.path("Disk Bytes Spilled").asLong();
            g.shuffleWritten += m.path("Shuffle Write Metrics").path("Shuffle Bytes Written").asLong();
            g.peakExecutionMemory = Math.max(g.peakExecutionMemory, m.path("Peak Execution Memory").asLong());
            stageTaskTimes.computeIfAbsent(stageId, k -> new ArrayList<>()).add(run);
          }
        }
      }
      for (Map.Entry<Integer, List<Long>> s : stageTaskTimes.entrySet()) {
        List<Long> times = new ArrayList<>(s.getValue());
        if (times.size() < MIN_TASKS_FOR_SKEW) {
          continue;
        }
        Collections.sort(times);
        double median = Math.max(1, times.get(times.size() / 2));
        double skew = times.get(times.size() - 1) / median;
        Group g = groups.get(stageGroup.getOrDefault(s.getKey(), "(no group)"));
        if (g != null && skew > g.worstSkew) {
          g.worstSkew = skew;
          g.worstSkewStage = stageName.getOrDefault(s.getKey(), "?") + " (" + times.size() + " tasks, longest "
              + times.get(times.size() - 1) + " ms, median " + (long) median + " ms)";
        }
      }
    }
    Map<String, Object> out = new LinkedHashMap<>();
    groups.forEach((name, g) -> out.put(name, g.toMap()));
    return out;
  }

  private static final class Group {
    long tasks;
    long taskMillis;
    long taskCpuNanos;
    long gcMillis;
    long memorySpilled;
    long diskSpilled;
    long shuffleWritten;
    long peakExecutionMemory;
    double worstSkew;
    String worstSkewStage = "";

    Map<String, Object> toMap() {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("tasks", tasks);
      m.put("task_seconds", taskMillis / 1000.0);
      m.put("task_cpu_seconds", taskCpuNanos / 1e9);
      m.put("gc_seconds", gcMillis / 1000.0);
      m.put("memory_spilled_mib", memorySpilled / 1048576.0);
      m.put("disk_spilled_mib", diskSpilled / 1048576.0);
      m.put("shuffle_written_mib", shuffleWritten / 1048576.0);
      m.put("peak_task_execution_memory_mib", peakExecutionMemory / 1048576.0);
      m.put("worst_skew", worstSkew);
      m.put("worst_skew_stage", worstSkewStage);
      return m;
    }
  }
}
