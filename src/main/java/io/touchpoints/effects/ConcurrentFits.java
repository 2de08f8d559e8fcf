package io.touchpoints.effects;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Function;

/**
 * Runs the per-touchpoint estimations from several driver threads at once (effects.parallelism). On a small log a
 * model fit is mostly the latency of its many short Spark jobs, which concurrent jobs overlap; on a large one Spark
 * shares the cores between them. The threads are created by the calling thread, so they inherit its Spark job group.
 */
final class ConcurrentFits {

  private ConcurrentFits() {}

  /** {@code work} applied to every item, results in the items' order; the first failure is thrown. */
  static <T, R> List<R> map(List<T> items, int threads, Function<T, R> work) {
    if (threads <= 1 || items.size() <= 1) {
      return items.stream().map(work).toList();
    }
    ExecutorService pool = Executors.newFixedThreadPool(Math.min(threads, items.size()), r -> {
      Thread t = new Thread(r, "touchpoints-effects-fit");
      t.setDaemon(true);
      return t;
    });
    try {
      List<Future<R>> futures = new ArrayList<>();
      for (T item : items) {
        futures.add(pool.submit(() -> work.apply(item)));
      }
      List<R> out = new ArrayList<>();
      for (Future<R> f : futures) {
        out.add(f.get());
      }
      return out;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while fitting the effects' models", e);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof RuntimeException r) {
        throw r;
      }
      if (e.getCause() instanceof Error err) {
        throw err;
      }
      throw new IllegalStateException(e.getCause());
    } finally {
      pool.shutdownNow();
    }
  }
}
