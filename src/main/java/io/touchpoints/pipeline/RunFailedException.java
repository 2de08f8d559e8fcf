package io.touchpoints.pipeline;

/**
 * A run that failed after it had written: its tables were put back as they were before it (exit code 1).
 *
 * <p>{@link #restored()} says what was put back, the hint line under the error.
 */
public class RunFailedException extends RuntimeException {

  private final String restored;

  public RunFailedException(String message, String restored, Throwable cause) {
    super(message, cause);
    this.restored = restored;
  }

  public String restored() {
    return restored;
  }

  /** The exception's message with its causes' messages, on one line: what a user reads first. */
  public static String describe(Throwable e) {
    StringBuilder sb = new StringBuilder();
    // The job's own exceptions say what went wrong in words; others (Spark's, Delta's) are named.
    if (!e.getClass().getName().startsWith("io.touchpoints.")) {
      sb.append(e.getClass().getSimpleName()).append(": ");
    }
    sb.append(e.getMessage());
    for (Throwable cause = e.getCause(); cause != null && cause != cause.getCause(); cause = cause.getCause()) {
      if (cause.getMessage() != null && !sb.toString().contains(cause.getMessage())) {
        sb.append(" <- ").append(cause.getClass().getSimpleName()).append(": ").append(cause.getMessage());
      }
    }
    String text = sb.toString();
    int nl = text.indexOf('\n');
    return nl < 0 ? text : text.substring(0, nl);
  }
}
