package edu.xuanke.core;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.redis.client.RedisAPI;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Background jobs' state in Redis, so that any node answers for a job another runs: a hash with
 * kind, state (RUNNING, DONE, FAILED), done, total and the job's own fields; it expires a week
 * after its last change. A running job holds a lease its node refreshes every third of
 * {@code leaseMs}: when the node dies the lease runs out and readers see the job FAILED with
 * {@value #INTERRUPTED}, so the office can start it again. A job may also hold a lock (one job
 * per round, say), kept alive by the same heartbeat and released when the job ends.
 */
public final class Jobs {

  public static final String RUNNING = "RUNNING";
  public static final String DONE = "DONE";
  public static final String FAILED = "FAILED";
  /** The error of a job whose node stopped while it ran. */
  public static final String INTERRUPTED = "JOB_INTERRUPTED";
  /** A dead node's job shows as interrupted this long after its last heartbeat. */
  public static final long LEASE_MS = 15_000;
  private static final String TTL_SECONDS = Long.toString(7 * 24 * 3600);

  private final Vertx vertx;
  private final RedisAPI redis;
  private final long leaseMs;
  /** This node's running jobs: their heartbeat timer. */
  private final Map<String, Long> heartbeats = new ConcurrentHashMap<>();

  public Jobs(Vertx vertx, RedisAPI redis, long leaseMs) {
    this.vertx = vertx;
    this.redis = redis;
    this.leaseMs = leaseMs;
  }

  public static String key(String jobId) {
    return "xk:job:" + jobId;
  }

  private static String lease(String jobId) {
    return key(jobId) + ":lease";
  }

  /**
   * Starts a job: false (and nothing written) when {@code lock} is given and another job holds it.
   * {@code fields} are the job's own, alternately names and values.
   */
  public Future<Boolean> start(String jobId, String kind, String lock, String... fields) {
    Future<Boolean> locked = lock == null ? Future.succeededFuture(true)
      : redis.set(List.of(lock, jobId, "NX", "PX", Long.toString(leaseMs))).map(set -> set != null);
    return locked.compose(ok -> {
      if (!ok) return Future.succeededFuture(false);
      List<String> hash = new ArrayList<>(List.of(key(jobId), "kind", kind, "state", RUNNING, "done", "0", "total", "0"));
      hash.addAll(List.of(fields));
      if (lock != null) hash.addAll(List.of("lock", lock));
      return redis.set(List.of(lease(jobId), "1", "PX", Long.toString(leaseMs)))
        .compose(v -> redis.hset(hash))
        .compose(v -> redis.expire(List.of(key(jobId), TTL_SECONDS)))
        .map(v -> {
          heartbeats.put(jobId, vertx.setPeriodic(leaseMs / 3, timer -> beat(jobId, lock)));
          return true;
        });
    });
  }

  /** A missed beat is not fatal: the lease outlives two more. */
  private void beat(String jobId, String lock) {
    redis.pexpire(List.of(lease(jobId), Long.toString(leaseMs)));
    if (lock != null) redis.pexpire(List.of(lock, Long.toString(leaseMs)));
  }

  /** The job holding {@code lock}, or null. */
  public Future<String> holder(String lock) {
    return redis.get(lock).map(held -> held == null ? null : held.toString());
  }

  public Future<Void> total(String jobId, long total) {
    return redis.hset(List.of(key(jobId), "total", Long.toString(total))).mapEmpty();
  }

  /** Adds to a counter of the job ("done" for its progress). */
  public Future<Void> add(String jobId, String counter, long delta) {
    return redis.hincrby(key(jobId), counter, Long.toString(delta)).mapEmpty();
  }

  public Future<Void> finish(String jobId, String... fields) {
    return end(jobId, DONE, fields);
  }

  public Future<Void> fail(String jobId, String... fields) {
    return end(jobId, FAILED, fields);
  }

  private Future<Void> end(String jobId, String state, String... fields) {
    Long timer = heartbeats.remove(jobId);
    if (timer != null) vertx.cancelTimer(timer);
    List<String> hash = new ArrayList<>(List.of(key(jobId), "state", state));
    hash.addAll(List.of(fields));
    return redis.hset(hash)
      .compose(v -> redis.hget(key(jobId), "lock"))
      .compose(lock -> lock == null ? Future.succeededFuture() : holder(lock.toString())
        .compose(holder -> jobId.equals(holder) ? redis.del(List.of(lock.toString())) : Future.succeededFuture()))
      .compose(v -> redis.del(List.of(lease(jobId)))).mapEmpty();
  }

  /**
   * The job's fields, empty when there is no such job; a RUNNING job whose lease ran out is
   * reported FAILED with error {@value #INTERRUPTED}.
   */
  public Future<Map<String, String>> get(String jobId) {
    // The lease first: a job ends by writing its state before dropping its lease, so a lease
    // gone before the state was read means the node died, not that the job just finished.
    return redis.exists(List.of(lease(jobId))).map(n -> n.toInteger() > 0)
      .compose(alive -> redis.hgetall(key(jobId)).map(Replies::hash).map(job -> {
        if (RUNNING.equals(job.get("state")) && !alive) {
          job.put("state", FAILED);
          job.put("error", INTERRUPTED);
        }
        return job;
      }));
  }
}
