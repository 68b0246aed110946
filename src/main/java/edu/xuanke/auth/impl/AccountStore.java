package edu.xuanke.auth.impl;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;

/** Reads of the accounts table shared by logins, passwords and profiles. */
final class AccountStore {

  static final String COLUMNS = "id, student_id, password_hash, role, name, gender, class_name, major,"
    + " college, email, phone, lang, cohort_term_id, must_change_password, deactivated_at";
  /** SQL: whether an account's profile is complete. */
  static final String COMPLETE = "(name <> '' AND gender IS NOT NULL AND class_name <> '' AND major <> ''"
    + " AND college <> '' AND email <> '' AND phone <> '')";

  private final Pool mysql;

  AccountStore(Pool mysql) {
    this.mysql = mysql;
  }

  Pool mysql() {
    return mysql;
  }

  /** The account (with {@code complete}), or null. The column compares ids case-insensitively. */
  Future<Row> account(String studentId) {
    return mysql.preparedQuery("SELECT " + COLUMNS + ", " + COMPLETE + " AS complete FROM accounts WHERE student_id = ?")
      .execute(Tuple.of(studentId))
      .map(rows -> rows.size() == 0 ? null : rows.iterator().next());
  }

  static JsonObject profileOf(Row account) {
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
      .put("active", account.getValue("deactivated_at") == null)
      .put("profileComplete", account.getInteger("complete") == 1);
  }

  /** The cohort term of an account (0: none), whose sessions hash keeps its session. */
  static long termOf(Row account) {
    Long term = account == null ? null : account.getLong("cohort_term_id");
    return term == null ? 0 : term;
  }
}
