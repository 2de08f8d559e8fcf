package io.touchpoints.input;

import io.touchpoints.pipeline.InputException;
import java.util.Locale;

/** How a customer attribute enters the models: as a number, or as a category (one indicator per value). */
public enum AttributeKind {
  NUMERIC,
  CATEGORICAL;

  /** The lower-case name used in mapping files and printed lines. */
  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static AttributeKind parse(String text, String where) {
    for (AttributeKind kind : values()) {
      if (kind.label().equals(text.trim().toLowerCase(Locale.ROOT))) {
        return kind;
      }
    }
    throw new InputException(where + " must be numeric or categorical, got '" + text + "'");
  }
}
