package io.touchpoints.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

class ConcurrentJobsTest {

  @Test
  void resultsComeInTaskOrderWhateverOrderTheTasksEndIn() {
    CountDownLatch firstMayEnd = new CountDownLatch(1);
    List<Callable<String>> tasks = List.of(
        () -> {
          firstMayEnd.await(10, TimeUnit.SECONDS);
          return "first";
        },
        () -> {
          firstMayEnd.countDown();
          return "second";
        });

    assertEquals(List.of("first", "second"), ConcurrentJobs.all("test-order", 2, tasks));
  }

  @Test
  void theTasksRunSideBySide() {
    // Each task waits for the other: on one thread this would time out.
    CountDownLatch both = new CountDownLatch(2);
    Callable<Boolean> meet = () -> {
      both.countDown();
      return both.await(10, TimeUnit.SECONDS);
    };

    assertEquals(List.of(true, true), ConcurrentJobs.all("test-meet", 2, List.of(meet, meet)));
  }

  @Test
  void aFailureIsThrownOnlyAfterEveryTaskHasEndedWithTheOthersSuppressed() {
    AtomicBoolean slowTaskEnded = new AtomicBoolean();
    List<Callable<String>> tasks = List.of(
        () -> {
          throw new IllegalArgumentException("first failure");
        },
        () -> {
          Thread.sleep(200);
          slowTaskEnded.set(true);
          return "done";
        },
        () -> {
          throw new IllegalStateException("second failure");
        });

    IllegalArgumentException thrown = assertThrows(IllegalArgumentException.class,
        () -> ConcurrentJobs.all("test-fail", 2, tasks));

    assertEquals("first failure", thrown.getMessage());
    assertTrue(slowTaskEnded.get(), "the slow task was left running");
    assertEquals(1, thrown.getSuppressed().length);
    assertEquals("second failure", thrown.getSuppressed()[0].getMessage());
  }

  @Test
  void oneThreadRunsTheTasksInOrder() {
    StringBuilder order = new StringBuilder();
    List<Callable<Integer>> tasks = List.of(() -> {
      order.append('a');
      return 1;
    }, () -> {
      order.append('b');
      return 2;
    });

    assertEquals(List.of(1, 2), ConcurrentJobs.all("test-one", 1, tasks));
    assertEquals("ab", order.toString());
  }
}
