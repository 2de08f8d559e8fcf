package io.touchpoints.model;

import io.touchpoints.pipeline.InputException;

/**
 * The journeys leave no training or no test prefix with a next touchpoint (e.g. a log of one-touch journeys): bad
 * input for {@code train}; a full {@code run} skips the model stages with this message instead of failing.
 */
class TooFewExamplesException extends InputException {
  public TooFewExamplesException(String message) {
    super(message);
  }
}
