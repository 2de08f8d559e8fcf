package io.touchpoints.effects;

import static org.apache.spark.sql.functions.col;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * A linear regression with an L1 penalty chosen by cross-validation over given folds, fitted from the folds' moments
 * (counts, sums, cross-products) in one pass over the data; everything after that pass runs on the driver on
 * p x p matrices. Why the lasso: the recommend stage regresses doubly robust scores, whose noise is several times
 * the effects' spread, on a dozen or more covariates; an unpenalized fit turns every covariate's noise into spread
 * between customers, while the lasso keeps only the covariates whose signal stands out (none at all when nothing
 * does, and then every prediction is the average effect). The penalty minimizes the folds' held-out squared error
 * (on the scores, whose conditional mean is the effect, so that error ranks penalties as the error on the effect
 * would, up to a constant). Features are standardized inside the fit; the intercept is not penalized. The one
 * penalty is chosen on every fold, so each fold's fit has seen that fold through this one number only.
 *
 * <p>Spark: one {@code treeAggregate} of p^2 + 2p + 3 doubles per fold; no shuffle.
 */
final class CrossValidatedLasso {

  /** Penalties tried: the smallest that keeps every coefficient at 0, then halved this many times. */
  static final int PENALTIES = 14;
  private static final int MAX_SWEEPS = 1_000;
  private static final double TOLERANCE = 1e-9;

  private CrossValidatedLasso() {}

  /** Sums over one fold's rows: n, x, y, y^2, x x' (row-major), x y. */
  record Moments(double n, double[] sx, double sy, double syy, double[] sxx, double[] sxy) implements Serializable {
    static Moments empty(int p) {
      return new Moments(0, new double[p], 0, 0, new double[p * p], new double[p]);
    }

    int p() {
      return sx.length;
    }

    Moments plus(Moments o) {
      return new Moments(n + o.n, sum(sx, o.sx), sy + o.sy, syy + o.syy, sum(sxx, o.sxx), sum(sxy, o.sxy));
    }

    /** Sum of squared errors of {@code fit} on these rows. */
    double squaredError(Fit fit) {
      int p = p();
      double[] b = fit.coefficients();
      double a = fit.intercept();
      double bxy = 0;
      double bx = 0;
      double bxxb = 0;
      for (int j = 0; j < p; j++) {
        bxy += b[j] * sxy[j];
        bx += b[j] * sx[j];
        double row = 0;
        for (int l = 0; l < p; l++) {
          row += sxx[j * p + l] * b[l];
        }
        bxxb += b[j] * row;
      }
      return syy - 2 * a * sy - 2 * bxy + n * a * a + 2 * a * bx + bxxb;
    }

    private static double[] sum(double[] x, double[] y) {
      double[] out = x.clone();
      for (int i = 0; i < out.length; i++) {
        out[i] += y[i];
      }
      return out;
    }
  }

  /** {@code intercept + coefficients . x}, on the features' own scale. */
  record Fit(double intercept, double[] coefficients, double penalty) {
    int nonZero() {
      return (int) Arrays.stream(coefficients).filter(c -> c != 0).count();
    }
  }

  /**
   * @param chosenPenalty the penalty of least cross-validated error, on the standardized features' scale
   * @param perFold per fold k, the fit on every other fold at the chosen penalty
   */
  record Result(double chosenPenalty, Fit[] perFold) {}

  /**
   * The moments of each fold of {@code rows}.
   *
   * @param fold integer column, 0 to folds - 1
   * @param features vector column of {@code p} features
   * @param label double column; rows where it is null are left out
   */
  static Moments[] moments(Dataset<Row> rows, String fold, String features, String label, int folds, int p) {
    JavaRDD<Row> data = rows.filter(col(label).isNotNull())
        .select(col(fold).cast("int"), col(features), col(label)).javaRDD();
    Moments[] zero = new Moments[folds];
    Arrays.setAll(zero, k -> Moments.empty(p));
    return data.treeAggregate(zero, (acc, r) -> {
      int k = r.getInt(0);
      double[] x = ((Vector) r.get(1)).toArray();
      double y = r.getDouble(2);
      Moments m = acc[k];
      double[] sxx = m.sxx();
      for (int j = 0; j < p; j++) {
        m.sx()[j] += x[j];
        m.sxy()[j] += x[j] * y;
        for (int l = 0; l < p; l++) {
          sxx[j * p + l] += x[j] * x[l];
        }
      }
      acc[k] = new Moments(m.n() + 1, m.sx(), m.sy() + y, m.syy() + y * y, sxx, m.sxy());
      return acc;
    }, (a, b) -> {
      Moments[] out = new Moments[folds];
      Arrays.setAll(out, k -> a[k].plus(b[k]));
      return out;
    });
  }

  /**
   * Chooses the penalty by the folds' held-out error, then fits each fold's complement at it.
   *
   * @throws IllegalArgumentException when fewer than two folds have rows
   */
  static Result crossValidate(Moments[] folds) {
    List<Integer> present = new ArrayList<>();
    for (int k = 0; k < folds.length; k++) {
      if (folds[k].n() > 0) {
        present.add(k);
      }
    }
    if (present.size() < 2) {
      throw new IllegalArgumentException("cross-validation needs rows in two folds, got " + present.size());
    }
    Moments all = Moments.empty(folds[0].p());
    for (Moments m : folds) {
      all = all.plus(m);
    }
    double[] penalties = penalties(all);
    double[] error = new double[penalties.length];
    for (int k : present) {
      Moments rest = all.plus(negated(folds[k]));
      double[] start = new double[all.p()];
      for (int i = 0; i < penalties.length; i++) {
        Fit fit = fit(rest, penalties[i], start);
        start = standardized(rest, fit.coefficients());
        error[i] += folds[k].squaredError(fit);
      }
    }
    int best = 0;
    for (int i = 1; i < penalties.length; i++) {
      if (error[i] < error[best]) {
        best = i;
      }
    }
    // Two folds have rows, so every fold's complement has some.
    Fit[] perFold = new Fit[folds.length];
    for (int k = 0; k < folds.length; k++) {
      perFold[k] = fit(all.plus(negated(folds[k])), penalties[best], new double[all.p()]);
    }
    return new Result(penalties[best], perFold);
  }

  /** From the penalty at which every coefficient is 0, halving. */
  static double[] penalties(Moments m) {
    Standardized s = Standardized.of(m);
    double max = 0;
    for (double r : s.r) {
      max = Math.max(max, Math.abs(r));
    }
    double[] out = new double[PENALTIES];
    for (int i = 0; i < PENALTIES; i++) {
      out[i] = max * Math.pow(0.5, i);
    }
    return out;
  }

  /**
   * Coordinate descent on the standardized normal equations: minimizes {@code 1/2 b'Gb - r'b + penalty |b|_1}, which
   * is the lasso's {@code 1/(2n) |y - a - Xb|^2 + penalty |b|_1} up to a constant.
   *
   * @param start standardized coefficients to start from (a warm start along the path)
   */
  static Fit fit(Moments m, double penalty, double[] start) {
    Standardized s = Standardized.of(m);
    int p = m.p();
    double[] beta = start.clone();
    for (int sweep = 0; sweep < MAX_SWEEPS; sweep++) {
      double change = 0;
      for (int j = 0; j < p; j++) {
        if (s.sd[j] == 0) {
          beta[j] = 0;
          continue;
        }
        double partial = s.r[j];
        for (int l = 0; l < p; l++) {
          if (l != j) {
            partial -= s.g[j * p + l] * beta[l];
          }
        }
        double next = Math.signum(partial) * Math.max(Math.abs(partial) - penalty, 0);
        change = Math.max(change, Math.abs(next - beta[j]));
        beta[j] = next;
      }
      if (change < TOLERANCE) {
        break;
      }
    }
    double[] b = new double[p];
    double intercept = s.meanY;
    for (int j = 0; j < p; j++) {
      b[j] = s.sd[j] == 0 ? 0 : beta[j] / s.sd[j];
      intercept -= b[j] * s.meanX[j];
    }
    return new Fit(intercept, b, penalty);
  }

  private static double[] standardized(Moments m, double[] coefficients) {
    Standardized s = Standardized.of(m);
    double[] out = new double[coefficients.length];
    for (int j = 0; j < out.length; j++) {
      out[j] = coefficients[j] * s.sd[j];
    }
    return out;
  }

  private static Moments negated(Moments m) {
    return new Moments(-m.n(), scaled(m.sx()), -m.sy(), -m.syy(), scaled(m.sxx()), scaled(m.sxy()));
  }

  private static double[] scaled(double[] x) {
    double[] out = new double[x.length];
    for (int i = 0; i < x.length; i++) {
      out[i] = -x[i];
    }
    return out;
  }

  /** Correlations among the features ({@code g}) and with the label ({@code r}), from moments. */
  private record Standardized(double[] meanX, double meanY, double[] sd, double[] g, double[] r) {
    static Standardized of(Moments m) {
      int p = m.p();
      double n = m.n();
      double[] meanX = new double[p];
      for (int j = 0; j < p; j++) {
        meanX[j] = m.sx()[j] / n;
      }
      double meanY = m.sy() / n;
      double[] sd = new double[p];
      for (int j = 0; j < p; j++) {
        double variance = m.sxx()[j * p + j] / n - meanX[j] * meanX[j];
        // Below this a column is constant up to rounding (a one-hot level no row of these folds has).
        sd[j] = variance > 1e-12 ? Math.sqrt(variance) : 0;
      }
      double[] g = new double[p * p];
      double[] r = new double[p];
      for (int j = 0; j < p; j++) {
        if (sd[j] == 0) {
          continue;
        }
        r[j] = (m.sxy()[j] / n - meanX[j] * meanY) / sd[j];
        for (int l = 0; l < p; l++) {
          if (sd[l] != 0) {
            g[j * p + l] = (m.sxx()[j * p + l] / n - meanX[j] * meanX[l]) / (sd[j] * sd[l]);
          }
        }
      }
      return new Standardized(meanX, meanY, sd, g, r);
    }
  }
}
