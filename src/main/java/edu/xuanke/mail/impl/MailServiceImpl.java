package edu.xuanke.mail.impl;

import edu.xuanke.core.Replies;
import edu.xuanke.core.RedisScript;
import edu.xuanke.mail.MailService;
import edu.xuanke.mail.Outbox;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.RedisAPI;
import io.vertx.redis.client.Response;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** Queues mails into the outbox stream; the {@link edu.xuanke.mail.Mailer} delivers them. */
public final class MailServiceImpl implements MailService {

  private static final String SENT_ONCE = "xk:mail:once:";
  private static final long ONCE_TTL_SECONDS = 7 * 24 * 3600;
  private static final RedisScript ONCE = RedisScript.fromResources("lua/mail_once.lua");

  private final RedisAPI redis;

  public MailServiceImpl(RedisAPI redis) {
    this.redis = redis;
  }

  /** A mail with a onceKey (e.g. the event that caused it) is queued once, however often it is asked for. */
  @Override
  public Future<Void> send(String kind, String to, String lang, JsonObject params) {
    String id = params.getString("onceKey", UUID.randomUUID().toString());
    String[] fields = {"kind", kind, "to", to, "lang", lang == null ? "zh-CN" : lang, "params", params.encode(),
      "attempts", "0", "id", id};
    Future<?> queued;
    if (params.containsKey("onceKey")) {
      String[] args = new String[fields.length + 1];
      args[0] = Long.toString(ONCE_TTL_SECONDS);
      System.arraycopy(fields, 0, args, 1, fields.length);
      queued = ONCE.run(redis, List.of(SENT_ONCE + id, Outbox.STREAM), args);
    } else {
      List<String> xadd = new ArrayList<>(List.of(Outbox.STREAM, "*"));
      xadd.addAll(List.of(fields));
      queued = redis.xadd(xadd);
    }
    return queued.<Void>mapEmpty();
  }

  @Override
  public Future<JsonObject> stats() {
    return Future.all(redis.hgetall(Outbox.STATS), redis.xlen(Outbox.STREAM), redis.zcard(Outbox.RETRY), redis.lrange(Outbox.DEAD, "0", "99"))
      .map(all -> {
        Map<String, String> counters = Replies.hash(all.resultAt(0));
        JsonArray dead = new JsonArray();
        for (Response mail : (Response) all.resultAt(3)) {
          JsonObject parked = new JsonObject(mail.toString());
          dead.add(new JsonObject().put("kind", parked.getString("kind")).put("to", parked.getString("to"))
            .put("attempts", parked.getInteger("attempts")).put("error", parked.getString("error")));
        }
        return new JsonObject()
          .put("sent", Long.parseLong(counters.getOrDefault("sent", "0")))
          .put("retried", Long.parseLong(counters.getOrDefault("retried", "0")))
          .put("failed", Long.parseLong(counters.getOrDefault("failed", "0")))
          .put("queued", ((Response) all.resultAt(1)).toLong())
          .put("waitingRetry", ((Response) all.resultAt(2)).toLong())
          .put("dead", dead);
      });
  }
}
