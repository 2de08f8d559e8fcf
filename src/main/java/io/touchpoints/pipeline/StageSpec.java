package io.touchpoints.pipeline;

import java.util.List;

/**
 * What a stage declares about itself.
 *
 * @param name name in the runs ledger, the Spark job group ({@code touchpoints:<name>}) and the progress line
 * @param description one line for the Spark UI and docs/architecture.md
 * @param settingsSections sections of conf/touchpoints.conf its settings come from
 * @param reads tables under the output folder it reads (written by earlier stages or runs)
 * @param writes tables (and files) under the output folder it writes
 */
public record StageSpec(String name, String description, List<String> settingsSections, List<String> reads,
    List<String> writes) {

  public StageSpec {
    settingsSections = List.copyOf(settingsSections);
    reads = List.copyOf(reads);
    writes = List.copyOf(writes);
  }
}
