package edu.xuanke.http;

import io.vertx.ext.web.RoutingContext;

import java.util.List;
import java.util.Set;

/**
 * The client's address for rate limits: the peer address, or, when the peer is a configured
 * trusted proxy, the nearest address in X-Forwarded-For that is not itself a trusted proxy
 * (a client can write anything into the header, so only the proxies' additions count).
 */
public final class ClientIp {

  private final Set<String> trusted;

  public ClientIp(List<String> trustedProxies) {
    this.trusted = Set.copyOf(trustedProxies);
  }

  public String of(RoutingContext ctx) {
    String peer = ctx.request().remoteAddress() == null ? "unknown" : ctx.request().remoteAddress().hostAddress();
    // A proxy may append its own header line after one the client sent: read them all, in order.
    return of(peer, ctx.request().headers().getAll("X-Forwarded-For"));
  }

  /** The client's address given the peer's and the X-Forwarded-For header lines in order. */
  String of(String peer, List<String> lines) {
    if (!trusted.contains(peer) || lines.isEmpty()) return peer;
    String forwarded = String.join(",", lines);
    String[] hops = forwarded.split(",");
    for (int i = hops.length - 1; i >= 0; i--) {
      String hop = hops[i].trim();
      if (!hop.isEmpty() && !trusted.contains(hop)) return hop;
    }
    return peer;
  }
}
