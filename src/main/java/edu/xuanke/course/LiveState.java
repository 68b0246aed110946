package edu.xuanke.course;

import edu.xuanke.core.Failures;
import io.vertx.core.Future;
import io.vertx.redis.client.RedisAPI;
import io.vertx.redis.client.Response;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Access to the terms' live state in Redis shared by the catalog and selection services: the
 * key names of each term, and running a script once the term is loaded.
 */
public final class LiveState {

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

  /** Runs a script; when the term's state is missing it is rebuilt and the script run again. */
  public Future<Response> run(long termId, Scripts.Script script, List<String> scriptKeys, String... args) {
    return scripts.run(script, scriptKeys, args)
      .compose(reply -> "TERM_NOT_READY".equals(reply.get(0).toString())
        ? loader.ensureLoaded(termId).compose(v -> scripts.run(script, scriptKeys, args))
        : Future.succeededFuture(reply))
      .recover(Failures::fromStore);
  }

  /** Reads a term's hash; rebuilds the term first when its state is missing. */
  public Future<Map<String, String>> readHash(long termId, String key) {
    return loader.ensureLoaded(termId).compose(v -> redis.hgetall(key)).map(LiveState::hash)
      .recover(Failures::fromStore);
  }

  public Future<Void> ensureLoaded(long termId) {
    return loader.ensureLoaded(termId).recover(Failures::fromStore);
  }

  /** A hash reply (HGETALL) as a map, whether Redis answered as a RESP3 map or a RESP2 array. */
  public static Map<String, String> hash(Response reply) {
    Map<String, String> out = new HashMap<>();
    if (reply == null) return out;
    if (reply.isMap()) {
      for (String key : reply.getKeys()) out.put(key, reply.get(key).toString());
    } else {
      for (int i = 0; i + 1 < reply.size(); i += 2) out.put(reply.get(i).toString(), reply.get(i + 1).toString());
    }
    return out;
  }


}
