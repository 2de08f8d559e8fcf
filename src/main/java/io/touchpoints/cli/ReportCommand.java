package io.touchpoints.cli;

import io.touchpoints.config.JobConfig;
import io.touchpoints.report.ReportBuilder;
import io.touchpoints.report.ReportData;
import io.touchpoints.report.ReportSettings;
import io.touchpoints.report.ReportStage;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code touchpoints report}: one self-contained HTML page of a run's tables, for people who never open a notebook. */
@Command(name = "report", mixinStandardHelpOptions = true,
    description = "Write one self-contained HTML file (charts as inline SVG, no network needed to open it) with the "
        + "run summary, the touchpoint scorecard, the attribution models side by side, the journey flow and the "
        + "model metrics, from the Delta tables under --output (the newest run date unless --run-date).")
final class ReportCommand implements Callable<Integer> {

  @Spec
  CommandSpec spec;

  @Option(names = "--file", paramLabel = "FILE", description = "HTML file to write (default: report.file, else "
      + "DIR/report/index.html).")
  Path file;

  @Option(names = "--top-transitions", paramLabel = "N",
      description = "Transitions shown in the flow diagram (default: report.top_transitions).")
  Integer topTransitions;

  @Mixin
  OutputOptions tables = new OutputOptions();

  @Override
  public Integer call() {
    LocalDate date = tables.runDate();
    Map<String, Object> opts = new LinkedHashMap<>();
    opts.put("report.top_transitions", topTransitions);
    opts.put("report.file", file == null ? null : file.toString());
    JobConfig resolved = tables.resolve(opts);
    ReportSettings settings = ReportSettings.from(resolved.raw().getConfig("report"));
    Path target = settings.target(resolved.outputPath());
    if (target == null) {
      throw new ParameterException(spec.commandLine(), "the output " + resolved.outputPath() + " is not a local "
          + "folder: name the HTML file to write with --file FILE");
    }
    SparkSession spark = SparkCommand.startSession(resolved, tables.session.master, "report");
    ReportData data = new ReportBuilder(spark, resolved.outputPath()).topTransitions(settings.topTransitions())
        .build(date);
    ReportStage.write(target, data);
    System.out.println("report of run date " + data.runDate() + " written to " + target);
    return 0;
  }
}
