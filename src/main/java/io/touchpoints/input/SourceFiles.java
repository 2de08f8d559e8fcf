package io.touchpoints.input;

import io.touchpoints.pipeline.InputException;
import com.univocity.parsers.csv.CsvParser;
import com.univocity.parsers.csv.CsvParserSettings;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocatedFileStatus;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RemoteIterator;
import org.apache.hadoop.io.compress.CompressionCodec;
import org.apache.hadoop.io.compress.CompressionCodecFactory;

/**
 * The files of one source, looked at before anything is read in bulk: each file's format is decided from its first
 * bytes, and each CSV file's header is read on its own, so that a folder of files whose columns come in different
 * orders is read by name. Only the first few kilobytes of each file are read here.
 */
final class SourceFiles {

  /** What the first bytes of a file look like. */
  enum Content {
    EMPTY("an empty file"),
    PARQUET("Parquet"),
    JSON("JSON"),
    TEXT("text (CSV-like)");

    final String description;

    Content(String description) {
      this.description = description;
    }
  }

  /** CSV files sharing one header (the column names in their order), read as one plan. */
  record HeaderGroup(List<String> header, List<String> files) {}

  /** Enough to tell the formats apart and to show the start of a file in a message. */
  private static final int HEAD_BYTES = 1024;
  private static final byte[] PARQUET_MAGIC = "PAR1".getBytes(StandardCharsets.US_ASCII);

  private final Configuration hadoop;

  SourceFiles(Configuration hadoop) {
    this.hadoop = hadoop;
  }

  /**
   * The data files of a file, folder or glob, in name order. Like Spark, names starting with {@code _} or {@code .}
   * (markers, checksums, Delta logs) are skipped, at any depth below a folder.
   *
   * @throws InputException when nothing matches
   */
  List<Path> list(String path) {
    Path p = new Path(path);
    List<Path> files = new ArrayList<>();
    try {
      FileSystem fs = p.getFileSystem(hadoop);
      FileStatus[] matches = fs.globStatus(p);
      if (matches == null || matches.length == 0) {
        throw new InputException("input path not found: " + path);
      }
      for (FileStatus match : matches) {
        if (match.isDirectory()) {
          RemoteIterator<LocatedFileStatus> it = fs.listFiles(match.getPath(), true);
          String root = match.getPath().toUri().getPath();
          while (it.hasNext()) {
            LocatedFileStatus f = it.next();
            String relative = f.getPath().toUri().getPath().substring(root.length());
            if (Arrays.stream(relative.split("/")).noneMatch(SourceFiles::hidden)) {
              files.add(f.getPath());
            }
          }
        } else if (!hidden(match.getPath().getName()) || matches.length == 1) {
          files.add(match.getPath());
        }
      }
    } catch (IOException e) {
      throw new InputException("input path not readable: " + path + " (" + e.getMessage() + ")", e);
    }
    files.sort(null);
    return files;
  }

  /** A path as the user would write it: local files without the {@code file:} scheme. */
  static String display(Path file) {
    return "file".equals(file.toUri().getScheme()) ? file.toUri().getPath() : file.toString();
  }

  private static boolean hidden(String name) {
    return name.startsWith("_") || name.startsWith(".");
  }

  /** The first bytes of a file, decompressed when its name says it is compressed. */
  byte[] head(Path file) {
    try (InputStream in = open(file)) {
      return in.readNBytes(HEAD_BYTES);
    } catch (IOException e) {
      throw new InputException("input file not readable: " + display(file) + " (" + e.getMessage() + ")", e);
    }
  }

  private InputStream open(Path file) throws IOException {
    FileSystem fs = file.getFileSystem(hadoop);
    InputStream in = fs.open(file);
    CompressionCodec codec = new CompressionCodecFactory(hadoop).getCodec(file);
    return codec == null ? in : codec.createInputStream(in);
  }

  /** Parquet by its magic number, JSON by a first '{' or '[' (after a BOM and blanks), else text. */
  static Content content(byte[] head) {
    if (head.length == 0) {
      return Content.EMPTY;
    }
    if (head.length >= PARQUET_MAGIC.length && Arrays.equals(head, 0, PARQUET_MAGIC.length, PARQUET_MAGIC, 0,
        PARQUET_MAGIC.length)) {
      return Content.PARQUET;
    }
    int i = bomLength(head);
    while (i < head.length && (head[i] == ' ' || head[i] == '\t' || head[i] == '\r' || head[i] == '\n'
        || head[i] == 0)) {
      i++;
    }
    if (i == head.length) {
      return Content.EMPTY;
    }
    return head[i] == '{' || head[i] == '[' ? Content.JSON : Content.TEXT;
  }

  /** Length of a UTF-8, UTF-16 or UTF-32 byte order mark at the start, else 0. */
  static int bomLength(byte[] b) {
    if (b.length >= 3 && (b[0] & 0xff) == 0xEF && (b[1] & 0xff) == 0xBB && (b[2] & 0xff) == 0xBF) {
      return 3;
    }
    if (b.length >= 4 && ((b[0] == 0 && b[1] == 0 && (b[2] & 0xff) == 0xFE && (b[3] & 0xff) == 0xFF)
        || ((b[0] & 0xff) == 0xFF && (b[1] & 0xff) == 0xFE && b[2] == 0 && b[3] == 0))) {
      return 4;
    }
    if (b.length >= 2 && (((b[0] & 0xff) == 0xFE && (b[1] & 0xff) == 0xFF)
        || ((b[0] & 0xff) == 0xFF && (b[1] & 0xff) == 0xFE))) {
      return 2;
    }
    return 0;
  }

  /** The start of a file as printable text, for messages. */
  static String preview(byte[] head) {
    int from = bomLength(head);
    int to = Math.min(head.length, from + 40);
    StringBuilder out = new StringBuilder();
    for (char c : new String(head, from, to - from, StandardCharsets.ISO_8859_1).toCharArray()) {
      out.append(c >= 0x20 && c < 0x7f ? c : '.');
    }
    return out.toString();
  }

  /**
   * Checks that every file holds what {@code format} expects, from its first bytes.
   *
   * @throws InputException naming the first file that does not, what was expected and what was found
   */
  void requireFormat(List<Path> files, String format) {
    for (Path file : files) {
      byte[] head = head(file);
      Content found = content(head);
      boolean fits = switch (format) {
        case "parquet" -> found == Content.PARQUET;
        case "json" -> found == Content.JSON || found == Content.EMPTY;
        case "csv" -> found == Content.TEXT || found == Content.EMPTY;
        default -> true;
      };
      if (!fits) {
        throw new InputException("input " + display(file) + " is not " + expected(format) + ": found "
            + found.description + (found == Content.TEXT ? " starting with '" + preview(head) + "'" : "")
            + ". Give the format of the files with --format (" + InputFormat.ids() + ") or the mapping's `format`.");
      }
    }
  }

  private static String expected(String format) {
    return InputFormat.parse(format, "input format").describe();
  }

  /**
   * The CSV files grouped by header, in the order their headers are first met. Empty files (no header, no rows) are
   * left out.
   *
   * @param options the source's Spark CSV options (sep, quote, escape are honoured)
   */
  List<HeaderGroup> csvHeaders(List<Path> files, Map<String, String> options, Charset charset) {
    Map<List<String>, List<String>> groups = new LinkedHashMap<>();
    for (Path file : files) {
      List<String> header = csvHeader(file, options, charset);
      if (header != null) {
        groups.computeIfAbsent(header, h -> new ArrayList<>()).add(file.toString());
      }
    }
    List<HeaderGroup> out = new ArrayList<>();
    groups.forEach((header, paths) -> out.add(new HeaderGroup(header, List.copyOf(paths))));
    return out;
  }

  /** The column names of a CSV file's first record (named like Spark names them), or null for an empty file. */
  List<String> csvHeader(Path file, Map<String, String> options, Charset charset) {
    CsvParserSettings settings = new CsvParserSettings();
    settings.getFormat().setDelimiter(option(options, "sep", option(options, "delimiter", ",")));
    settings.getFormat().setQuote(option(options, "quote", "\"").charAt(0));
    settings.getFormat().setQuoteEscape(option(options, "escape", "\\").charAt(0));
    settings.setMaxCharsPerColumn(-1);
    settings.setMaxColumns(100_000);
    settings.setLineSeparatorDetectionEnabled(true);
    settings.setIgnoreLeadingWhitespaces(false);
    settings.setIgnoreTrailingWhitespaces(false);
    String[] fields;
    try (InputStream in = open(file); Reader reader = new InputStreamReader(in, charset)) {
      CsvParser parser = new CsvParser(settings);
      parser.beginParsing(reader);
      fields = parser.parseNext();
      parser.stopParsing();
    } catch (IOException | RuntimeException e) {
      throw new InputException("cannot read the header line of " + display(file) + ": " + e.getMessage(), e);
    }
    if (fields == null) {
      return null;
    }
    List<String> names = new ArrayList<>();
    for (int i = 0; i < fields.length; i++) {
      String name = fields[i] == null ? "" : fields[i];
      if (i == 0 && name.startsWith("\uFEFF")) {
        name = name.substring(1);
      }
      names.add(name.isEmpty() ? "_c" + i : name);
    }
    // Spark's rule for repeated names: each gets its position appended, so no column is lost.
    List<String> unique = new ArrayList<>();
    for (int i = 0; i < names.size(); i++) {
      String name = names.get(i);
      unique.add(names.indexOf(name) != names.lastIndexOf(name) ? name + i : name);
    }
    return unique;
  }

  /** A Spark reader option; their keys are case-insensitive ("multiLine" = "multiline"). */
  static String option(Map<String, String> options, String key, String fallback) {
    for (Map.Entry<String, String> e : options.entrySet()) {
      if (e.getKey().equalsIgnoreCase(key) && e.getValue() != null && !e.getValue().isEmpty()) {
        return e.getValue();
      }
    }
    return fallback;
  }
}
