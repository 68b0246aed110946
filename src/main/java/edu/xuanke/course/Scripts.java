package edu.xuanke.course;

import edu.xuanke.core.PipelinedRedis;
import edu.xuanke.core.RedisScript;
import io.vertx.core.Future;
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

  /**
   * The selection scripts, the admin's section edits (which promote from the waitlist like a
   * drop), and a plan tried whole (PLAN).
   */
  public enum Script { SELECT, DROP, SWAP, SECTION_UPDATE, SECTION_RETIRE, PLAN }

  private final PipelinedRedis redis;
  private final Map<Script, RedisScript> scripts = new EnumMap<>(Script.class);

  public Scripts(PipelinedRedis redis) {
    this.redis = redis;
    for (Script script : Script.values()) {
      scripts.put(script, RedisScript.fromResources("lua/lib.lua", "lua/" + script.name().toLowerCase() + ".lua"));
    }
  }

  public Future<Void> load() {
    List<Future<Void>> loads = new ArrayList<>();
    // At start Redis may still be loading its log: no request waits on this, so no timeout.
    scripts.values().forEach(script -> loads.add(redis.api().compose(script::load)));
    return Future.all(loads).mapEmpty();
  }

  public Future<Response> run(Script script, List<String> keys, String... args) {
    return redis.callReplicated(keys.get(0), api -> scripts.get(script).run(api, keys, args));
  }
}
