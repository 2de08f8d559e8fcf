package io.touchpoints.attribution;

import java.io.Serializable;
import java.util.List;

/**
 * A state of the order-k Markov chain of journeys: the start, one of the two absorbing ends, or the last (up to) k
 * touchpoints.
 *
 * <p>Rendered as text for the {@code transitions} table: {@code (start)}, {@code (conversion)}, {@code (null)}, and
 * touchpoints joined with {@code " > "} (e.g. {@code "a > b"}). {@link #parse} reads that form back, so touchpoint
 * names must not contain {@code " > "} nor be one of the three bracketed names if states travel as text.
 *
 * <p>States sort START, touchpoint states (element by element, a proper prefix first), CONVERSION, NULL; every map of
 * states in this package is sorted that way so that results are bit-for-bit reproducible.
 *
 * @param kind what the state is
 * @param touchpoints the last touchpoints, oldest first; empty except for {@link Kind#TOUCHPOINTS}
 */
record MarkovState(Kind kind, List<String> touchpoints) implements Comparable<MarkovState>, Serializable {

  /** Declaration order is the sort order. */
  public enum Kind { START, TOUCHPOINTS, CONVERSION, NULL }

  public static final MarkovState START = new MarkovState(Kind.START, List.of());
  public static final MarkovState CONVERSION = new MarkovState(Kind.CONVERSION, List.of());
  public static final MarkovState NULL = new MarkovState(Kind.NULL, List.of());

  private static final String SEPARATOR = " > ";

  public MarkovState {
    if (kind == null) {
      throw new IllegalArgumentException("a state needs a kind, got null");
    }
    touchpoints = List.copyOf(touchpoints);
    if (kind == Kind.TOUCHPOINTS) {
      if (touchpoints.isEmpty()) {
        throw new IllegalArgumentException("a touchpoint state needs at least one touchpoint, got []");
      }
      for (String t : touchpoints) {
        AggregatedPath.requireTouchpointName(t, touchpoints);
      }
    } else if (!touchpoints.isEmpty()) {
      throw new IllegalArgumentException("state " + kind + " carries no touchpoints, got " + touchpoints);
    }
  }

  /** The state "the last touchpoints were these", oldest first. */
  public static MarkovState of(List<String> touchpoints) {
    return new MarkovState(Kind.TOUCHPOINTS, touchpoints);
  }

  public static MarkovState of(String... touchpoints) {
    return of(List.of(touchpoints));
  }

  /** Reads {@link #render()}'s form. */
  public static MarkovState parse(String text) {
    switch (text) {
      case "(start)":
        return START;
      case "(conversion)":
        return CONVERSION;
      case "(null)":
        return NULL;
      default:
        return of(List.of(text.split(SEPARATOR, -1)));
    }
  }

  public boolean isAbsorbing() {
    return kind == Kind.CONVERSION || kind == Kind.NULL;
  }

  public boolean contains(String touchpoint) {
    return touchpoints.contains(touchpoint);
  }

  public String render() {
    switch (kind) {
      case START:
        return "(start)";
      case CONVERSION:
        return "(conversion)";
      case NULL:
        return "(null)";
      default:
        return String.join(SEPARATOR, touchpoints);
    }
  }

  @Override
  public int compareTo(MarkovState other) {
    int c = kind.compareTo(other.kind);
    return c != 0 ? c : AggregatedPath.compareSequences(touchpoints, other.touchpoints);
  }

  @Override
  public String toString() {
    return render();
  }
}
