package io.touchpoints.report;

import io.touchpoints.config.JobConfig;
import io.touchpoints.pipeline.AppVersion;
import io.touchpoints.pipeline.RunRequest;
import io.touchpoints.pipeline.Stage;
import io.touchpoints.pipeline.StageContext;
import io.touchpoints.pipeline.StageOutcome;
import io.touchpoints.pipeline.StageResult;
import io.touchpoints.pipeline.StageSpec;
import io.touchpoints.tables.TableNames;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The HTML report of the run date's tables, written last in a run ({@link ReportBuilder}: small aggregates only,
 * bounded collects; no shuffle beyond the grouped counts). The run's own stages come from the run, not the ledger
 * (its rows are written when it ends). The file it replaces is kept in the run's journal, so a failed run puts the
 * previous report back.
 */
public final class ReportStage implements Stage<ReportSettings> {

  @Override
  public StageSpec spec() {
    return new StageSpec("report", "one self-contained HTML report of the run date's tables", List.of("report"),
        List.of(TableNames.RUNS, TableNames.QUARANTINE, TableNames.JOURNEYS, TableNames.PATHS,
            TableNames.TOUCHPOINT_METRICS, TableNames.ATTRIBUTION, TableNames.TRANSITIONS,
            TableNames.MODEL_METRICS),
        List.of("report/index.html"));
  }

  @Override
  public ReportSettings settings(JobConfig config, RunRequest request) {
    return ReportSettings.from(config.raw().getConfig("report"));
  }

  @Override
  public StageOutcome run(StageContext context, ReportSettings settings) {
    String output = context.config().outputPath();
    Path target = settings.target(output);
    if (target == null) {
      String reason = "the output " + output + " is not a local folder: set report.file to write the report";
      return StageOutcome.skipped(reason, "skipped: " + reason);
    }
    ReportData data = new ReportBuilder(context.spark(), output).topTransitions(settings.topTransitions())
        .build(context.config().runDate(), runSoFar(context));
    context.journal().beforeReplace(target.toAbsolutePath().toUri().toString());
    write(target, data);
    return StageOutcome.ok(null, null, null, "written to " + target);
  }

  /** The stages of this run that have ended, as the report's stage table shows them. */
  private static List<ReportData.Stage> runSoFar(StageContext context) {
    List<ReportData.Stage> stages = new ArrayList<>();
    for (StageResult r : context.results()) {
      stages.add(new ReportData.Stage(context.runId(), context.request().command(), r.stage(), r.status(),
          r.seconds(), r.rowsIn(), r.rowsOut(), r.rowsQuarantined(), r.rowsDuplicate(), r.message()));
    }
    return stages;
  }

  /** Writes the report's HTML to {@code target}, creating its folder. */
  public static void write(Path target, ReportData data) {
    try {
      Path parent = target.toAbsolutePath().getParent();
      if (parent != null) {
        Files.createDirectories(parent);
      }
      Files.writeString(target, ReportHtml.render(data, Instant.now(), AppVersion.get()), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the report to " + target, e);
    }
  }
}
