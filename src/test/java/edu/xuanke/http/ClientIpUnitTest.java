package edu.xuanke.http;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** X-Forwarded-For is believed only as far as trusted proxies wrote it. */
class ClientIpUnitTest {

  private final ClientIp clientIp = new ClientIp(List.of("10.0.0.1", "10.0.0.2"));

  @Test
  void anUntrustedPeerIsTheClientWhateverItForwards() {
    assertEquals("203.0.113.9", clientIp.of("203.0.113.9", List.of("198.51.100.7")));
    assertEquals("203.0.113.9", clientIp.of("203.0.113.9", List.of()));
  }

  @Test
  void behindTrustedProxiesTheNearestUntrustedHopIsTheClient() {
    assertEquals("198.51.100.7", clientIp.of("10.0.0.1", List.of("198.51.100.7")));
    assertEquals("198.51.100.7", clientIp.of("10.0.0.1", List.of("6.6.6.6, 198.51.100.7, 10.0.0.2")),
      "what the client wrote before its address is ignored");
    assertEquals("198.51.100.7", clientIp.of("10.0.0.1", List.of("6.6.6.6", "198.51.100.7")),
      "a proxy's header line after the client's own");
    assertEquals("10.0.0.1", clientIp.of("10.0.0.1", List.of("10.0.0.2, ,")), "only proxies: the peer");
    assertEquals("10.0.0.1", clientIp.of("10.0.0.1", List.of()), "a proxy that forwarded nothing");
  }
}
