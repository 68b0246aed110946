package edu.xuanke.core;

import io.vertx.core.Future;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisCluster;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.Locale;

/**
 * Where an answered selection lives until the persister has written it to MySQL (README,
 * "Durability"). Redis runs every selection script; the mode says what Redis must have done with
 * the change before xuanke answers.
 */
public enum Durability {
  /** Redis's memory only: the fastest answer; a Redis crash loses what MySQL does not have yet. */
  MEMORY,
  /** Redis with appendonly yes / appendfsync always: it fsyncs its log before it sends the replies of an iteration. */
  AOF,
  /** AOF, and each pipelined batch of answers waits for WAIT 1 (a replica has the change in memory). */
  REPLICA;

  private static final Logger log = LoggerFactory.getLogger(Durability.class);

  public static Durability parse(String value) {
    try {
      return valueOf(value.trim().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("durability must be memory, aof or replica, not '" + value + "'");
    }
  }

  /**
   * Fails unless the Redis behind {@code redis} (on Redis Cluster: every primary) keeps changes the
   * way this mode needs, so that xuanke never promises more than its Redis keeps. A Redis that
   * refuses CONFIG (managed services rename it) is trusted with a warning.
   */
  public Future<Void> verify(Redis redis, boolean cluster, String where) {
    if (this == MEMORY) return Future.succeededFuture();
    return onEach(redis, cluster, Request.cmd(Command.CONFIG).arg("GET").arg("append*"))
      .compose(replies -> {
        for (Response reply : replies) {
          String appendonly = field(reply, "appendonly");
          String appendfsync = field(reply, "appendfsync");
          if ("yes".equals(appendonly) && "always".equals(appendfsync)) continue;
          return Future.<Void>failedFuture(new IllegalStateException(String.format(
            "durability=%s needs Redis with appendonly yes and appendfsync always, but %s has%s appendonly %s,"
              + " appendfsync %s. Start a Redis in that mode (XUANKE_REDIS_PORT=<port> bin/services.sh) or set"
              + " XUANKE_DURABILITY=memory to accept losing unpersisted selections with Redis",
            name().toLowerCase(Locale.ROOT), where, cluster ? " a primary with" : "", appendonly, appendfsync)));
        }
        return Future.<Void>succeededFuture();
      }, failure -> {
        if (failure.getMessage() != null && failure.getMessage().startsWith("ERR unknown command")) {
          log.warn("{} refuses CONFIG; trusting it to run with appendfsync always", where);
          return Future.succeededFuture();
        }
        return Future.failedFuture(failure);
      })
      .compose(v -> this == REPLICA ? verifyReplica(redis, cluster, where) : Future.succeededFuture());
  }

  private static Future<Void> verifyReplica(Redis redis, boolean cluster, String where) {
    return onEach(redis, cluster, Request.cmd(Command.INFO).arg("replication")).map(replies -> {
      if (replies.stream().noneMatch(info -> info.toString().contains("connected_slaves:0"))) return null;
      log.warn("durability=replica but {} has a primary with no replica connected yet; answers wait up to replicaWaitMs for one",
        where);
      return null;
    });
  }

  /** The command's reply from the one Redis, or from every primary of a Redis Cluster. */
  private static Future<List<Response>> onEach(Redis redis, boolean cluster, Request command) {
    return cluster ? RedisCluster.create(redis).onAllMasterNodes(command) : redis.send(command).map(List::of);
  }

  private static String field(Response reply, String name) {
    for (int i = 0; i + 1 < reply.size(); i += 2) {
      if (name.equals(reply.get(i).toString())) return reply.get(i + 1).toString();
    }
    return "";
  }
}
