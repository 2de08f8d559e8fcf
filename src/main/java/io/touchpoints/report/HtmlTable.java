package io.touchpoints.report;

import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * A few rows of a Dataset as an escaped HTML table, for notebooks (a kernel shows HTML; Spark's {@code show()}
 * prints to a console the notebook may not capture). Collects at most {@code limit} rows to the driver.
 */
public final class HtmlTable {

  private HtmlTable() {}

  public static String of(Dataset<Row> rows, int limit) {
    if (limit < 1) {
      throw new IllegalArgumentException("limit must be at least 1, got " + limit);
    }
    String[] columns = rows.columns();
    List<Row> taken = rows.takeAsList(limit);
    StringBuilder h = new StringBuilder("<table><tr>");
    for (String c : columns) {
      h.append("<th>").append(Html.escape(c)).append("</th>");
    }
    h.append("</tr>");
    for (Row r : taken) {
      h.append("<tr>");
      for (int i = 0; i < columns.length; i++) {
        Object v = r.get(i);
        String text = v == null ? "" : v instanceof scala.collection.Seq<?> seq
            ? seq.mkString("[", ", ", "]") : String.valueOf(v);
        h.append("<td>").append(Html.escape(text)).append("</td>");
      }
      h.append("</tr>");
    }
    return h.append("</table>").toString();
  }
}
