package edu.xuanke.core;

import io.vertx.core.eventbus.DeliveryOptions;

/**
 * Delivery options of every event-bus service proxy. Services are registered on each node for
 * that node only and called there (local-only delivery): on a clustered bus a send to an address
 * registered on every node would go round-robin over all of them, and a dead node would hold
 * its share of the calls until the timeout.
 */
public final class ServiceCalls {

  /** A service that has not answered in this time is treated as unavailable (503). */
  public static final long TIMEOUT_MS = 10_000;

  private ServiceCalls() {
  }

  /**
   * Calls that queue for a password hash: in a login stampede they wait their turn on the
   * hashing pool (which leaves the event loops a core) rather than fail.
   */
  public static final long HASHING_TIMEOUT_MS = 60_000;

  public static DeliveryOptions delivery() {
    return new DeliveryOptions().setSendTimeout(TIMEOUT_MS).setLocalOnly(true);
  }

  public static DeliveryOptions hashingDelivery() {
    return new DeliveryOptions().setSendTimeout(HASHING_TIMEOUT_MS).setLocalOnly(true);
  }
}
