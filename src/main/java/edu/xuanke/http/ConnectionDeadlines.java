package edu.xuanke.http;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpServerRequest;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Frees the sockets of clients that hold a connection without using it: a new connection must
 * bring a complete request head within {@code headerTimeoutMs}, a kept-alive one its next head
 * within {@code keepAliveMs} of the previous answer, and a request its body within
 * {@code bodyTimeoutMs} of its head; otherwise the connection is closed. (Vert.x's idle timeout
 * alone would keep a client that sends one byte now and then.)
 * One per HTTP verticle: its connections all live on the verticle's event loop, so the map needs
 * no lock; one sweep a second costs a pass over the open connections instead of a timer per request.
 */
final class ConnectionDeadlines {

  private static final long SWEEP_MS = 1_000;

  private final Vertx vertx;
  private final long headerTimeoutMs;
  private final long keepAliveMs;
  private final long bodyTimeoutMs;
  private final Map<HttpConnection, State> open = new HashMap<>();
  private long sweeper = -1;

  /** What a connection is waiting for, and since when. */
  private static final class State {
    HttpServerRequest request;
    boolean answered;
    long since = System.currentTimeMillis();
  }

  ConnectionDeadlines(Vertx vertx, long headerTimeoutMs, long keepAliveMs, long bodyTimeoutMs) {
    this.vertx = vertx;
    this.headerTimeoutMs = headerTimeoutMs;
    this.keepAliveMs = keepAliveMs;
    this.bodyTimeoutMs = bodyTimeoutMs;
  }

  void opened(HttpConnection connection) {
    open.put(connection, new State());
    connection.closeHandler(closed -> open.remove(connection));
    if (sweeper < 0) sweeper = vertx.setPeriodic(SWEEP_MS, tick -> sweep());
  }

  /** A request head has arrived on its connection. */
  void requested(HttpServerRequest request) {
    State state = open.get(request.connection());
    if (state == null) return;
    state.request = request;
    state.since = System.currentTimeMillis();
  }

  void stop() {
    if (sweeper >= 0) vertx.cancelTimer(sweeper);
  }

  private void sweep() {
    long now = System.currentTimeMillis();
    List<HttpConnection> late = new ArrayList<>();
    open.forEach((connection, state) -> {
      HttpServerRequest request = state.request;
      if (request == null) {
        if (now - state.since > (state.answered ? keepAliveMs : headerTimeoutMs)) late.add(connection);
      } else if (!request.isEnded()) {
        if (now - state.since > bodyTimeoutMs) late.add(connection);
      } else if (request.response().ended()) {
        // Answered: from now on the connection waits for its next request head.
        state.request = null;
        state.answered = true;
        state.since = now;
      }
    });
    // Closed after the pass: a close may report back (and leave the map) at once.
    late.forEach(HttpConnection::close);
  }
}
