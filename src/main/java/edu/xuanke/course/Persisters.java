package edu.xuanke.course;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisAPI;
import io.vertx.sqlclient.Pool;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/** One {@link Persister} per term whose live state this instance uses, started on first use. */
public final class Persisters {

  private final Vertx vertx;
  private final Redis redis;
  private final Pool mysql;
  private final String consumer;
  private final int batchSize;
  private final PersistedMarks marks;
  private final Map<Long, Future<Persister>> running = new ConcurrentHashMap<>();

  public Persisters(Vertx vertx, Redis redis, Pool mysql, String consumer, int batchSize, PersistedMarks marks) {
    this.marks = marks;
    this.vertx = vertx;
    this.redis = redis;
    this.mysql = mysql;
    this.consumer = consumer;
    this.batchSize = batchSize;
  }

  public Future<Void> ensureRunning(long termId) {
    return running.computeIfAbsent(termId, id -> {
      Persister persister = new Persister(vertx, redis, mysql, new TermKeys(id), consumer, batchSize, marks);
      return persister.start().map(persister);
    }).mapEmpty();
  }

  /** The terms whose persister runs here: the terms this instance has loaded. */
  public Set<Long> terms() {
    return Set.copyOf(running.keySet());
  }

  /** Lets every persister write what its stream holds (up to {@code timeoutMs}), then stops them. */
  public Future<Void> drainAndStop(long timeoutMs) {
    RedisAPI api = RedisAPI.api(redis);
    List<Future<Void>> drained = new ArrayList<>();
    List<Future<Void>> stopped = new ArrayList<>();
    running.keySet().forEach(termId -> drained.add(Persister.awaitDrained(vertx, api, new TermKeys(termId), timeoutMs)));
    return Future.join(drained).<Void>mapEmpty().otherwiseEmpty().compose(v -> {
      running.values().forEach(p -> stopped.add(p.compose(Persister::stop)));
      return Future.join(stopped).mapEmpty();
    });
  }
}
