package edu.xuanke.core;

import io.vertx.core.Future;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisAPI;
import io.vertx.redis.client.RedisCluster;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;

import java.util.ArrayList;
import java.util.List;

/**
 * Every key that starts with a prefix carrying a hash tag ("xk:{t7}:"). On a single Redis a
 * SCAN MATCH; on Redis Cluster a SCAN would see one node only, so the keys of the tag's slot are
 * asked of every primary (the one holding the slot answers) and filtered by the prefix (other
 * tags may hash to the same slot).
 */
public final class HashTagKeys {

  private static final int MOST_KEYS = 1_000_000;

  private HashTagKeys() {
  }

  /** What Redis Cluster hashes of {@code key}: its hash tag ({@code {...}}, when not empty), else the whole key. */
  public static String tagOf(String key) {
    int open = key.indexOf('{');
    int close = open < 0 ? -1 : key.indexOf('}', open + 1);
    return close > open + 1 ? key.substring(open + 1, close) : key;
  }

  public static Future<List<String>> find(Redis redis, boolean cluster, String prefix) {
    return cluster ? inSlot(redis, prefix) : scan(RedisAPI.api(redis), prefix + "*", "0", new ArrayList<>());
  }

  private static Future<List<String>> inSlot(Redis redis, String prefix) {
    return redis.send(Request.cmd(Command.CLUSTER).arg("KEYSLOT").arg(prefix))
      .compose(slot -> RedisCluster.create(redis).onAllMasterNodes(
        Request.cmd(Command.CLUSTER).arg("GETKEYSINSLOT").arg(slot.toLong()).arg(MOST_KEYS)))
      .map(perNode -> {
        List<String> found = new ArrayList<>();
        for (Response keys : perNode) {
          for (Response key : keys) if (key.toString().startsWith(prefix)) found.add(key.toString());
        }
        return found;
      });
  }

  private static Future<List<String>> scan(RedisAPI api, String pattern, String cursor, List<String> found) {
    return api.scan(List.of(cursor, "MATCH", pattern, "COUNT", "1000")).compose(page -> {
      for (Response key : page.get(1)) found.add(key.toString());
      String next = page.get(0).toString();
      return "0".equals(next) ? Future.succeededFuture(found) : scan(api, pattern, next, found);
    });
  }
}
