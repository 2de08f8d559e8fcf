package io.touchpoints.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * An independent first-order Markov removal-effect computation over an aggregated path file, to check the job's
 * {@code markov_1} credits. Written from the textbook definition, sharing no code with the job: states are
 * touchpoints plus start, conversion and null; each path adds its journeys (conversions + nulls) to every step,
 * its conversions to last → conversion and its nulls to last → null; the conversion probability from start is
 * solved exactly by Gaussian elimination with partial pivoting; removing a touchpoint sends every walk that reaches
 * it to null. Credit = total conversions × RE / Σ RE (and the same for value).
 */
final class FirstOrderMarkov {

  /** A touchpoint's removal effect and credits. */
  record Credit(String touchpoint, double removalEffect, double conversions, double value) {}

  private FirstOrderMarkov() {}

  static List<Credit> credits(Path file, String separator) throws IOException {
    List<String> lines = Files.readAllLines(file);
    List<String> header = Arrays.asList(lines.get(0).split(java.util.regex.Pattern.quote(separator), -1));
    int pathCol = header.indexOf("path");
    int convCol = header.indexOf("total_conversions");
    int valueCol = header.indexOf("total_conversion_value");
    int nullCol = header.indexOf("total_null");
    List<String[]> paths = new ArrayList<>();
    List<double[]> weights = new ArrayList<>();
    TreeSet<String> touchpoints = new TreeSet<>();
    double totalConversions = 0;
    double totalValue = 0;
    for (String line : lines.subList(1, lines.size())) {
      if (line.isBlank()) {
        continue;
      }
      String[] f = line.split(java.util.regex.Pattern.quote(separator), -1);
      String[] steps = Arrays.stream(f[pathCol].split(">")).map(String::trim).filter(s -> !s.isEmpty())
          .toArray(String[]::new);
      double conv = Double.parseDouble(f[convCol].trim());
      double value = valueCol < 0 ? 0 : Double.parseDouble(f[valueCol].trim());
      double nulls = nullCol < 0 ? 0 : Double.parseDouble(f[nullCol].trim());
      paths.add(steps);
      weights.add(new double[] {conv, nulls});
      touchpoints.addAll(Arrays.asList(steps));
      totalConversions += conv;
      totalValue += value;
    }
    List<String> names = new ArrayList<>(touchpoints);
    Map<String, Integer> index = new TreeMap<>();
    for (int i = 0; i < names.size(); i++) {
      index.put(names.get(i), i);
    }
    int n = names.size();
    int start = n;
    // counts[from][to]: to in 0..n-1 touchpoints, n = conversion, n + 1 = null; from in 0..n (n = start).
    double[][] counts = new double[n + 1][n + 2];
    for (int p = 0; p < paths.size(); p++) {
      String[] steps = paths.get(p);
      double conv = weights.get(p)[0];
      double nulls = weights.get(p)[1];
      int from = start;
      for (String step : steps) {
        int to = index.get(step);
        counts[from][to] += conv + nulls;
        from = to;
      }
      counts[from][n] += conv;
      counts[from][n + 1] += nulls;
    }
    double full = conversionProbability(counts, n, -1);
    double[] effects = new double[n];
    double sum = 0;
    for (int t = 0; t < n; t++) {
      effects[t] = full > 0 ? 1 - conversionProbability(counts, n, t) / full : 0;
      sum += effects[t];
    }
    List<Credit> credits = new ArrayList<>();
    for (int t = 0; t < n; t++) {
      double share = sum > 0 ? effects[t] / sum : 0;
      credits.add(new Credit(names.get(t), effects[t], totalConversions * share, totalValue * share));
    }
    return credits;
  }

  /** P(conversion) from start with touchpoint {@code removed} (or none, -1) absorbing in null. */
  private static double conversionProbability(double[][] counts, int n, int removed) {
    // Unknowns x_0..x_{n-1} (touchpoints) and x_n (start): x_i = P(i→conv) + Σ_j P(i→j) x_j; x_removed = 0.
    int size = n + 1;
    double[][] a = new double[size][size + 1];
    for (int i = 0; i < size; i++) {
      a[i][i] = 1;
      if (i == removed) {
        continue;
      }
      double total = 0;
      for (double c : counts[i]) {
        total += c;
      }
      if (total == 0) {
        continue;
      }
      for (int j = 0; j < n; j++) {
        if (j != removed) {
          a[i][j] -= counts[i][j] / total;
        }
      }
      a[i][size] = counts[i][n] / total;
    }
    for (int col = 0; col < size; col++) {
      int pivot = col;
      for (int r = col + 1; r < size; r++) {
        if (Math.abs(a[r][col]) > Math.abs(a[pivot][col])) {
          pivot = r;
        }
      }
      double[] tmp = a[col];
      a[col] = a[pivot];
      a[pivot] = tmp;
      for (int r = 0; r < size; r++) {
        if (r != col && a[r][col] != 0) {
          double f = a[r][col] / a[col][col];
          for (int c = col; c <= size; c++) {
            a[r][c] -= f * a[col][c];
          }
        }
      }
    }
    return a[n][size] / a[n][n];
  }
}
