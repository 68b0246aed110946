package edu.xuanke.core;

import io.vertx.core.Future;
import io.vertx.core.Promise;

import java.util.Iterator;
import java.util.List;
import java.util.function.Function;

/**
 * Work over many items with a bound on how much of it is in flight at once: runs {@code task}
 * for every item with at most {@code parallel} in flight, and completes once all have finished.
 * A failed task does not stop the others; tasks report their own failures.
 */
public final class Bounded<T> {

  private final Iterator<T> next;
  private final int parallel;
  private final Function<T, Future<?>> task;
  private final Promise<Void> done = Promise.promise();
  private int running;

  private Bounded(List<T> items, int parallel, Function<T, Future<?>> task) {
    this.next = items.iterator();
    this.parallel = parallel;
    this.task = task;
  }

  public static <T> Future<Void> forEach(List<T> items, int parallel, Function<T, Future<?>> task) {
    if (items.isEmpty()) return Future.succeededFuture();
    Bounded<T> work = new Bounded<>(items, parallel, task);
    work.startMore();
    return work.done.future();
  }

  /** Synchronized: tasks may complete on other threads (another verticle's context). */
  private synchronized void startMore() {
    while (running < parallel && next.hasNext()) {
      running++;
      T item = next.next();
      Future<?> started;
      try {
        started = task.apply(item);
      } catch (RuntimeException e) {
        started = Future.failedFuture(e);
      }
      started.onComplete(finished -> finished());
    }
  }

  private synchronized void finished() {
    running--;
    if (running == 0 && !next.hasNext()) done.tryComplete();
    else startMore();
  }
}
