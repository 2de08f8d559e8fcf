package io.touchpoints.tables;

/** Another run holds the output folder's lock: nothing was done; the command exits with code 75 (try again later). */
public class OutputLockedException extends RuntimeException {
  public OutputLockedException(String message) {
    super(message);
  }
}
