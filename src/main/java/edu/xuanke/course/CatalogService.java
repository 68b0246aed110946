package edu.xuanke.course;

import edu.xuanke.core.ServiceCalls;
import io.vertx.codegen.annotations.ProxyGen;
import io.vertx.codegen.annotations.VertxGen;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/** Terms and sections with their live seat counts. */
@ProxyGen
@VertxGen
public interface CatalogService {

  String ADDRESS = "xuanke.catalog";
  /** Published (body {"termId": id}) after an admin edit; every in-process catalog copy reloads. */
  String CHANGED_ADDRESS = "xuanke.catalog.changed";

  static CatalogService createProxy(Vertx vertx) {
    return new CatalogServiceVertxEBProxy(vertx, ADDRESS, ServiceCalls.delivery());
  }

  /** The term open now, else the next to open, else the last one; NOT_FOUND when there is none. */
  Future<JsonObject> currentTerm();

  /** A term as {@link #currentTerm} shows it, plus {@code over}: selection and drop both closed. */
  Future<JsonObject> term(long termId);

  /** Sections of a term (0: the current term), optionally of one type and one period (0: any). */
  Future<JsonArray> sections(long termId, long typeId, long periodId);

  Future<JsonObject> section(long sectionId);

  /** {"sectionId": seatsLeft} of a term (0: the current term). */
  Future<JsonObject> seats(long termId);

  /** Tells the live state that a cohort member's profile became complete or incomplete. */
  Future<Void> updateCohortMember(long termId, String studentId, boolean profileComplete);

  /** {"redis": "UP"|"DOWN", "mysql": "UP"|"DOWN"}: the stores this domain depends on. */
  Future<JsonObject> health();
}
