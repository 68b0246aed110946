package edu.xuanke.core;

/**
 * Where an account's one live session is recorded: students of a term's cohort in a hash with
 * the term's hash tag (so the selection scripts can check it in the same step), everyone else
 * (admins, students outside any cohort) in a global hash. Field: studentId; value: session id.
 */
public final class SessionKeys {

  private SessionKeys() {
  }

  public static String forTerm(long termId) {
    return termId > 0 ? "xk:{t" + termId + "}:sessions" : "xk:sessions";
  }
}
