package io.touchpoints.pipeline;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Runs independent parts of a stage (model fits, mostly) from several driver threads at once, as MLlib's
 * {@code CrossValidator} does with its parallelism. A small input's fit is mostly the latency of many short Spark
 * jobs, which concurrent jobs overlap; on a large input Spark shares the task slots between them. The threads are
 * created by the calling thread, so they inherit its Spark job group and description.
 */
public final class ConcurrentJobs {

  private ConcurrentJobs() {}

  /**
   * Runs the tasks on at most {@code threads} threads named {@code name-N} and returns their results in task
   * order. Every task runs to its end, so no Spark job is left running behind a failure; then the first failure is
   * thrown with the others suppressed in it.
   */
  public static <T> List<T> all(String name, int threads, List<Callable<T>> tasks) {
    if (threads < 1) {
      throw new IllegalArgumentException("threads must be at least 1, got " + threads);
    }
    AtomicInteger number = new AtomicInteger();
    ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, Math.min(threads, tasks.size())), task -> {
      Thread thread = new Thread(task, name + "-" + number.incrementAndGet());
      thread.setDaemon(true);
      return thread;
    });
    try {
      List<T> results = new ArrayList<>();
      Throwable failure = null;
      for (Future<T> future : pool.invokeAll(tasks)) {
        try {
          results.add(future.get());
        } catch (ExecutionException e) {
          if (failure == null) {
            failure = e.getCause();
          } else {
            failure.addSuppressed(e.getCause());
          }
        }
      }
      if (failure instanceof RuntimeException runtime) {
        throw runtime;
      }
      if (failure instanceof Error error) {
        throw error;
      }
      if (failure != null) {
        throw new IllegalStateException(failure.getMessage(), failure);
      }
      return results;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(name + " interrupted", e);
    } finally {
      pool.shutdownNow();
    }
  }
}
