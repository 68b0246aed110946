package edu.xuanke.course;

import edu.xuanke.core.PipelinedRedis;
import edu.xuanke.core.RedisScript;
import io.vertx.core.Future;
import io.vertx.redis.client.RedisAPI;
import io.vertx.redis.client.Response;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * The selection scripts under src/main/resources/lua, each with lua/lib.lua prepended, run on
 * the event loop's pipelined connection.
 */
public final class Scripts {

  /** The selection scripts, and the admin's section edits, which promote from the waitlist like a drop. */
  public enum Script { SELECT, DROP, SWAP, SECTION_UPDATE, SECTION_RETIRE }

  private final PipelinedRedis redis;
  private final Map<Script, RedisScript> scripts = new EnumMap<>(Script.class);

  public Scripts(PipelinedRedis redis) {
    this.redis = redis;
    for (Script script : Script.values()) {
      scripts.put(script, RedisScript.fromResources("lua/lib.lua", "lua/" + script.name().toLowerCase() + ".lua"));
    }
  }

  /**
   * Loads the scripts into Redis's cache at start, over {@code api} (the pool): the pipelined
   * connection's per-request timeout is for requests, and a cold start on a busy machine can
   * take longer than that.
   */
  public Future<Void> load(RedisAPI api) {
    List<Future<Void>> loads = new ArrayList<>();
    scripts.values().forEach(script -> loads.add(script.load(api)));
    return Future.all(loads).mapEmpty();
  }

  public Future<Response> run(Script script, List<String> keys, String... args) {
    return redis.call(api -> scripts.get(script).run(api, keys, args));
  }
}
