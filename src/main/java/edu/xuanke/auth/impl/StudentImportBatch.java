package edu.xuanke.auth.impl;

import edu.xuanke.auth.CohortTerms;
import edu.xuanke.auth.LoginIds;
import edu.xuanke.auth.Sessions;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * One batch of an admin's student import, written in one transaction: new students are
 * inserted (with a one-time password they must change), existing ones are moved into the term's
 * cohort, their sessions in the cohort they leave end, and the term's live cohort learns them all
 * (but a deactivated student, who stays out of it until reactivated).
 * Rows are already validated by the caller; ids are brought to their canonical form here too (an
 * id that has none is refused as INVALID_STUDENT_ID), and an existing account that is not a
 * student is refused. An existing account is matched case-insensitively, as the column compares,
 * and keeps the id it is stored under.
 */
final class StudentImportBatch {

  private final Pool mysql;
  private final Sessions sessions;
  private final CohortTerms terms;
  private final long termId;
  private final JsonArray rows;
  private final JsonArray refused = new JsonArray();

  StudentImportBatch(Pool mysql, Sessions sessions, CohortTerms terms, long termId, JsonArray rows) {
    this.mysql = mysql;
    this.sessions = sessions;
    this.terms = terms;
    this.termId = termId;
    this.rows = canonical(rows);
  }

  /** The rows whose id has a canonical form, with it; an error for each other row. */
  private JsonArray canonical(JsonArray given) {
    JsonArray out = new JsonArray();
    for (int i = 0; i < given.size(); i++) {
      JsonObject row = given.getJsonObject(i);
      String studentId = LoginIds.canonical(row.getString("studentId"));
      if (studentId == null) refused.add(new JsonObject().put("row", row.getInteger("row")).put("code", "INVALID_STUDENT_ID"));
      else out.add(row.copy().put("studentId", studentId));
    }
    return out;
  }

  Future<JsonObject> run() {
    JsonArray created = new JsonArray();
    JsonArray moved = new JsonArray();
    JsonArray errors = refused.copy();
    Map<Long, List<String>> leavingByTerm = new HashMap<>();
    return mysql.withTransaction(conn -> existing(conn).compose(found -> {
        List<Tuple> inserts = new ArrayList<>();
        List<Tuple> updates = new ArrayList<>();
        for (int i = 0; i < rows.size(); i++) {
          JsonObject r = rows.getJsonObject(i);
          String studentId = r.getString("studentId");
          Row account = found.get(studentId);
          if (account == null) {
            inserts.add(Tuple.of(studentId, r.getString("passwordHash"), r.getString("name", ""), blankToNull(r.getString("gender")),
              r.getString("className", ""), r.getString("major", "")).addString(r.getString("college", ""))
              .addString(r.getString("email", "")).addString(r.getString("phone", "")).addLong(termId));
            created.add(studentId);
          } else if (!"STUDENT".equals(account.getString("role"))) {
            errors.add(new JsonObject().put("row", r.getInteger("row")).put("code", "NOT_A_STUDENT"));
          } else {
            studentId = account.getString("student_id");
            updates.add(Tuple.of(termId, r.getString("name", ""), blankToNull(r.getString("gender")), r.getString("className", ""),
              r.getString("major", ""), r.getString("college", "")).addString(r.getString("email", ""))
              .addString(r.getString("phone", "")).addString(studentId));
            // Only a student whose cohort term changes leaves a session behind; one already in the term stays logged in.
            long before = account.getLong("cohort_term_id") == null ? 0L : account.getLong("cohort_term_id");
            if (before != termId) leavingByTerm.computeIfAbsent(before, t -> new ArrayList<>()).add(studentId);
            moved.add(studentId);
          }
        }
        Future<?> inserted = inserts.isEmpty() ? Future.succeededFuture() : conn.preparedQuery(
          "INSERT INTO accounts (student_id, password_hash, role, name, gender, class_name, major, college, email, phone,"
            + " cohort_term_id, must_change_password) VALUES (?, ?, 'STUDENT', ?, ?, ?, ?, ?, ?, ?, ?, TRUE)")
          .executeBatch(inserts);
        // A blank cell keeps what the account has; the cohort always changes.
        return inserted.compose(v -> updates.isEmpty() ? Future.succeededFuture() : conn.preparedQuery(
          "UPDATE accounts SET cohort_term_id = ?, name = COALESCE(NULLIF(?, ''), name), gender = COALESCE(?, gender),"
            + " class_name = COALESCE(NULLIF(?, ''), class_name), major = COALESCE(NULLIF(?, ''), major),"
            + " college = COALESCE(NULLIF(?, ''), college), email = COALESCE(NULLIF(?, ''), email),"
            + " phone = COALESCE(NULLIF(?, ''), phone) WHERE student_id = ?").executeBatch(updates));
      }))
      .compose(written -> {
        List<Future<Void>> ended = new ArrayList<>();
        leavingByTerm.forEach((term, students) -> ended.add(sessions.endAll(students, term)));
        return Future.all(ended);
      })
      .compose(ended -> liveCohort(created, moved))
      .map(v -> new JsonObject().put("created", created).put("moved", moved).put("errors", errors));
  }

  private Future<Map<String, Row>> existing(SqlConnection conn) {
    if (rows.isEmpty()) return Future.succeededFuture(Map.of());
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < rows.size(); i++) ids.add(rows.getJsonObject(i).getString("studentId"));
    return conn.preparedQuery("SELECT student_id, role, cohort_term_id FROM accounts WHERE student_id IN (" + marks(ids.size())
      + ") FOR UPDATE").execute(Tuple.wrap(new ArrayList<Object>(ids))).map(found -> {
      Map<String, Row> byId = new HashMap<>();
      found.forEach(row -> byId.put(LoginIds.counted(row.getString("student_id")), row));
      return byId;
    });
  }

  private Future<Void> liveCohort(JsonArray created, JsonArray moved) {
    List<Object> members = new ArrayList<>(created.getList());
    members.addAll(moved.getList());
    if (members.isEmpty()) return Future.succeededFuture();
    return mysql.preparedQuery("SELECT student_id, " + AccountStore.COMPLETE + " AS complete FROM accounts"
      + " WHERE student_id IN (" + marks(members.size()) + ") AND deactivated_at IS NULL").execute(Tuple.wrap(members)).compose(found -> {
      JsonObject cohort = new JsonObject();
      found.forEach(row -> cohort.put(row.getString("student_id"), row.getInteger("complete") == 1));
      return terms.cohortChanged(termId, cohort);
    });
  }

  private static String marks(int count) {
    return String.join(", ", java.util.Collections.nCopies(count, "?"));
  }

  private static String blankToNull(String value) {
    return value == null || value.isBlank() ? null : value;
  }
}
