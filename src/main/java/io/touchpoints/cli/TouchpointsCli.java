package io.touchpoints.cli;

import io.touchpoints.config.ConfigurationException;
import io.touchpoints.pipeline.InputException;
import io.touchpoints.pipeline.AppVersion;
import io.touchpoints.pipeline.RunFailedException;
import io.touchpoints.tables.OutputLockedException;
import java.io.PrintWriter;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.UnmatchedArgumentException;

/**
 * Entry point of the touchpoints job ({@code jobs/touchpoints}, or {@code spark-submit --class} this class). A thin
 * main: parses the command line and maps failures to exit codes: 0 ok, 2 bad usage, settings or input (nothing
 * written), 1 a failed run (its tables put back), 75 another run holds the output. An error prints one line first.
 */
@Command(name = "touchpoints", mixinStandardHelpOptions = true, versionProvider = TouchpointsCli.Version.class,
    description = "Measures how well each customer touchpoint works: journeys, conversion, churn, satisfaction, "
        + "attribution and the next touchpoint, as Delta tables.",
    subcommands = {JourneysCommand.class, MetricsCommand.class, AttributeCommand.class, EffectsCommand.class,
        RecommendCommand.class, RunCommand.class,
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
      Exit codes: 0 ok, 2 bad usage, settings or input (nothing written), 1 failure (the run's tables put back as
      they were), 75 another run is writing to the same output.""";

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

  /** Exit code when another run holds the output's lock (EX_TEMPFAIL: try again later). */
  public static final int EXIT_LOCKED = 75;

  @Option(names = "--verbose", scope = ScopeType.INHERIT,
      description = "On failure, print the stack trace under the error line.")
  boolean verbose;

  /**
   * Runs a command line with error messages to {@code err}: one {@code error:} line, then one hint line where there
   * is one; the stack trace only with {@code --verbose}.
   */
  public static int execute(PrintWriter err, String... args) {
    TouchpointsCli top = new TouchpointsCli();
    boolean verbose = java.util.Arrays.asList(args).contains("--verbose");
    CommandLine cli = new CommandLine(top);
    cli.setErr(err);
    cli.setParameterExceptionHandler((e, arguments) -> {
      CommandLine command = e.getCommandLine();
      err.println("error: " + e.getMessage());
      err.println("hint: see `touchpoints " + (command.getParent() == null ? "" : command.getCommandName() + " ")
          + "--help`" + (e instanceof UnmatchedArgumentException u && !u.getSuggestions().isEmpty()
              ? "; did you mean " + String.join(" or ", u.getSuggestions()) + "?" : ""));
      err.flush();
      return EXIT_BAD_INPUT;
    });
    cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
      int code;
      String hint = null;
      if (e instanceof InputException || e instanceof ConfigurationException) {
        code = EXIT_BAD_INPUT;
      } else if (e instanceof OutputLockedException) {
        code = EXIT_LOCKED;
      } else if (e instanceof RunFailedException failed) {
        code = EXIT_FAILURE;
        hint = "the tables are as they were before the run (" + failed.restored() + "); details: `touchpoints runs "
            + "--stages`" + (verbose ? "" : ", or add --verbose for the stack trace");
      } else {
        code = EXIT_FAILURE;
        hint = verbose ? null : "add --verbose for the stack trace";
      }
      err.println("error: " + RunFailedException.describe(e));
      if (hint != null) {
        err.println("hint: " + hint);
      }
      if (verbose) {
        e.printStackTrace(err);
      }
      err.flush();
      return code;
    });
    return cli.execute(args);
  }

  /** Version from the build. */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      return new String[] {"touchpoints " + AppVersion.get()};
    }
  }
}
