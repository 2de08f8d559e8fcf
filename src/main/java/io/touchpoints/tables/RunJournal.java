package io.touchpoints.tables;

import io.delta.tables.DeltaTable;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.delta.DeltaHistory;
import org.apache.spark.sql.delta.DeltaLog;
import scala.Option;
import scala.collection.JavaConverters;

/**
 * The undo record of one writing run, so that a failed or killed run leaves the tables as they were.
 *
 * <p>While the run is in progress, every Delta commit it makes carries the tag {@code touchpoints-run:<run id>} as
 * its user metadata (Delta's {@code commitInfo.userMetadata}, set on the session, so MERGE and parallel writes are
 * tagged too), and a folder {@code <output>/_touchpoints/runs/<run id>/} exists. Files outside Delta that the run
 * replaces (a model folder, the {@code models/latest} pointer) are first moved into that folder, with one marker
 * file per change, before the run writes them. Undoing reads, per table, the earliest commit with the run's tag:
 * the table goes back to the version before it ({@code RESTORE}), or is removed when the run created it; the moved
 * files are put back. The tag and the folder are on disk, so the next writing command can undo a run killed with
 * {@code kill -9} the same way. The runs ledger is append-only history and is never undone.
 */
public final class RunJournal {

  /** The job's own folder under the output: the journals of runs in progress and the output lock. */
  public static final String FOLDER = "_touchpoints";
  static final String USER_METADATA = "spark.databricks.delta.commitInfo.userMetadata";
  private static final String TAG = "touchpoints-run:";
  private static final String CHANGES = "changes";
  private static final String KEPT = "kept";
  /** Tables restored at once. */
  private static final int PARALLEL_RESTORES = 4;
  /** Commits read at first when looking for the run's earliest one. */
  private static final int HISTORY_WINDOW = 16;

  private final SparkSession spark;
  private final String root;
  private final String runId;
  private final Path dir;
  private int changes;

  private RunJournal(SparkSession spark, String root, String runId) {
    this.spark = spark;
    this.root = root;
    this.runId = runId;
    this.dir = new Path(new Path(new Path(root, FOLDER), "runs"), runId);
  }

  /** Starts the journal of a new run: its folder, and the tag on every Delta commit of this session. */
  public static RunJournal begin(SparkSession spark, String root, String runId) {
    RunJournal journal = new RunJournal(spark, root, runId);
    try {
      FileSystem fs = journal.fs();
      fs.mkdirs(new Path(journal.dir, CHANGES));
      fs.mkdirs(new Path(journal.dir, KEPT));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create the run journal " + journal.dir, e);
    }
    spark.conf().set(USER_METADATA, TAG + runId);
    return journal;
  }

  /** Ids of runs whose journal is still there: runs that were killed before they could finish or undo. */
  public static List<String> unfinished(SparkSession spark, String root) {
    Path runs = new Path(new Path(root, FOLDER), "runs");
    try {
      FileSystem fs = runs.getFileSystem(spark.sparkContext().hadoopConfiguration());
      if (!fs.exists(runs)) {
        return List.of();
      }
      List<String> ids = new ArrayList<>();
      for (FileStatus s : fs.listStatus(runs)) {
        if (s.isDirectory()) {
          ids.add(s.getPath().getName());
        }
      }
      return ids;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list the run journals under " + runs, e);
    }
  }

  /** The journal of an unfinished run, to undo it. */
  public static RunJournal of(SparkSession spark, String root, String runId) {
    return new RunJournal(spark, root, runId);
  }

  public String runId() {
    return runId;
  }

  /**
   * Before the run replaces or creates {@code target} (a file or folder outside the Delta tables): moves what is
   * there into the journal, so that undoing puts it back (or removes what the run created).
   */
  public void beforeReplace(String target) {
    Path path = new Path(target);
    try {
      FileSystem fs = path.getFileSystem(spark.sparkContext().hadoopConfiguration());
      int n = changes++;
      boolean exists = fs.exists(path);
      // The marker first: a kill before the move leaves a marker whose kept copy is missing, read as "not moved".
      try (OutputStream out = fs.create(new Path(new Path(dir, CHANGES), Integer.toString(n)), true)) {
        out.write(((exists ? "replaced\n" : "created\n") + path).getBytes(StandardCharsets.UTF_8));
      }
      if (exists && !fs.rename(path, new Path(new Path(dir, KEPT), Integer.toString(n)))) {
        throw new IOException("rename failed");
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot keep " + target + " aside before replacing it", e);
    }
  }

  /** The run finished: its commits are no longer tagged and what it kept aside is dropped. */
  public void commit() {
    spark.conf().unset(USER_METADATA);
    try {
      fs().delete(dir, true);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot remove the run journal " + dir, e);
    }
  }

  /**
   * Undoes the run: every Delta table under the output it committed to goes back to its version before the run (or
   * is removed if the run created it), then the files it replaced are put back, newest change first.
   *
   * @return what was put back, one entry per table or file, e.g. {@code events -> version 3}
   */
  public List<String> undo() {
    List<String> restored = new ArrayList<>();
    spark.conf().set(USER_METADATA, "touchpoints-undo:" + runId);
    try {
      FileSystem fs = fs();
      Path rootPath = new Path(root);
      if (fs.exists(rootPath)) {
        FileStatus[] children = fs.listStatus(rootPath);
        Arrays.sort(children, Comparator.comparing(s -> s.getPath().getName()));
        List<Path> deltaTables = new ArrayList<>();
        for (FileStatus child : children) {
          String table = child.getPath().getName();
          if (child.isDirectory() && !table.equals(TableNames.RUNS) && !table.equals(FOLDER)
              && fs.exists(new Path(child.getPath(), "_delta_log"))) {
            deltaTables.add(child.getPath());
          }
        }
        restored.addAll(undoTables(fs, deltaTables));
      }
      restored.addAll(putBackFiles(fs));
      fs.delete(dir, true);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot undo run " + runId + " under " + root, e);
    } finally {
      spark.conf().unset(USER_METADATA);
    }
    return restored;
  }

  /**
   * Undoes the tables side by side (each restore is mostly driver-side planning and one commit, so they overlap
   * well); the result lists them in the order given.
   */
  private List<String> undoTables(FileSystem fs, List<Path> paths) throws IOException {
    if (paths.isEmpty()) {
      return List.of();
    }
    ExecutorService pool = Executors.newFixedThreadPool(Math.min(PARALLEL_RESTORES, paths.size()));
    try {
      List<Future<String>> done = new ArrayList<>();
      for (Path path : paths) {
        done.add(pool.submit(() -> undoTable(fs, path, path.getName())));
      }
      List<String> restored = new ArrayList<>();
      for (Future<String> f : done) {
        String r = f.get();
        if (r != null) {
          restored.add(r);
        }
      }
      return restored;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while undoing run " + runId, e);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof IOException io) {
        throw io;
      }
      if (e.getCause() instanceof RuntimeException re) {
        throw re;
      }
      throw new IllegalStateException("undoing run " + runId + " failed", e.getCause());
    } finally {
      pool.shutdown();
    }
  }

  private String undoTable(FileSystem fs, Path path, String table) throws IOException {
    long first = firstTaggedVersion(DeltaLog.forTable(spark, path.toString()));
    if (first == Long.MAX_VALUE) {
      return null;
    }
    if (first == 0) {
      fs.delete(path, true);
      DeltaLog.clearCache();
      return table + " removed (created by the run)";
    }
    DeltaTable.forPath(spark, path.toString()).restoreToVersion(first - 1);
    return table + " -> version " + (first - 1);
  }

  /**
   * The earliest version committed under this run's tag, or {@code Long.MAX_VALUE}. The output lock keeps other
   * writers out, so the run's commits are the newest ones: the history is read newest first, a window at a time,
   * until a commit of another run shows up.
   */
  private long firstTaggedVersion(DeltaLog log) {
    long first = Long.MAX_VALUE;
    for (int window = HISTORY_WINDOW; ; window *= 4) {
      List<DeltaHistory> history = JavaConverters.seqAsJavaList(
          log.history().getHistory(Option.apply(window)));
      boolean older = false;
      for (DeltaHistory h : history) {
        Option<String> meta = h.userMetadata();
        if (meta.isDefined() && meta.get().equals(TAG + runId) && h.version().isDefined()) {
          first = Math.min(first, (Long) h.version().get());
        } else {
          older = true;
        }
      }
      if (older || history.size() < window) {
        return first;
      }
    }
  }

  private List<String> putBackFiles(FileSystem fs) throws IOException {
    Path changeDir = new Path(dir, CHANGES);
    List<String> done = new ArrayList<>();
    if (!fs.exists(changeDir)) {
      return done;
    }
    List<Integer> numbers = new ArrayList<>();
    for (FileStatus s : fs.listStatus(changeDir)) {
      numbers.add(Integer.parseInt(s.getPath().getName()));
    }
    numbers.sort(Comparator.reverseOrder());
    for (int n : numbers) {
      String[] marker;
      try (var in = fs.open(new Path(changeDir, Integer.toString(n)))) {
        marker = new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n", 2);
      }
      Path target = new Path(marker[1]);
      Path kept = new Path(new Path(dir, KEPT), Integer.toString(n));
      if (marker[0].equals("created")) {
        fs.delete(target, true);
        done.add(target.getName() + " removed (created by the run)");
      } else if (fs.exists(kept)) {
        fs.delete(target, true);
        fs.mkdirs(target.getParent());
        fs.rename(kept, target);
        done.add(target.getName() + " put back");
      }
    }
    return done;
  }

  private FileSystem fs() throws IOException {
    return dir.getFileSystem(spark.sparkContext().hadoopConfiguration());
  }
}
