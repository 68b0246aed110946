package edu.xuanke.core;

import io.vertx.core.eventbus.DeliveryOptions;

/** Delivery options of every event-bus service proxy. */
public final class ServiceCalls {

  /** A service that has not answered in this time is treated as unavailable (503). */
  public static final long TIMEOUT_MS = 10_000;

  private ServiceCalls() {
  }

  public static DeliveryOptions delivery() {
    return new DeliveryOptions().setSendTimeout(TIMEOUT_MS);
  }
}
