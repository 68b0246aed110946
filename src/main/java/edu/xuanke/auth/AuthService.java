package edu.xuanke.auth;

import edu.xuanke.core.ServiceCalls;
import io.vertx.codegen.annotations.ProxyGen;
import io.vertx.codegen.annotations.VertxGen;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;

/** Accounts and logins. */
@ProxyGen
@VertxGen
public interface AuthService {

  String ADDRESS = "xuanke.auth";

  static AuthService createProxy(Vertx vertx) {
    return new AuthServiceVertxEBProxy(vertx, ADDRESS, ServiceCalls.delivery());
  }

  /** {token, expiresAt, user: {id, studentId, name, role, mustChangePassword}}; BAD_CREDENTIALS otherwise. */
  Future<JsonObject> login(String studentId, String password);

  /** The students of a term's cohort: {"studentId": profileComplete}. */
  Future<JsonObject> cohort(long termId);
}
