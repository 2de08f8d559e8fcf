package io.touchpoints.pipeline;

/**
 * Input that cannot be read at all: an unreadable path, a file missing a required column, a bad mapping. Raised
 * before anything is written; the command exits with code 2 and this message.
 */
public class InputException extends RuntimeException {
  public InputException(String message) {
    super(message);
  }

  public InputException(String message, Throwable cause) {
    super(message, cause);
  }
}
