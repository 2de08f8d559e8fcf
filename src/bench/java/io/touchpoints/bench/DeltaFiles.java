package io.touchpoints.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/**
 * The live Parquet files of a Delta table, replayed from its JSON commit log ({@code add} minus {@code remove}), so
 * that DuckDB can read the job's tables without Delta support. The harness writes each run into a fresh output
 * folder, so the logs are short and have no checkpoint; a table with a checkpoint is refused rather than misread.
 */
final class DeltaFiles {

  private static final ObjectMapper JSON = new ObjectMapper();

  private DeltaFiles() {}

  static List<String> live(Path table) throws IOException {
    Path log = table.resolve("_delta_log");
    if (!Files.isDirectory(log)) {
      throw new IOException("not a Delta table (no _delta_log): " + table);
    }
    if (Files.exists(log.resolve("_last_checkpoint"))) {
      throw new IOException("Delta table with a checkpoint is not supported by the harness: " + table);
    }
    List<Path> commits;
    try (Stream<Path> files = Files.list(log)) {
      commits = files.filter(p -> p.getFileName().toString().matches("[0-9]{20}\\.json")).sorted().toList();
    }
    Set<String> live = new LinkedHashSet<>();
    for (Path commit : commits) {
      for (String line : Files.readAllLines(commit)) {
        if (line.isBlank()) {
          continue;
        }
        JsonNode action = JSON.readTree(line);
        if (action.has("add")) {
          live.add(action.get("add").get("path").asText());
        } else if (action.has("remove")) {
          live.remove(action.get("remove").get("path").asText());
        }
      }
    }
    List<String> files = new ArrayList<>();
    for (String relative : live) {
      // Paths in the log are URI-encoded and relative to the table.
      files.add(table.resolve(URI.create(relative).getPath()).toString());
    }
    return files;
  }

  /** A DuckDB {@code read_parquet([...])} over the table's live files. */
  static String readParquet(Path table) throws IOException {
    List<String> files = live(table);
    if (files.isEmpty()) {
      return "(SELECT NULL WHERE FALSE)";
    }
    StringBuilder sql = new StringBuilder("read_parquet([");
    for (int i = 0; i < files.size(); i++) {
      sql.append(i == 0 ? "" : ", ").append(Sql.quote(files.get(i)));
    }
    return sql.append("], hive_partitioning = false)").toString();
  }
}
