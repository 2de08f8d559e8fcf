package io.touchpoints.attribution;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Every attribution model, declared once, in the order tables, the printed summary and the report show them
 * (heuristics, then data-driven). {@link #id()} is the value of the {@code model} column.
 */
public enum AttributionModel {
  FIRST_TOUCH(Kind.PATH_HEURISTIC, 0),
  LAST_TOUCH(Kind.PATH_HEURISTIC, 0),
  LAST_NON_DIRECT(Kind.PATH_HEURISTIC, 0),
  LINEAR(Kind.PATH_HEURISTIC, 0),
  TIME_DECAY(Kind.TIME_HEURISTIC, 0),
  POSITION_BASED(Kind.PATH_HEURISTIC, 0),
  MARKOV_1(Kind.MARKOV, 1),
  MARKOV_2(Kind.MARKOV, 2),
  MARKOV_3(Kind.MARKOV, 3),
  MARKOV_4(Kind.MARKOV, 4),
  SHAPLEY(Kind.SHAPLEY, 0);

  /** How a model computes its credits. */
  public enum Kind {
    /** Weights over a path's touches, from the path alone ({@link HeuristicCredits#fromPaths}). */
    PATH_HEURISTIC,
    /** Weights from the touches' times: journeys only, not path files. */
    TIME_HEURISTIC,
    /** Removal effects of a Markov chain of the model's order ({@link MarkovAttribution}). */
    MARKOV,
    /** The Shapley value of the touchpoint sets ({@link ShapleyAttribution}). */
    SHAPLEY
  }

  private final Kind kind;
  private final int order;

  AttributionModel(Kind kind, int order) {
    this.kind = kind;
    this.order = order;
  }

  /** The model's name in tables and settings, e.g. {@code markov_2}. */
  public String id() {
    return name().toLowerCase(Locale.ROOT);
  }

  public Kind kind() {
    return kind;
  }

  /** The Markov chain's order; 0 for other kinds. */
  public int order() {
    return order;
  }

  /** The Markov model of an order in {@code 1..4}. */
  public static AttributionModel markov(int order) {
    return Arrays.stream(values()).filter(m -> m.kind == Kind.MARKOV && m.order == order).findFirst()
        .orElseThrow(() -> new IllegalArgumentException("no Markov model of order " + order + "; orders are 1 to "
            + maxMarkovOrder()));
  }

  /** The highest Markov order there is a model for. */
  public static int maxMarkovOrder() {
    return Arrays.stream(values()).filter(m -> m.kind == Kind.MARKOV).mapToInt(m -> m.order).max().orElseThrow();
  }

  /** The path heuristics, in declaration order. */
  public static List<AttributionModel> pathHeuristics() {
    return Arrays.stream(values()).filter(m -> m.kind == Kind.PATH_HEURISTIC).toList();
  }

  /** The model with this id, if there is one. */
  public static Optional<AttributionModel> fromId(String id) {
    return Arrays.stream(values()).filter(m -> m.id().equals(id)).findFirst();
  }

  /** Every model's id, in declaration order. */
  public static List<String> ids() {
    return Arrays.stream(values()).map(AttributionModel::id).toList();
  }
}
