package io.touchpoints.tables;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HexFormat;

/**
 * The lock every writing command holds on its output folder for the whole run, so that no two runs commit to the
 * same tables at once. A local output is locked by {@code <output>/_touchpoints/lock}; an output on another file
 * system (HDFS, S3) by a file in the local temporary folder named after the output's URI, which guards the runs
 * started from this machine (a scheduler's node). The operating system releases the lock when the process ends,
 * however it ends, so a killed run never leaves a stale lock.
 */
public final class OutputLock implements AutoCloseable {

  private final FileChannel channel;
  private final FileLock lock;

  private OutputLock(FileChannel channel, FileLock lock) {
    this.channel = channel;
    this.lock = lock;
  }

  /**
   * Takes the lock, or fails at once.
   *
   * @param holder written into the lock file, shown to a run that finds it taken
   * @throws OutputLockedException when another run holds it
   */
  public static OutputLock acquire(String output, String holder) {
    Path file = lockFile(output);
    try {
      Files.createDirectories(file.getParent());
      FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ,
          StandardOpenOption.WRITE);
      FileLock lock;
      try {
        lock = channel.tryLock();
      } catch (OverlappingFileLockException e) {
        lock = null;
      }
      if (lock == null) {
        String owner = new String(Files.readAllBytes(file), StandardCharsets.UTF_8).trim();
        channel.close();
        throw new OutputLockedException("another run is writing to " + output
            + (owner.isEmpty() ? "" : " (" + owner + ")") + "; try again when it has finished");
      }
      channel.truncate(0);
      channel.write(ByteBuffer.wrap((holder + ", pid " + ProcessHandle.current().pid() + ", since " + Instant.now())
          .getBytes(StandardCharsets.UTF_8)), 0);
      return new OutputLock(channel, lock);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot lock the output " + output + " (" + file + ")", e);
    }
  }

  static Path lockFile(String output) {
    URI uri = new org.apache.hadoop.fs.Path(output).toUri();
    if (uri.getScheme() == null || uri.getScheme().equals("file")) {
      return Path.of(uri.getPath()).toAbsolutePath().resolve(RunJournal.FOLDER).resolve("lock");
    }
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(uri.toString().getBytes(StandardCharsets.UTF_8));
      return Path.of(System.getProperty("java.io.tmpdir"), "touchpoints-locks",
          HexFormat.of().formatHex(digest, 0, 12) + ".lock");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public void close() {
    try {
      lock.release();
      channel.close();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot release the output lock", e);
    }
  }
}
