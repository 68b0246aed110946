package edu.xuanke.admin;

import edu.xuanke.core.Jobs;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.RedisAPI;
import io.vertx.redis.client.Response;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * The state of import jobs: the common job hash and lease of {@link Jobs} with the counters
 * created, moved and errorCount, plus the first {@value #KEPT_ERRORS} row errors reported (shown in row order) and, once the job
 * ends, the one-time passwords file. Errors expire a week after the last change, the passwords
 * after an hour, as they are secrets; until then the office may download them again (a browser
 * that lost the first download must not cost a round of password resets).
 */
public final class ImportJobs {

  public static final int KEPT_ERRORS = 1_000;
  private static final String TTL_SECONDS = Long.toString(7 * 24 * 3600);
  private static final String PASSWORDS_TTL_SECONDS = Long.toString(3600);

  private final RedisAPI redis;
  private final Jobs jobs;

  public ImportJobs(RedisAPI redis, Jobs jobs) {
    this.redis = redis;
    this.jobs = jobs;
  }

  private static String errorsKey(String jobId) {
    return "xk:admin:job:" + jobId + ":errors";
  }

  private static String passwordsKey(String jobId) {
    return "xk:admin:job:" + jobId + ":passwords";
  }

  public Future<Void> create(String jobId, long termId, String fileName) {
    return jobs.start(jobId, "IMPORT", null, "created", "0", "moved", "0", "errorCount", "0", "termId", Long.toString(termId),
      "fileName", fileName).mapEmpty();
  }

  public Future<Void> total(String jobId, long total) {
    return jobs.total(jobId, total);
  }

  /** Counts a finished batch: rows done, accounts created and moved, and the rows refused. */
  public Future<Void> progress(String jobId, long done, long created, long moved, List<JsonObject> errors) {
    List<Future<?>> writes = new ArrayList<>();
    writes.add(jobs.add(jobId, "done", done));
    writes.add(jobs.add(jobId, "created", created));
    writes.add(jobs.add(jobId, "moved", moved));
    if (!errors.isEmpty()) {
      writes.add(jobs.add(jobId, "errorCount", errors.size()));
      List<String> push = new ArrayList<>(KEPT_ERRORS + 1);
      push.add(errorsKey(jobId));
      errors.stream().limit(KEPT_ERRORS).forEach(e -> push.add(e.encode()));
      writes.add(redis.rpush(push)
        .compose(v -> redis.ltrim(errorsKey(jobId), "0", Integer.toString(KEPT_ERRORS - 1)))
        .compose(v -> redis.expire(List.of(errorsKey(jobId), TTL_SECONDS))));
    }
    return Future.all(writes).mapEmpty();
  }

  public Future<Void> finish(String jobId, String passwordsCsv) {
    return storePasswords(jobId, passwordsCsv).compose(v -> jobs.finish(jobId));
  }

  /**
   * A job that fails after some batches were committed still hands out those students' one-time
   * passwords ({@code passwordsCsv} null when none were created): they cannot be had again.
   */
  public Future<Void> fail(String jobId, JsonObject error, String passwordsCsv) {
    Future<Void> kept = passwordsCsv == null ? Future.succeededFuture() : storePasswords(jobId, passwordsCsv);
    return kept.compose(v -> redis.rpush(List.of(errorsKey(jobId), error.encode())))
      .compose(v -> redis.expire(List.of(errorsKey(jobId), TTL_SECONDS)))
      .compose(v -> jobs.add(jobId, "errorCount", 1))
      .compose(v -> jobs.fail(jobId));
  }

  private Future<Void> storePasswords(String jobId, String passwordsCsv) {
    return redis.set(List.of(passwordsKey(jobId), passwordsCsv, "EX", PASSWORDS_TTL_SECONDS)).mapEmpty();
  }

  /**
   * The job as the API shows it, or null when there is no such job. An interrupted one (its node
   * stopped) lists {@value Jobs#INTERRUPTED} as its last error.
   */
  public Future<JsonObject> get(String jobId) {
    Future<Map<String, String>> counters = jobs.get(jobId);
    Future<Response> errors = redis.lrange(errorsKey(jobId), "0", "-1");
    return Future.all(counters, errors).map(both -> {
      Map<String, String> job = counters.result();
      if (job.isEmpty()) return null;
      // Batches report their rows' errors after the whole file's parse errors: the office reads them in row order.
      // The sort is stable, so a row's errors keep their column order; a file's error (row 0) comes first.
      List<JsonObject> inRowOrder = new ArrayList<>();
      errors.result().forEach(e -> inRowOrder.add(new JsonObject(e.toString())));
      inRowOrder.sort(Comparator.comparingInt(e -> e.getInteger("row", 0)));
      JsonArray errorList = new JsonArray(inRowOrder);
      long errorCount = Long.parseLong(job.getOrDefault("errorCount", "0"));
      if (Jobs.INTERRUPTED.equals(job.get("error"))) {
        errorList.add(new JsonObject().put("row", 0).put("code", Jobs.INTERRUPTED));
        errorCount++;
      }
      return new JsonObject().put("jobId", jobId).put("state", job.get("state"))
        .put("done", Long.parseLong(job.get("done"))).put("total", Long.parseLong(job.get("total")))
        .put("created", Long.parseLong(job.get("created"))).put("moved", Long.parseLong(job.get("moved")))
        .put("termId", Long.parseLong(job.get("termId"))).put("fileName", job.get("fileName"))
        .put("errors", errorList).put("errorCount", errorCount);
    });
  }

  /** The one-time passwords file until it expires; null when gone. */
  public Future<String> passwords(String jobId) {
    return redis.get(passwordsKey(jobId)).map(found -> found == null ? null : found.toString());
  }
}
