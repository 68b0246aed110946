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
  /**
   * Published (body {"termId": id}) after an admin edit, on every node of a cluster: every
   * catalog copy reloads, and each node starts the persister of a term that became live.
   */
  String CHANGED_ADDRESS = "xuanke.catalog.changed";
  /**
   * Published (body {"termId": id}, on this node only) by each course instance once its catalog
   * has reloaded after an edit: copies kept elsewhere drop themselves here too, or a read between the edit and the
   * reload would keep the old catalog.
   */
  String RELOADED_ADDRESS = "xuanke.catalog.reloaded";

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

  /** Admin: every record of a kind (those of one term when termId > 0 and the kind {@link CatalogKind#ofTerm}). */
  Future<JsonArray> records(CatalogKind kind, long termId);

  /**
   * Admin: creates (id 0) or changes a record; a change needs only the fields that change.
   * VALIDATION_FAILED names each bad field; CAPACITY_BELOW_ROSTER when a section would hold
   * fewer seats than students. Raised capacity goes to the waitlist first (field "promoted").
   */
  Future<JsonObject> saveRecord(CatalogKind kind, long id, JsonObject fields);

  /** Admin: retires a term or section, deletes an unused period or course type (HAS_STUDENTS, TERM_LIVE, IN_USE). */
  Future<Void> retireRecord(CatalogKind kind, long id);

  /** Admin: waits (a few seconds at most, else UNAVAILABLE) until the term's accepted changes are all in MySQL. */
  Future<Void> awaitPersisted(long termId);

  /** Admin: once persisted, the differences between the live state and MySQL (empty when consistent). */
  Future<JsonArray> reconcile(long termId);

  /** Admin: {streamLength, pending, changesTotal, refusals: {code: count}} of a term's live state. */
  Future<JsonObject> liveFigures(long termId);

  /** Admin: a term's rounds in order: [{id, termId, kind, opensAt, closesAt, dropClosesAt, maxWishes, …}]. */
  Future<JsonArray> rounds(long termId);

  /** A round as {@link #rounds} lists it; NOT_FOUND when there is none. */
  Future<JsonObject> round(long roundId);

  /** Admin: creates (id 0) or changes a round; a change needs only the fields that change. */
  Future<JsonObject> saveRound(long id, JsonObject fields);

  /**
   * Gives each [studentId, sectionId] its seat in one atomic step for the whole term (a lottery's
   * winners), once per tag, each checked as a select would be: {placed, alreadyPlaced, refused: [{studentId, sectionId, code}]};
   * a repeat of the tag places nothing and answers as the first time, with alreadyPlaced true.
   */
  Future<JsonObject> placeAll(long termId, String tag, JsonArray placements);

  /** {"redis": "UP"|"DOWN", "mysql": "UP"|"DOWN"}: the stores this domain depends on. */
  Future<JsonObject> health();
}
