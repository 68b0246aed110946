package edu.xuanke.auth;

import edu.xuanke.core.ServiceCalls;
import io.vertx.codegen.annotations.ProxyGen;
import io.vertx.codegen.annotations.VertxGen;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * What the accounts domain needs of the terms its students belong to, declared here and answered
 * by the course domain, which registers it on the event bus: the course domain depends on
 * accounts (cohorts, sessions), and accounts know nothing of courses. Cohort changes reach the
 * term's live state through {@link #cohortChanged}, acknowledged once applied, so a student
 * imported or added can select as soon as the admin has the answer.
 */
@ProxyGen
@VertxGen
public interface CohortTerms {

  String ADDRESS = "xuanke.cohort-terms";

  static CohortTerms createProxy(Vertx vertx) {
    return new CohortTermsVertxEBProxy(vertx, ADDRESS, ServiceCalls.delivery());
  }

  /** Whether a term's cohort may log in: the term exists and its selection or drop is not over. */
  Future<Boolean> takesLogins(long termId);

  /** Members joined the term's cohort or their profile changed: {"studentId": profileComplete}. */
  Future<Void> cohortChanged(long termId, JsonObject members);

  /** Members left the term's live cohort (deactivated): they can no longer select, seats they hold stay. */
  Future<Void> cohortLeft(long termId, JsonArray studentIds);
}
