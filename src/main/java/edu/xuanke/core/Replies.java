package edu.xuanke.core;

import io.vertx.redis.client.Response;

import java.util.HashMap;
import java.util.Map;

/** Reading Redis replies. */
public final class Replies {

  private Replies() {
  }

  /**
   * A hash-like reply (HGETALL, XINFO) as a map, whether Redis answered as a RESP3 map or a
   * RESP2 array; a nil value maps to null.
   */
  public static Map<String, String> hash(Response reply) {
    Map<String, String> out = new HashMap<>();
    if (reply == null) return out;
    if (reply.isMap()) {
      for (String key : reply.getKeys()) out.put(key, text(reply.get(key)));
    } else {
      for (int i = 0; i + 1 < reply.size(); i += 2) out.put(reply.get(i).toString(), text(reply.get(i + 1)));
    }
    return out;
  }

  private static String text(Response value) {
    return value == null ? null : value.toString();
  }
}
