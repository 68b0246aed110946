package edu.xuanke.round;

import edu.xuanke.core.Replies;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.RedisAPI;

import java.util.List;
import java.util.Map;

/**
 * Lottery jobs' state in Redis, so that any instance answers for a job another runs (as the
 * import jobs do): a hash of state, done, total, the round and seed, and on success a summary.
 * A job expires a week after its last change. A lock per round lets one lottery run at a time.
 */
public final class LotteryJobs {

  private static final String TTL_SECONDS = Long.toString(7 * 24 * 3600);
  private static final String LOCK_MS = Long.toString(15 * 60 * 1000);

  private final RedisAPI redis;

  public LotteryJobs(RedisAPI redis) {
    this.redis = redis;
  }

  private static String key(String jobId) {
    return "xk:round:job:" + jobId;
  }

  private static String lock(long roundId) {
    return "xk:round:lottery-lock:" + roundId;
  }

  /** True when this job got the round's lock. */
  public Future<Boolean> lockRound(long roundId, String jobId) {
    return redis.set(List.of(lock(roundId), jobId, "NX", "PX", LOCK_MS)).map(set -> set != null);
  }

  public Future<Boolean> roundLocked(long roundId) {
    return redis.exists(List.of(lock(roundId))).map(n -> n.toInteger() > 0);
  }

  public Future<Void> unlockRound(long roundId) {
    return redis.del(List.of(lock(roundId))).mapEmpty();
  }

  public Future<Void> create(String jobId, long roundId, long seed) {
    return redis.hset(List.of(key(jobId), "state", "RUNNING", "done", "0", "total", "0", "roundId", Long.toString(roundId),
        "seed", Long.toString(seed)))
      .compose(v -> redis.expire(List.of(key(jobId), TTL_SECONDS))).mapEmpty();
  }

  public Future<Void> total(String jobId, long total) {
    return redis.hset(List.of(key(jobId), "total", Long.toString(total))).mapEmpty();
  }

  public Future<Void> progress(String jobId, long done) {
    return redis.hincrby(key(jobId), "done", Long.toString(done)).mapEmpty();
  }

  public Future<Void> finish(String jobId, JsonObject summary) {
    return redis.hset(List.of(key(jobId), "state", "DONE", "summary", summary.encode())).mapEmpty();
  }

  public Future<Void> fail(String jobId, String code) {
    return redis.hset(List.of(key(jobId), "state", "FAILED", "error", code)).mapEmpty();
  }

  /** The job as the API shows it, or null when there is no such job. */
  public Future<JsonObject> get(String jobId) {
    return redis.hgetall(key(jobId)).map(found -> {
      Map<String, String> job = Replies.hash(found);
      if (job.isEmpty()) return null;
      JsonObject out = new JsonObject().put("jobId", jobId).put("kind", "LOTTERY").put("state", job.get("state"))
        .put("done", Long.parseLong(job.get("done"))).put("total", Long.parseLong(job.get("total")))
        .put("roundId", Long.parseLong(job.get("roundId"))).put("seed", Long.parseLong(job.get("seed")));
      if (job.containsKey("summary")) out.mergeIn(new JsonObject(job.get("summary")));
      if (job.containsKey("error")) out.put("error", job.get("error"));
      return out;
    });
  }
}
