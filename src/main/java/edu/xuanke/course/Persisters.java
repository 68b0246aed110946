package edu.xuanke.course;

import edu.xuanke.core.ServiceCalls;
import edu.xuanke.core.StreamReader;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisAPI;
import io.vertx.sqlclient.Pool;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The node's write-behind: one {@link StreamReader} of the persister group over the event
 * streams of every live term this node has loaded, each term's batches written by its
 * {@link Persister}. One per node (in {@link PersisterVerticle}), so the Redis connections it
 * needs stay the same whether 1 or 1,000 terms are live. Course instances ask for a term with
 * {@link #ensureRunning(Vertx, long)} over the node-local event bus.
 */
public final class Persisters {

  /** Node-local address: the body is a term id; the reply comes once its stream is read. */
  public static final String ENSURE_ADDRESS = "xuanke.persisters.ensure";

  private final Vertx vertx;
  private final Redis redis;
  private final Pool mysql;
  private final StreamReader reader;
  private final PersistedMarks marks;
  private final Set<Long> terms = ConcurrentHashMap.newKeySet();

  /** {@code redisCluster}: terms' streams lie in different slots, so they are read one by one (see StreamReader). */
  public Persisters(Vertx vertx, Redis pooled, Redis dedicated, Pool mysql, String consumer, int batchSize,
                    PersistedMarks marks, boolean redisCluster) {
    this.marks = marks;
    this.vertx = vertx;
    this.redis = pooled;
    this.mysql = mysql;
    this.reader = new StreamReader(vertx, pooled, dedicated, Persister.GROUP, consumer, batchSize, redisCluster);
  }

  /** Makes sure the node's persister reads the term's stream (asked by the course domain). */
  public static Future<Void> ensureRunning(Vertx vertx, long termId) {
    return vertx.eventBus().request(ENSURE_ADDRESS, termId, new DeliveryOptions().setLocalOnly(true)
      .setSendTimeout(ServiceCalls.TIMEOUT_MS)).mapEmpty();
  }

  public Future<Void> start() {
    return reader.start();
  }

  public Future<Void> ensureRunning(long termId) {
    TermKeys keys = new TermKeys(termId);
    return reader.add(keys.events(), new Persister(vertx, mysql, keys, marks)::write).onSuccess(v -> terms.add(termId));
  }

  /**
   * Lets the reader write every event appended so far (up to {@code timeoutMs}), then stops it.
   * Not "until the stream is empty": on a cluster the other nodes go on selecting.
   */
  public Future<Void> drainAndStop(long timeoutMs) {
    RedisAPI api = RedisAPI.api(redis);
    List<Future<Void>> drained = new ArrayList<>();
    terms.forEach(termId -> drained.add(Persister.awaitPersistedSoFar(vertx, api, new TermKeys(termId), timeoutMs)));
    return Future.join(drained).<Void>mapEmpty().otherwiseEmpty().compose(v -> reader.stop());
  }
}
