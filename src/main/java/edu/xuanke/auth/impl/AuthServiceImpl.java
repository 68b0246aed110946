package edu.xuanke.auth.impl;

import edu.xuanke.auth.ActivationTokens;
import edu.xuanke.auth.AuthService;
import edu.xuanke.auth.OneTimePasswords;
import edu.xuanke.auth.PasswordHasher;
import edu.xuanke.auth.Sessions;
import edu.xuanke.core.AppConfig;
import edu.xuanke.core.ErrorCode;
import edu.xuanke.core.RedisScript;
import edu.xuanke.core.Times;
import edu.xuanke.course.CatalogService;
import edu.xuanke.mail.MailService;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.JWTOptions;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.redis.client.RedisAPI;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.security.SecureRandom;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

public final class AuthServiceImpl implements AuthService {

  private static final int MIN_PASSWORD = 6;
  private static final int WRONG_CODES_ALLOWED = 5;
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final Logger log = LoggerFactory.getLogger(AuthServiceImpl.class);
  /** Far beyond any student list; a larger page is a mistake, not a query. */
  private static final int MAX_PAGE = 1_000_000;
  private static final RedisScript LOGIN_ATTEMPT = RedisScript.fromResources("lua/login_attempt.lua");
  private static final RedisScript LOGIN_FAILED = RedisScript.fromResources("lua/login_failed.lua");
  private static final RedisScript EMAIL_CODE = RedisScript.fromResources("lua/email_code.lua");
  private static final RedisScript CONSUME_CODE = RedisScript.fromResources("lua/consume_code.lua");
  private static final RedisScript USE_ONCE = RedisScript.fromResources("lua/delete_if_equals.lua");

  private static final String ACCOUNT_COLUMNS = "id, student_id, password_hash, role, name, gender, class_name, major,"
    + " college, email, phone, lang, cohort_term_id, must_change_password";
  /** SQL: whether an account's profile is complete. */
  static final String COMPLETE = "(name <> '' AND gender IS NOT NULL AND class_name <> '' AND major <> ''"
    + " AND college <> '' AND email <> '' AND phone <> '')";

  private final AppConfig config;
  private final Pool mysql;
  private final RedisAPI redis;
  private final PasswordHasher hasher;
  private final JWTAuth jwt;
  private final Sessions sessions;
  private final ActivationTokens signer;
  private final ProfileRules rules;
  private final CatalogService catalog;
  private final MailService mail;
  /** Checked when the account does not exist or has no usable hash, so that every failure takes as long. */
  private final Future<String> decoyHash;

  public AuthServiceImpl(AppConfig config, Pool mysql, RedisAPI redis, PasswordHasher hasher, JWTAuth jwt,
                         CatalogService catalog, MailService mail) {
    this.config = config;
    this.mysql = mysql;
    this.redis = redis;
    this.hasher = hasher;
    this.jwt = jwt;
    this.sessions = new Sessions(redis, config.sessionTtl(), config.timeZone());
    this.signer = new ActivationTokens(config.jwtSecret());
    this.rules = new ProfileRules(config.colleges(), config.phonePattern());
    this.catalog = catalog;
    this.mail = mail;
    this.decoyHash = hasher.hash(UUID.randomUUID().toString());
  }

  @Override
  public Future<JsonObject> login(String studentId, String password, String clientIp, String lang) {
    if (password.length() < MIN_PASSWORD) return invalid("password", "TOO_SHORT");
    String attempts = "xk:login-attempts:" + studentId + ":" + clientIp;
    String ipFailures = "xk:login-failures:" + clientIp;
    String window = Long.toString(config.loginFailureWindow().toMillis());
    return LOGIN_ATTEMPT.run(redis, List.of(attempts, ipFailures), window, Integer.toString(config.loginFailureLimit()),
        Integer.toString(config.loginFailureLimitPerIp()))
      .compose(allowed -> allowed.get(0).toInteger() == 1 ? account(studentId)
        : rateLimited(allowed.get(1).toLong()))
      .compose(account -> checkPassword(account, password)
        .compose(ok -> ok ? Future.succeededFuture(account)
          : LOGIN_FAILED.run(redis, List.of(ipFailures), window)
            .compose(counted -> ErrorCode.BAD_CREDENTIALS.<Row>fail())))
      .compose(account -> redis.del(List.of(attempts))
        .compose(v -> sessionTerm(account))
        .compose(termId -> startSession(account, termId, lang)));
  }

  /** Whether the password is the account's; as slow for a missing account or an unusable hash. */
  private Future<Boolean> checkPassword(Row account, String password) {
    String stored = account == null ? null : account.getString("password_hash");
    if (PasswordHasher.wellFormed(stored)) return hasher.verify(password, stored);
    return decoyHash.compose(decoy -> hasher.verify(password, decoy)).map(false);
  }

  /**
   * The term whose sessions hash keeps the account's session. A student logs in while the
   * cohort's term is upcoming or running (selection or drop not over); otherwise NOT_IN_TERM.
   */
  private Future<Long> sessionTerm(Row account) {
    if (!"STUDENT".equals(account.getString("role"))) return Future.succeededFuture(0L);
    Long cohort = account.getLong("cohort_term_id");
    if (cohort == null) return ErrorCode.NOT_IN_TERM.fail();
    return catalog.term(cohort)
      .recover(failure -> ErrorCode.of(failure) == ErrorCode.NOT_FOUND ? ErrorCode.NOT_IN_TERM.fail() : Future.failedFuture(failure))
      .compose(term -> term.getBoolean("over") ? ErrorCode.NOT_IN_TERM.fail() : Future.succeededFuture(cohort));
  }

  private Future<JsonObject> startSession(Row account, long termId, String lang) {
    String studentId = account.getString("student_id");
    Instant now = Instant.now();
    Instant expiresAt = sessions.expiry(now);
    return sessions.begin(studentId, termId)
      .compose(sessionId -> mysql.preparedQuery("UPDATE accounts SET lang = ? WHERE id = ?")
        .execute(Tuple.of(normalizedLang(lang), account.getLong("id")))
        .map(updated -> new JsonObject()
          .put("token", jwt.generateToken(new JsonObject()
              .put("sub", studentId).put("uid", account.getLong("id")).put("role", account.getString("role"))
              .put("sid", sessionId).put("term", termId).put("mcp", account.getBoolean("must_change_password")),
            new JWTOptions().setExpiresInSeconds((int) Math.max(1, expiresAt.getEpochSecond() - now.getEpochSecond()))))
          .put("expiresAt", Times.iso(expiresAt, config.timeZone()))
          .put("user", new JsonObject()
            .put("id", account.getLong("id"))
            .put("studentId", studentId)
            .put("name", account.getString("name"))
            .put("role", account.getString("role"))
            .put("mustChangePassword", account.getBoolean("must_change_password")))));
  }

  @Override
  public Future<Void> logout(String studentId, String sessionId, long sessionTermId) {
    return sessions.end(studentId, sessionId, sessionTermId);
  }

  @Override
  public Future<Boolean> sessionLive(String studentId, String sessionId, long sessionTermId) {
    return sessions.isLive(studentId, sessionId, sessionTermId);
  }

  @Override
  public Future<JsonObject> profile(String studentId) {
    return account(studentId).compose(account -> account == null ? ErrorCode.NOT_FOUND.fail()
      : Future.succeededFuture(profileOf(account)));
  }

  /**
   * Replacing an email already set needs the current password too: otherwise whoever holds a
   * session could redirect the codes, then the password, to an address of theirs.
   */
  @Override
  public Future<JsonObject> updateProfile(String studentId, JsonObject profile) {
    JsonObject problems = rules.problems(profile);
    if (!problems.isEmpty()) return ErrorCode.VALIDATION_FAILED.fail(new JsonObject().put("fields", problems));
    return account(studentId).compose(account -> {
      if (account == null) return ErrorCode.NOT_FOUND.fail();
      String current = account.getString("email");
      if (current.isBlank() || current.equalsIgnoreCase(profile.getString("email").trim())) {
        return saveProfile(studentId, profile);
      }
      Object given = profile.getValue("currentPassword");
      if (!(given instanceof String password) || password.isEmpty()) return invalid("currentPassword", "REQUIRED");
      return checkPassword(account, password)
        .compose(ok -> ok ? saveProfile(studentId, profile) : invalid("currentPassword", "WRONG"));
    });
  }

  private Future<JsonObject> saveProfile(String studentId, JsonObject profile) {
    return mysql.preparedQuery("UPDATE accounts SET name = ?, gender = ?, class_name = ?, major = ?, college = ?,"
          + " email = ?, phone = ? WHERE student_id = ?")
      .execute(Tuple.of(profile.getString("name").trim(), profile.getString("gender"),
        profile.getString("className").trim(), profile.getString("major").trim(), profile.getString("college"),
        profile.getString("email").trim(), profile.getString("phone").trim(), studentId))
      .compose(updated -> profile(studentId))
      .compose(updated -> updated.getLong("termId") == null ? Future.succeededFuture(updated)
        : catalog.updateCohortMember(updated.getLong("termId"), studentId, updated.getBoolean("profileComplete"))
          .map(updated));
  }

  @Override
  public Future<JsonArray> colleges() {
    return Future.succeededFuture(new JsonArray(config.colleges()));
  }

  @Override
  public Future<Void> requestEmailCode(String studentId, String email, String clientIp) {
    return account(studentId).compose(account -> {
      if (account == null) return ErrorCode.NOT_FOUND.fail();
      String own = account.getString("email");
      if (own.isBlank() || !own.equalsIgnoreCase(email.trim())) return invalid("email", "NOT_PROFILE_EMAIL");
      String code = String.format("%06d", RANDOM.nextInt(1_000_000));
      return EMAIL_CODE.run(redis, List.of("xk:email-codes:account:" + studentId, "xk:email-codes:ip:" + clientIp,
            "xk:email-code:" + studentId),
          signer.hash(studentId + ":" + code), Long.toString(config.emailCodeTtl().toMillis()),
          Long.toString(config.emailCodeInterval().toMillis()), Long.toString(config.emailCodeWindow().toMillis()),
          Integer.toString(config.emailCodeDailyLimit()), UUID.randomUUID().toString())
        .compose(issued -> issued.get(0).toInteger() == 1
          ? mail.send("code", own, account.getString("lang"), new JsonObject().put("code", code)
              .put("name", account.getString("name")).put("minutes", config.emailCodeTtl().toMinutes()))
          : rateLimited(issued.get(1).toLong()));
    });
  }

  @Override
  public Future<Void> changePassword(String studentId, String code, String newPassword) {
    if (code == null || !code.matches("\\d{6}")) return invalid("code", "INVALID");
    if (newPassword.length() < MIN_PASSWORD) return invalid("newPassword", "TOO_SHORT");
    return CONSUME_CODE.run(redis, List.of("xk:email-code:" + studentId), signer.hash(studentId + ":" + code),
        Integer.toString(WRONG_CODES_ALLOWED))
      .compose(result -> result.toInteger() == 1 ? setPassword(studentId, newPassword)
        : invalid("code", result.toInteger() == 0 ? "WRONG" : "EXPIRED_OR_USED"));
  }

  @Override
  public Future<Void> sendActivation(String studentId) {
    return account(studentId).compose(account -> {
      if (account == null) return ErrorCode.NOT_FOUND.fail();
      if (account.getString("email").isBlank()) return invalid("email", "REQUIRED");
      String nonce = UUID.randomUUID().toString();
      Instant expiresAt = Instant.now().plus(config.activationTtl());
      String token = signer.sign(new JsonObject().put("s", studentId).put("n", nonce).put("e", expiresAt.toEpochMilli()));
      // One live link per student: a new link, or any password change, voids the earlier one.
      return redis.set(List.of(activationKey(studentId), nonce, "PX", Long.toString(config.activationTtl().toMillis())))
        .compose(v -> mail.send("activation", account.getString("email"), account.getString("lang"), new JsonObject()
          .put("name", account.getString("name")).put("studentId", studentId)
          .put("link", config.publicBaseUrl() + "/activate?token=" + token)
          .put("expiresAt", Times.iso(expiresAt, config.timeZone()))));
    });
  }

  @Override
  public Future<Void> activate(String token, String password) {
    JsonObject claims = signer.verify(token);
    if (claims == null || claims.getLong("e", 0L) < System.currentTimeMillis()) return invalid("token", "INVALID_OR_EXPIRED");
    if (password.length() < MIN_PASSWORD) return invalid("password", "TOO_SHORT");
    String studentId = claims.getString("s");
    return USE_ONCE.run(redis, List.of(activationKey(studentId)), claims.getString("n"))
      .compose(used -> used.toInteger() == 1 ? setPassword(studentId, password) : invalid("token", "USED"));
  }

  private Future<Void> setPassword(String studentId, String password) {
    return hasher.hash(password)
      .compose(hash -> mysql.preparedQuery(
          "UPDATE accounts SET password_hash = ?, must_change_password = FALSE WHERE student_id = ?")
        .execute(Tuple.of(hash, studentId)))
      .compose(updated -> account(studentId))
      .compose(account -> Future.all(sessions.endAll(studentId, termOf(account)), redis.del(List.of(activationKey(studentId))))
        .<Void>mapEmpty());
  }

  @Override
  public Future<JsonObject> students(JsonObject query) {
    int page = Math.max(1, query.getInteger("page", 1));
    int size = Math.min(200, Math.max(1, query.getInteger("size", 50)));
    if (page > MAX_PAGE) return invalid("page", "OUT_OF_RANGE");
    StringBuilder where = new StringBuilder(" WHERE role = 'STUDENT'");
    Tuple args = Tuple.tuple();
    String q = query.getString("q", "").trim();
    if (!q.isEmpty()) {
      where.append(" AND (student_id LIKE ? OR name LIKE ?)");
      String prefix = likePrefix(q);
      args.addString(prefix).addString(prefix);
    }
    for (String[] filter : new String[][] {{"className", "class_name"}, {"college", "college"}}) {
      String value = query.getString(filter[0], "").trim();
      if (!value.isEmpty()) {
        where.append(" AND ").append(filter[1]).append(" = ?");
        args.addString(value);
      }
    }
    Tuple pageArgs = Tuple.tuple();
    for (int i = 0; i < args.size(); i++) pageArgs.addValue(args.getValue(i));
    pageArgs.addInteger(size).addLong((long) (page - 1) * size);
    Future<Long> total = mysql.preparedQuery("SELECT COUNT(*) AS n FROM accounts" + where).execute(args)
      .map(rows -> rows.iterator().next().getLong("n"));
    Future<JsonArray> items = mysql.preparedQuery("SELECT " + ACCOUNT_COLUMNS + ", " + COMPLETE + " AS complete FROM accounts"
        + where + " ORDER BY student_id LIMIT ? OFFSET ?").execute(pageArgs)
      .map(rows -> {
        JsonArray out = new JsonArray();
        rows.forEach(row -> out.add(profileOf(row)));
        return out;
      });
    return Future.all(total, items).map(done -> new JsonObject()
      .put("total", total.result()).put("page", page).put("size", size).put("items", items.result()));
  }

  private static String likePrefix(String text) {
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%";
  }

  @Override
  public Future<JsonObject> importStudents(long termId, JsonArray rows) {
    return new StudentImportBatch(mysql, sessions, catalog, termId, rows).run();
  }

  @Override
  public Future<JsonObject> resetPassword(String studentId) {
    String temporary = OneTimePasswords.generate();
    return account(studentId).compose(account -> {
      if (account == null || !"STUDENT".equals(account.getString("role"))) return ErrorCode.NOT_FOUND.<JsonObject>fail();
      return hasher.run(() -> OneTimePasswords.hash(temporary))
        .compose(hash -> mysql.preparedQuery("UPDATE accounts SET password_hash = ?, must_change_password = TRUE"
          + " WHERE student_id = ?").execute(Tuple.of(hash, studentId)))
        .compose(updated -> Future.all(sessions.endAll(studentId, termOf(account)), redis.del(List.of(activationKey(studentId)))))
        .compose(ended -> account.getString("email").isBlank() ? Future.<Void>succeededFuture()
          : mail.send("password_reset", account.getString("email"), account.getString("lang"), new JsonObject()
            .put("name", account.getString("name")))
            // The password is replaced by now: the admin must see it even when the mail cannot be queued.
            .recover(failed -> {
              log.warn("password reset mail for {} not queued: {}", studentId, failed.getMessage());
              return Future.succeededFuture();
            }))
        .map(sent -> new JsonObject().put("studentId", studentId).put("temporaryPassword", temporary));
    });
  }

  @Override
  public Future<Void> replaceOneTimePassword(String studentId, String currentPassword, String newPassword) {
    if (newPassword.length() < MIN_PASSWORD) return invalid("newPassword", "TOO_SHORT");
    return account(studentId).compose(account -> {
      if (account == null) return ErrorCode.NOT_FOUND.<Void>fail();
      if (!account.getBoolean("must_change_password")) return invalid("currentPassword", "NOT_ONE_TIME");
      if (currentPassword.equals(newPassword)) return invalid("newPassword", "SAME_AS_CURRENT");
      return checkPassword(account, currentPassword)
        .compose(ok -> ok ? setPassword(studentId, newPassword) : ErrorCode.BAD_CREDENTIALS.fail());
    });
  }

  private static String activationKey(String studentId) {
    return "xk:activation:" + studentId;
  }

  @Override
  public Future<JsonObject> cohort(long termId) {
    return mysql.preparedQuery("SELECT student_id, " + COMPLETE + " AS complete"
          + " FROM accounts WHERE cohort_term_id = ? AND role = 'STUDENT'")
      .execute(Tuple.of(termId))
      .map(rows -> {
        JsonObject cohort = new JsonObject();
        rows.forEach(row -> cohort.put(row.getString("student_id"), row.getInteger("complete") == 1));
        return cohort;
      });
  }

  @Override
  public Future<JsonObject> contact(String studentId) {
    return account(studentId).compose(account -> account == null ? ErrorCode.NOT_FOUND.fail()
      : Future.succeededFuture(new JsonObject().put("studentId", studentId).put("name", account.getString("name"))
        .put("email", account.getString("email")).put("lang", account.getString("lang"))));
  }

  private Future<Row> account(String studentId) {
    return mysql.preparedQuery("SELECT " + ACCOUNT_COLUMNS + ", " + COMPLETE + " AS complete FROM accounts WHERE student_id = ?")
      .execute(Tuple.of(studentId))
      .map(rows -> rows.size() == 0 ? null : rows.iterator().next());
  }

  private static JsonObject profileOf(Row account) {
    return new JsonObject()
      .put("studentId", account.getString("student_id"))
      .put("name", account.getString("name"))
      .put("gender", account.getString("gender"))
      .put("className", account.getString("class_name"))
      .put("major", account.getString("major"))
      .put("college", account.getString("college"))
      .put("email", account.getString("email"))
      .put("phone", account.getString("phone"))
      .put("role", account.getString("role"))
      .put("termId", account.getLong("cohort_term_id"))
      .put("mustChangePassword", account.getBoolean("must_change_password"))
      .put("profileComplete", account.getInteger("complete") == 1);
  }

  private static long termOf(Row account) {
    Long term = account == null ? null : account.getLong("cohort_term_id");
    return term == null ? 0 : term;
  }

  private static String normalizedLang(String lang) {
    return lang != null && lang.toLowerCase().startsWith("en") ? "en" : "zh-CN";
  }

  private static <T> Future<T> rateLimited(long waitMs) {
    return ErrorCode.RATE_LIMITED.fail(new JsonObject().put("retryAfterSeconds", Math.max(1, (waitMs + 999) / 1000)));
  }

  private static <T> Future<T> invalid(String field, String reason) {
    return ErrorCode.VALIDATION_FAILED.fail(new JsonObject().put("fields", new JsonObject().put(field, reason)));
  }
}
