package edu.xuanke.auth;

import edu.xuanke.core.RedisScript;
import edu.xuanke.core.SessionKeys;
import io.vertx.core.Future;
import io.vertx.redis.client.RedisAPI;

import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.Base64;
import java.util.List;

/**
 * One live session per account, recorded in Redis (see {@link SessionKeys}). A login replaces
 * the account's session id, so tokens of an older login stop working; the token's own expiry
 * ends a session in time.
 */
public final class Sessions {

  private static final SecureRandom RANDOM = new SecureRandom();
  private static final RedisScript END = RedisScript.fromResources("lua/session_end.lua");

  private final RedisAPI redis;
  private final String ttl;
  private final ZoneId zone;

  /** {@code ttl}: "midnight" or an ISO-8601 duration. */
  public Sessions(RedisAPI redis, String ttl, ZoneId zone) {
    this.redis = redis;
    this.ttl = ttl;
    this.zone = zone;
  }

  /** When a session begun now ends. */
  public Instant expiry(Instant now) {
    if ("midnight".equalsIgnoreCase(ttl)) {
      return now.atZone(zone).toLocalDate().plusDays(1).atStartOfDay(zone).toInstant();
    }
    return now.plus(Duration.parse(ttl));
  }

  /** Starts the account's new session, ending any other; returns its id. */
  public Future<String> begin(String studentId, long termId) {
    byte[] bytes = new byte[16];
    RANDOM.nextBytes(bytes);
    String id = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    return redis.hset(List.of(SessionKeys.forTerm(termId), studentId, id)).map(id);
  }

  public Future<Boolean> isLive(String studentId, String sessionId, long termId) {
    return redis.hget(SessionKeys.forTerm(termId), studentId)
      .map(current -> current != null && current.toString().equals(sessionId));
  }

  /** Ends the session if it is still the account's live one. */
  public Future<Void> end(String studentId, String sessionId, long termId) {
    return END.run(redis, List.of(SessionKeys.forTerm(termId)), studentId, sessionId).mapEmpty();
  }

  /**
   * Ends whatever sessions the accounts have, recorded under {@code termId} (the cohort term
   * their sessions began in) or globally. Call it with the cohort a student is leaving before
   * moving them: their session lives in that term's hash, not the new one's.
   */
  public Future<Void> endAll(List<String> studentIds, long termId) {
    if (studentIds.isEmpty()) return Future.succeededFuture();
    List<String> term = new java.util.ArrayList<>(studentIds.size() + 1);
    term.add(SessionKeys.forTerm(termId));
    term.addAll(studentIds);
    List<String> global = new java.util.ArrayList<>(term);
    global.set(0, SessionKeys.forTerm(0));
    return Future.all(redis.hdel(term), redis.hdel(global)).mapEmpty();
  }

  /** Ends whatever session the account has. */
  public Future<Void> endAll(String studentId, long termId) {
    return Future.all(redis.hdel(List.of(SessionKeys.forTerm(termId), studentId)),
      redis.hdel(List.of(SessionKeys.forTerm(0), studentId))).mapEmpty();
  }
}
