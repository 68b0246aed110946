package edu.xuanke.support;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetSocket;

import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A TCP relay in front of a real Redis or MariaDB that a test can cut and restore, to see how
 * the service behaves when a store goes away. Cutting closes the listener and every relayed
 * connection, so the store is unreachable as if it had stopped.
 */
public final class TcpProxy {

  private final Vertx vertx;
  private volatile int targetPort;
  public final int port = TestConfig.freePort();
  private final NetClient client;
  private final Set<NetSocket> sockets = ConcurrentHashMap.newKeySet();
  private NetServer server;

  public TcpProxy(Vertx vertx, int targetPort) {
    this.vertx = vertx;
    this.targetPort = targetPort;
    this.client = vertx.createNetClient();
  }

  public TcpProxy start() {
    listenAgain(50);
    return this;
  }

  private NetServer relay() {
    return vertx.createNetServer().connectHandler(inbound -> {
      inbound.pause();
      sockets.add(inbound);
      client.connect(targetPort, "127.0.0.1").onComplete(ar -> {
        if (ar.failed()) {
          inbound.close();
          return;
        }
        NetSocket outbound = ar.result();
        sockets.add(outbound);
        inbound.pipeTo(outbound);
        outbound.pipeTo(inbound);
        inbound.closeHandler(v -> sockets.remove(inbound));
        outbound.closeHandler(v -> sockets.remove(outbound));
        inbound.resume();
      });
    });
  }

  /**
   * Right after a cut, the relayed connections that had this port as their local end may still be
   * closing, and the kernel refuses the port for a moment (a CI run saw "Address already in use"):
   * a relay coming back tries again for up to five seconds, as a restarted store would.
   */
  private void listenAgain(int attempts) {
    server = relay();
    try {
      server.listen(port, "127.0.0.1").await();
    } catch (Exception failure) {
      // await() rethrows the BindException itself, unwrapped.
      if (attempts <= 1 || !String.valueOf(failure.getMessage()).contains("Address already in use")) {
        throw failure instanceof RuntimeException unchecked ? unchecked : new IllegalStateException(failure);
      }
      try {
        Thread.sleep(100);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(failure);
      }
      listenAgain(attempts - 1);
    }
  }

  /** Sends new connections to another port from now on (a failover's new primary). */
  public void retarget(int port) {
    targetPort = port;
  }

  public void cut() {
    server.close().await();
    Future.join(List.copyOf(sockets).stream().map(NetSocket::close).toList()).await();
    sockets.clear();
  }
}
