package io.touchpoints.cli;

import io.touchpoints.config.JobConfig;
import io.touchpoints.pipeline.AppVersion;
import io.touchpoints.report.ReportBuilder;
import io.touchpoints.report.ReportData;
import io.touchpoints.report.ReportHtml;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
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

  @Option(names = "--output", paramLabel = "DIR", description = "Folder of the Delta tables (default: "
      + "touchpoints.output.path).")
  String output;

  @Option(names = "--file", paramLabel = "FILE", description = "HTML file to write (default: DIR/report/index.html).")
  Path file;

  @Option(names = "--run-date", paramLabel = "yyyy-MM-dd", description = "Run date to report (default: the newest).")
  String runDate;

  @Option(names = "--top-transitions", paramLabel = "N", defaultValue = "40",
      description = "Transitions shown in the flow diagram (default: ${DEFAULT-VALUE}).")
  int topTransitions;

  @Mixin
  SessionOptions session = new SessionOptions();

  /** DIR/report/index.html for a local DIR (a file: URI included). */
  private static Path defaultFile(String output) {
    return Path.of(new org.apache.hadoop.fs.Path(output).toUri().getPath()).resolve("report").resolve("index.html");
  }

  @Override
  public Integer call() {
    LocalDate date = null;
    if (runDate != null) {
      try {
        date = LocalDate.parse(runDate);
      } catch (DateTimeParseException e) {
        throw new ParameterException(spec.commandLine(), "--run-date must be yyyy-MM-dd, got '" + runDate + "'");
      }
    }
    if (topTransitions < 1) {
      throw new ParameterException(spec.commandLine(),
          "--top-transitions must be at least 1, got " + topTransitions);
    }
    Map<String, Object> opts = new LinkedHashMap<>();
    opts.put("output.path", output);
    JobConfig resolved = session.resolve(opts);
    String scheme = new org.apache.hadoop.fs.Path(resolved.outputPath()).toUri().getScheme();
    if (file == null && scheme != null && !scheme.equals("file")) {
      throw new ParameterException(spec.commandLine(), "the output " + resolved.outputPath() + " is not a local "
          + "folder: name the HTML file to write with --file FILE");
    }
    SparkSession spark = SparkCommand.startSession(resolved, session.master, "report");
    ReportData data = new ReportBuilder(spark, resolved.outputPath()).topTransitions(topTransitions).build(date);
    Path target = file != null ? file : defaultFile(resolved.outputPath());
    try {
      if (target.toAbsolutePath().getParent() != null) {
        Files.createDirectories(target.toAbsolutePath().getParent());
      }
      Files.writeString(target, ReportHtml.render(data, Instant.now(), AppVersion.get()), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the report to " + target, e);
    }
    System.out.println("report of run date " + data.runDate() + " written to " + target);
    return 0;
  }
}
