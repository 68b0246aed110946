package edu.xuanke.course;

import edu.xuanke.core.ErrorCode;
import edu.xuanke.core.ServiceCalls;
import edu.xuanke.core.Replies;
import io.vertx.core.Future;
import io.vertx.redis.client.RedisAPI;
import io.vertx.redis.client.Response;

import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Access to the terms' live state in Redis shared by the catalog and selection services: the
 * key names of each term, and running a script once the term is loaded.
 */
public final class LiveState {

  /** Well below the event-bus timeout (ServiceCalls), so the caller is still waiting for the answer. */
  private static final long REBUILD_WAIT_MS = ServiceCalls.TIMEOUT_MS / 2;

  private final RedisAPI redis;
  private final Scripts scripts;
  private final TermLoader loader;
  private final Map<Long, TermKeys> keys = new ConcurrentHashMap<>();

  public LiveState(RedisAPI redis, Scripts scripts, TermLoader loader) {
    this.redis = redis;
    this.scripts = scripts;
    this.loader = loader;
  }

  public RedisAPI redis() {
    return redis;
  }

  public TermKeys keys(long termId) {
    return keys.computeIfAbsent(termId, TermKeys::new);
  }

  /**
   * Runs a script; when the term's state is missing (or was found older than MySQL) it is rebuilt
   * and the script run again. A rebuild that takes longer than the caller waits for an answer ends
   * the request with TERM_NOT_READY without running the script, so a 503 never hides a change.
   */
  public Future<Response> run(long termId, Scripts.Script script, List<String> scriptKeys, String... args) {
    return scripts.run(script, scriptKeys, args)
      .compose(reply -> notReady(reply)
        ? loader.ensureLoaded(termId).timeout(REBUILD_WAIT_MS, TimeUnit.MILLISECONDS)
          .recover(failure -> failure instanceof TimeoutException ? ErrorCode.TERM_NOT_READY.fail() : Future.failedFuture(failure))
          .compose(v -> scripts.run(script, scriptKeys, args))
          .compose(again -> notReady(again) ? ErrorCode.TERM_NOT_READY.<Response>fail() : Future.succeededFuture(again))
        : Future.succeededFuture(reply));
  }

  private static boolean notReady(Response reply) {
    return "TERM_NOT_READY".equals(reply.get(0).toString());
  }

  /** Reads a term's hash; an empty one means the state is missing: the term is rebuilt and read again. */
  public Future<Map<String, String>> readHash(long termId, String key) {
    return redis.hgetall(key).map(Replies::hash)
      .compose(found -> !found.isEmpty() ? Future.succeededFuture(found)
        : loader.ensureLoaded(termId).compose(v -> redis.hgetall(key)).map(Replies::hash));
  }

  public Future<Void> ensureLoaded(long termId) {
    return loader.ensureLoaded(termId);
  }

}
