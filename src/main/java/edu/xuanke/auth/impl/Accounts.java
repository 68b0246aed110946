package edu.xuanke.auth.impl;

import edu.xuanke.auth.CohortTerms;
import edu.xuanke.auth.LoginIds;
import edu.xuanke.auth.Sessions;
import edu.xuanke.core.AppConfig;
import edu.xuanke.core.ErrorCode;
import edu.xuanke.core.Phones;
import edu.xuanke.core.Fields;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;

/** Profiles, the admin's student list and import, and the cohorts of terms. */
final class Accounts {

  /** Far beyond any student list; a larger page is a mistake, not a query. */
  private static final int MAX_PAGE = 1_000_000;

  private final AppConfig config;
  private final AccountStore store;
  private final PasswordGuard guard;
  private final Sessions sessions;
  private final CohortTerms terms;
  private final ProfileRules rules;

  Accounts(AppConfig config, AccountStore store, PasswordGuard guard, Sessions sessions, CohortTerms terms) {
    this.config = config;
    this.store = store;
    this.guard = guard;
    this.sessions = sessions;
    this.terms = terms;
    this.rules = new ProfileRules(config.colleges(), config.phonePattern());
  }

  Future<JsonObject> profile(String studentId) {
    return store.account(studentId).compose(account -> account == null ? ErrorCode.NOT_FOUND.fail()
      : Future.succeededFuture(AccountStore.profileOf(account)));
  }

  /**
   * Replacing an email already set needs the current password too: otherwise whoever holds a
   * session could redirect the codes, then the password, to an address of theirs. A wrong one
   * counts against the lockout like a wrong login.
   */
  Future<JsonObject> updateProfile(String studentId, JsonObject profile, String clientIp) {
    if (profile.getValue("phone") instanceof String typed) profile.put("phone", Phones.normalise(typed));
    JsonObject problems = rules.problems(profile);
    if (!problems.isEmpty()) return ErrorCode.VALIDATION_FAILED.fail(Fields.details(problems));
    return store.account(studentId).compose(account -> {
      if (account == null) return ErrorCode.NOT_FOUND.fail();
      String current = account.getString("email");
      if (current.isBlank() || current.equalsIgnoreCase(profile.getString("email").trim())) {
        return saveProfile(studentId, profile);
      }
      Object given = profile.getValue("currentPassword");
      if (!(given instanceof String password) || password.isEmpty()) return Fields.invalid("currentPassword", "REQUIRED");
      return guard.check(LoginIds.counted(studentId), clientIp, () -> Future.succeededFuture(account), password)
        .recover(failure -> ErrorCode.of(failure) == ErrorCode.BAD_CREDENTIALS ? Fields.invalid("currentPassword", "WRONG")
          : Future.failedFuture(failure))
        .compose(right -> saveProfile(studentId, profile));
    });
  }

  private Future<JsonObject> saveProfile(String studentId, JsonObject profile) {
    return store.mysql().preparedQuery("UPDATE accounts SET name = ?, gender = ?, class_name = ?, major = ?, college = ?,"
          + " email = ?, phone = ? WHERE student_id = ?")
      .execute(Tuple.of(profile.getString("name").trim(), profile.getString("gender"),
        profile.getString("className").trim(), profile.getString("major").trim(), profile.getString("college"),
        profile.getString("email").trim(), profile.getString("phone").trim(), studentId))
      .compose(updated -> profile(studentId))
      .compose(updated -> updated.getLong("termId") == null ? Future.succeededFuture(updated)
        : terms.cohortChanged(updated.getLong("termId"), new JsonObject().put(studentId, updated.getBoolean("profileComplete")))
          .map(updated));
  }

  Future<JsonArray> colleges() {
    return Future.succeededFuture(new JsonArray(config.colleges()));
  }

  Future<JsonObject> students(JsonObject query) {
    int page = Math.max(1, query.getInteger("page", 1));
    int size = Math.min(200, Math.max(1, query.getInteger("size", 50)));
    if (page > MAX_PAGE) return Fields.invalid("page", "OUT_OF_RANGE");
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
    Future<Long> total = store.mysql().preparedQuery("SELECT COUNT(*) AS n FROM accounts" + where).execute(args)
      .map(rows -> rows.iterator().next().getLong("n"));
    Future<JsonArray> items = store.mysql().preparedQuery("SELECT " + AccountStore.COLUMNS + ", " + AccountStore.COMPLETE
        + " AS complete FROM accounts" + where + " ORDER BY student_id LIMIT ? OFFSET ?").execute(pageArgs)
      .map(rows -> {
        JsonArray out = new JsonArray();
        rows.forEach(row -> out.add(AccountStore.profileOf(row)));
        return out;
      });
    return Future.all(total, items).map(done -> new JsonObject()
      .put("total", total.result()).put("page", page).put("size", size).put("items", items.result()));
  }

  private static String likePrefix(String text) {
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%";
  }

  Future<JsonObject> importStudents(long termId, JsonArray rows) {
    return new StudentImportBatch(store.mysql(), sessions, terms, termId, rows).run();
  }

  Future<JsonObject> cohort(long termId) {
    return store.mysql().preparedQuery("SELECT student_id, " + AccountStore.COMPLETE + " AS complete"
          + " FROM accounts WHERE cohort_term_id = ? AND role = 'STUDENT' AND deactivated_at IS NULL")
      .execute(Tuple.of(termId))
      .map(rows -> {
        JsonObject cohort = new JsonObject();
        rows.forEach(row -> cohort.put(row.getString("student_id"), row.getInteger("complete") == 1));
        return cohort;
      });
  }

  /** Each cohort student's major, for the lottery's priority rules. */
  Future<JsonObject> cohortMajors(long termId) {
    return store.mysql().preparedQuery("SELECT student_id, major FROM accounts WHERE cohort_term_id = ? AND role = 'STUDENT'"
        + " AND deactivated_at IS NULL")
      .execute(Tuple.of(termId))
      .map(rows -> {
        JsonObject majors = new JsonObject();
        rows.forEach(row -> majors.put(row.getString("student_id"), row.getString("major")));
        return majors;
      });
  }

  /** A student's account by an id as the office types it; NOT_FOUND for none, or for an admin. */
  private Future<Row> student(String typedId) {
    String studentId = LoginIds.canonical(typedId);
    if (studentId == null) return ErrorCode.NOT_FOUND.fail();
    return store.account(studentId).compose(account -> account == null || !"STUDENT".equals(account.getString("role"))
      ? ErrorCode.NOT_FOUND.fail() : Future.succeededFuture(account));
  }

  Future<JsonObject> studentProfile(String typedId) {
    return student(typedId).map(AccountStore::profileOf);
  }

  /**
   * The office's edit: every field as given (checked by the caller; blank clears it, the student
   * completes the profile later). The 学号 never changes: it is the login and names the history.
   */
  Future<JsonObject> updateStudent(String typedId, JsonObject fields) {
    return student(typedId).compose(account -> {
      String studentId = account.getString("student_id");
      String gender = fields.getString("gender", "");
      return store.mysql().preparedQuery("UPDATE accounts SET name = ?, gender = ?, class_name = ?, major = ?, college = ?,"
            + " email = ?, phone = ? WHERE id = ?")
        .execute(Tuple.of(fields.getString("name", ""), gender.isEmpty() ? null : gender, fields.getString("className", ""),
          fields.getString("major", ""), fields.getString("college", "")).addString(fields.getString("email", ""))
          .addString(fields.getString("phone", "")).addLong(account.getLong("id")))
        .compose(updated -> studentProfile(studentId))
        .compose(updated -> updated.getLong("termId") == null || !updated.getBoolean("active") ? Future.succeededFuture(updated)
          : terms.cohortChanged(updated.getLong("termId"), new JsonObject().put(studentId, updated.getBoolean("profileComplete")))
            .map(updated));
    });
  }

  /**
   * Deactivates (every session ends, the live cohort loses the student, nothing of the history
   * goes) or reactivates (back in the cohort) a student; the profile after.
   */
  Future<JsonObject> setActive(String typedId, boolean active) {
    return student(typedId).compose(account -> {
      String studentId = account.getString("student_id");
      long termId = AccountStore.termOf(account);
      return store.mysql().preparedQuery("UPDATE accounts SET deactivated_at = " + (active ? "NULL" : "UTC_TIMESTAMP(3)")
          + " WHERE id = ?").execute(Tuple.of(account.getLong("id")))
        .compose(updated -> active ? Future.succeededFuture() : sessions.endAll(studentId, termId))
        .compose(ended -> studentProfile(studentId))
        .compose(profile -> termId == 0 ? Future.succeededFuture(profile)
          : (active ? terms.cohortChanged(termId, new JsonObject().put(studentId, profile.getBoolean("profileComplete")))
            : terms.cohortLeft(termId, new JsonArray().add(studentId))).map(profile));
    });
  }

  Future<JsonObject> contact(String studentId) {
    return store.account(studentId).compose(account -> account == null ? ErrorCode.NOT_FOUND.fail()
      : Future.succeededFuture(new JsonObject().put("studentId", studentId).put("name", account.getString("name"))
        .put("email", account.getString("email")).put("lang", account.getString("lang"))));
  }

  Future<JsonObject> contacts(JsonArray studentIds) {
    if (studentIds.isEmpty()) return Future.succeededFuture(new JsonObject());
    Tuple args = Tuple.tuple();
    studentIds.forEach(id -> args.addString((String) id));
    return store.mysql().preparedQuery("SELECT student_id, name, email, lang FROM accounts WHERE email <> '' AND student_id IN ("
        + String.join(",", java.util.Collections.nCopies(studentIds.size(), "?")) + ")").execute(args)
      .map(rows -> {
        JsonObject out = new JsonObject();
        rows.forEach(row -> out.put(row.getString("student_id"), new JsonObject().put("name", row.getString("name"))
          .put("email", row.getString("email")).put("lang", row.getString("lang"))));
        return out;
      });
  }
}
