package io.touchpoints.cli;

import io.touchpoints.config.ConfigurationException;
import io.touchpoints.input.InputException;
import io.touchpoints.pipeline.AppVersion;
import java.io.PrintWriter;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * Entry point of the touchpoints job ({@code jobs/touchpoints}, or {@code spark-submit --class} this class). A thin
 * main: parses the command line and maps failures to exit codes: 0 ok, 2 bad usage or bad input (nothing written),
 * 1 any other failure. An error always prints a one-line message first.
 */
@Command(name = "touchpoints", mixinStandardHelpOptions = true, versionProvider = TouchpointsCli.Version.class,
    description = "Measures how well each customer touchpoint works: journeys, conversion, churn, satisfaction, "
        + "attribution and the next touchpoint, as Delta tables.",
    subcommands = {JourneysCommand.class, MetricsCommand.class, AttributeCommand.class, RunCommand.class,
        GenerateCommand.class, ShowCommand.class, TrainCommand.class, PredictCommand.class, RunsCommand.class,
        ConfigCommand.class, ReportCommand.class})
public final class TouchpointsCli implements Runnable {

  static final String SCHEMA_HELP = """

      Input columns (canonical names; --mapping FILE renames a source's own):
        customer_id       string     required (or anonymous_id)
        event_time        timestamp  required; ISO-8601, or a pattern from the mapping; no zone = UTC unless the
                                     mapping sets one
        touchpoint        string     required: where the contact happened (email, paid_search, chatbot, ...)
        event_type        string     interaction (default), conversion, churn, survey
        channel, stage    string     optional; filled from the taxonomy in conf/ when absent
        revenue           decimal    optional, on conversions (>= 0)
        csat / nps        int        optional, on surveys: CSAT 1-5, NPS 0-10
        rated_touchpoint  string     optional: the touchpoint a survey rates
        event_id          string     optional: breaks ties between events at the same time
        anonymous_id      string     optional: identity stitching
        journey_id        string     optional: journeys are taken as given (e.g. a support case id)
        segment           string     optional: a grouping carried to the metrics
      Exit codes: 0 ok, 2 bad usage or bad input (nothing written), 1 failure.""";

  /** Exit code for bad usage or input. */
  public static final int EXIT_BAD_INPUT = 2;
  public static final int EXIT_FAILURE = 1;

  @Override
  public void run() {
    new CommandLine(this).usage(System.out);
  }

  public static void main(String[] args) {
    int code = execute(args);
    // Stopped here, not in the commands, so that tests can run commands on their shared session.
    SparkSession.getDefaultSession().foreach(session -> {
      session.stop();
      return null;
    });
    System.exit(code);
  }

  /** Runs a command line and returns its exit code (tests call this instead of main). */
  public static int execute(String... args) {
    return execute(new PrintWriter(System.err, true), args);
  }

  /** Runs a command line with error messages to {@code err}. */
  public static int execute(PrintWriter err, String... args) {
    CommandLine cli = new CommandLine(new TouchpointsCli());
    cli.setErr(err);
    cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
      if (e instanceof InputException || e instanceof ConfigurationException) {
        err.println("error: " + e.getMessage());
        err.flush();
        return EXIT_BAD_INPUT;
      }
      err.println("error: " + describe(e));
      e.printStackTrace(err);
      err.println("error: " + describe(e));
      err.flush();
      return EXIT_FAILURE;
    });
    return cli.execute(args);
  }

  /** The exception's message, with its causes' messages: the first line a user reads. */
  private static String describe(Throwable e) {
    StringBuilder sb = new StringBuilder(e.getClass().getSimpleName()).append(": ").append(e.getMessage());
    for (Throwable cause = e.getCause(); cause != null && cause != cause.getCause(); cause = cause.getCause()) {
      sb.append(" <- ").append(cause.getClass().getSimpleName()).append(": ").append(cause.getMessage());
    }
    String text = sb.toString();
    int nl = text.indexOf('\n');
    return nl < 0 ? text : text.substring(0, nl);
  }

  /** Version from the build. */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      return new String[] {"touchpoints " + AppVersion.get()};
    }
  }
}
