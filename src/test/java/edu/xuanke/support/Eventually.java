package edu.xuanke.support;

import java.util.function.BooleanSupplier;

/** Waits for something asynchronous to become true. */
public final class Eventually {

  private Eventually() {
  }

  public static void holds(BooleanSupplier condition, long millis, String what) {
    long deadline = System.currentTimeMillis() + millis;
    while (!condition.getAsBoolean()) {
      if (System.currentTimeMillis() > deadline) throw new AssertionError("not within " + millis + " ms: " + what);
      try {
        Thread.sleep(50);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError(e);
      }
    }
  }
}
