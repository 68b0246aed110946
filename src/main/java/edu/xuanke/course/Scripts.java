package edu.xuanke.course;

import edu.xuanke.core.PipelinedRedis;
import edu.xuanke.core.RedisScript;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Response;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The selection scripts under src/main/resources/lua, each with lua/lib.lua prepended, run on
 * the event loop's pipelined connection.
 *
 * <p>Selects, drops and swaps of one term that arrive within one event-loop turn go to Redis
 * together, as one call of lua/batch.lua that runs their steps in order and answers each: Redis
 * and this client then parse one command and one reply per batch instead of one per request. A
 * step alone in its turn runs its own script. A batch fails as a whole (an error reply, a lost
 * connection, a timeout): each of its requests then fails as it would have alone, and as alone, a
 * script whose reply timed out may still have run.
 */
public final class Scripts {

  /**
   * The selection scripts, the admin's section edits (which promote from the waitlist like a
   * drop), and a plan tried whole (PLAN).
   */
  public enum Script { SELECT, DROP, SWAP, SECTION_UPDATE, SECTION_RETIRE, PLAN }

  /** The scripts lua/batch.lua can run as steps; the names are the step names it reads. */
  private static final Set<Script> STEPS = Set.of(Script.SELECT, Script.DROP, Script.SWAP);
  /** ARGV per step in lua/batch.lua: its name and its script's ARGV, padded to this minus one. */
  private static final int STEP_ARGS = 7;
  /** Bounds how long one batch holds Redis (a script runs alone there) and the size of its command. */
  static final int MAX_STEPS = 64;

  private final PipelinedRedis redis;
  private final Map<Script, RedisScript> scripts = new EnumMap<>(Script.class);
  private final RedisScript batch = RedisScript.fromResources("lua/lib.lua", "lua/batch.lua");
  /** The event loop whose requests are batched; steps queued from elsewhere are handed to it. */
  private final Context context;
  /**
   * Its thread: a request's handler runs on a context duplicated from it (same thread, not the same
   * object), so the thread tells whether a step can be queued at once.
   */
  private final Thread loop;
  /** Steps queued in this turn, by term (the first of their KEYS); sent when the turn's tasks are done. */
  private final Map<String, List<Step>> queued = new HashMap<>();

  public Scripts(PipelinedRedis redis) {
    this.redis = redis;
    // Built outside an event loop (a tool, a worker), every step runs alone.
    Context current = Vertx.currentContext();
    this.context = current != null && current.isEventLoopContext() ? current : null;
    this.loop = Thread.currentThread();
    for (Script script : Script.values()) {
      scripts.put(script, RedisScript.fromResources("lua/lib.lua", "lua/" + script.name().toLowerCase() + ".lua"));
    }
  }

  public Future<Void> load() {
    List<Future<Void>> loads = new ArrayList<>();
    // At start Redis may still be loading its log: no request waits on this, so no timeout.
    scripts.values().forEach(script -> loads.add(redis.api().compose(script::load)));
    loads.add(redis.api().compose(batch::load));
    return Future.all(loads).mapEmpty();
  }

  public Future<Response> run(Script script, List<String> keys, String... args) {
    if (!STEPS.contains(script) || context == null) return runAlone(script, keys, args);
    Step step = new Step(script, keys, args, Promise.promise());
    if (Thread.currentThread() == loop) queue(step);
    else context.runOnContext(v -> queue(step));
    return step.reply.future();
  }

  private Future<Response> runAlone(Script script, List<String> keys, String... args) {
    return redis.callReplicated(keys.get(0), api -> scripts.get(script).run(api, keys, args));
  }

  private void queue(Step step) {
    List<Step> term = queued.computeIfAbsent(step.keys.get(0), k -> new ArrayList<>());
    // The first step of a term in this turn sends the term's batch once the tasks queued before it
    // (the other requests read in this turn) have added theirs.
    if (term.isEmpty()) context.runOnContext(v -> send(queued.remove(step.keys.get(0))));
    term.add(step);
  }

  private void send(List<Step> steps) {
    for (int from = 0; from < steps.size(); from += MAX_STEPS) {
      List<Step> chunk = steps.subList(from, Math.min(steps.size(), from + MAX_STEPS));
      BatchSizes.record(chunk.size());
      if (chunk.size() == 1) {
        Step alone = chunk.get(0);
        runAlone(alone.script, alone.keys, alone.args).onComplete(alone.reply);
      } else {
        sendBatch(List.copyOf(chunk));
      }
    }
  }

  private void sendBatch(List<Step> steps) {
    List<String> keys = new ArrayList<>(steps.get(0).keys.subList(0, TermKeys.COMMON_KEYS));
    String[] args = new String[steps.size() * STEP_ARGS];
    for (int i = 0; i < steps.size(); i++) {
      Step step = steps.get(i);
      keys.addAll(step.keys.subList(TermKeys.COMMON_KEYS, step.keys.size()));
      args[i * STEP_ARGS] = step.script.name();
      for (int a = 1; a < STEP_ARGS; a++) args[i * STEP_ARGS + a] = a <= step.args.length ? step.args[a - 1] : "";
    }
    redis.callReplicated(keys.get(0), api -> batch.run(api, keys, args)).onComplete(done -> {
      for (int i = 0; i < steps.size(); i++) {
        if (done.succeeded()) steps.get(i).reply.complete(done.result().get(i));
        else steps.get(i).reply.fail(done.cause());
      }
    });
  }

  /** A select, drop or swap waiting for its turn's batch. */
  private record Step(Script script, List<String> keys, String[] args, Promise<Response> reply) {
  }
}
