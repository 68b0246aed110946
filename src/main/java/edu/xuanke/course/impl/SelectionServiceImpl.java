package edu.xuanke.course.impl;

import edu.xuanke.core.ErrorCode;
import edu.xuanke.core.Fields;
import edu.xuanke.core.Times;
import edu.xuanke.course.Catalog;
import edu.xuanke.course.LiveState;
import edu.xuanke.course.RefusalCounts;
import edu.xuanke.course.Scripts.Script;
import edu.xuanke.course.SelectionService;
import edu.xuanke.course.TermKeys;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Response;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.Tuple;

import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

public final class SelectionServiceImpl implements SelectionService {

  private final Catalog catalog;
  private final LiveState live;
  private final ZoneId zone;
  private final RefusalCounts refusals;
  private final Pool mysql;

  public SelectionServiceImpl(Catalog catalog, LiveState live, ZoneId zone, RefusalCounts refusals, Pool mysql) {
    this.catalog = catalog;
    this.mysql = mysql;
    this.refusals = refusals;
    this.live = live;
    this.zone = zone;
  }

  @Override
  public Future<JsonObject> select(String studentId, String sessionId, long sectionId, boolean waitlist) {
    return select(studentId, sessionId, sectionId, waitlist, "");
  }

  @Override
  public Future<JsonObject> selectFor(String studentId, long sectionId, boolean waitlist, String admin) {
    return select(studentId, "", sectionId, waitlist, admin);
  }

  /** lua/select.lua; {@code by}: the admin acting for the student, "" when the student acts (session checked). */
  private Future<JsonObject> select(String studentId, String sessionId, long sectionId, boolean waitlist, String by) {
    return section(sectionId).compose(section -> live.run(section.termId(), Script.SELECT,
        live.keys(section.termId()).scriptKeys(sectionId), studentId, Long.toString(sectionId), waitlist ? "1" : "0",
        sessionId, by)
      .map(reply -> switch (reply.get(0).toString()) {
        case "ENROLLED" -> new JsonObject().put("status", "ENROLLED").put("sectionId", sectionId)
          .put("seatsLeft", reply.get(1).toLong());
        case "WAITLISTED" -> new JsonObject().put("status", "WAITLISTED").put("sectionId", sectionId)
          .put("position", reply.get(1).toLong());
        default -> throw refusal(reply, section.termId());
      }));
  }

  @Override
  public Future<Void> drop(String studentId, String sessionId, long sectionId) {
    return dropScript(studentId, sessionId, sectionId, "SEAT", "DROPPED", "");
  }

  @Override
  public Future<Void> leaveWaitlist(String studentId, String sessionId, long sectionId) {
    return dropScript(studentId, sessionId, sectionId, "WAITLIST", "LEFT_WAITLIST", "");
  }

  @Override
  public Future<Void> dropFor(String studentId, long sectionId, String admin) {
    return dropScript(studentId, "", sectionId, "SEAT", "DROPPED", admin);
  }

  @Override
  public Future<Void> leaveWaitlistFor(String studentId, long sectionId, String admin) {
    return dropScript(studentId, "", sectionId, "WAITLIST", "LEFT_WAITLIST", admin);
  }

  /**
   * lua/drop.lua with its intent: SEAT drops a held seat only, WAITLIST leaves a waitlist only;
   * {@code by}: the admin acting for the student, "" when the student acts (session checked).
   */
  private Future<Void> dropScript(String studentId, String sessionId, long sectionId, String intent, String done, String by) {
    return section(sectionId).compose(section -> live.run(section.termId(), Script.DROP,
        live.keys(section.termId()).scriptKeys(sectionId), studentId, Long.toString(sectionId), sessionId, intent, releaseDraw(),
        by)
      .map(reply -> {
        if (!done.equals(reply.get(0).toString())) throw refusal(reply, section.termId());
        return null;
      }));
  }

  @Override
  public Future<JsonObject> swap(String studentId, String sessionId, long fromSectionId, long toSectionId) {
    return section(fromSectionId).compose(from -> section(toSectionId).compose(to -> {
      if (from.termId() != to.termId()) return Fields.invalid("to", "OTHER_TERM");
      TermKeys keys = live.keys(from.termId());
      return live.run(from.termId(), Script.SWAP, keys.scriptKeys(fromSectionId, toSectionId), studentId,
          Long.toString(fromSectionId), Long.toString(toSectionId), sessionId, releaseDraw())
        .map(reply -> {
          if (!"ENROLLED".equals(reply.get(0).toString())) throw refusal(reply, from.termId());
          return new JsonObject().put("status", "ENROLLED").put("sectionId", toSectionId)
            .put("seatsLeft", reply.get(1).toLong());
        });
    }));
  }

  @Override
  public Future<JsonObject> selectAll(String studentId, String sessionId, long termId, JsonArray sectionIds) {
    List<Long> ids = new ArrayList<>();
    List<String> args = new ArrayList<>(List.of(studentId, sessionId));
    for (Object id : sectionIds) {
      ids.add(((Number) id).longValue());
      args.add(id.toString());
    }
    return live.run(termId, Script.PLAN, live.keys(termId).scriptKeys(ids), args.toArray(String[]::new))
      .map(reply -> {
        if (!"PLAN".equals(reply.get(0).toString())) throw refusal(reply, termId);
        JsonArray results = new JsonArray();
        for (int i = 0; i < ids.size(); i++) {
          String code = reply.get(1 + 2 * i).toString();
          String detail = reply.get(2 + 2 * i).toString();
          JsonObject result = new JsonObject().put("sectionId", ids.get(i));
          if ("ENROLLED".equals(code)) {
            results.add(result.put("status", "ENROLLED").put("seatsLeft", Long.parseLong(detail)));
          } else if ("WAITLISTED".equals(code)) {
            results.add(result.put("status", "WAITLISTED"));
          } else {
            refusals.count(termId, code);
            JsonObject details = detail.isEmpty() ? new JsonObject() : new JsonObject().put("sectionId", Long.parseLong(detail));
            results.add(result.put("status", "REFUSED").put("code", code).put("details", details));
          }
        }
        return new JsonObject().put("termId", termId).put("results", results);
      });
  }

  /** The random fraction a drop's script turns into a held-back seat's delay (when its round holds seats back). */
  private static String releaseDraw() {
    return Double.toString(java.util.concurrent.ThreadLocalRandom.current().nextDouble());
  }

  @Override
  public Future<JsonObject> standings(long termId, List<String> studentIds) {
    if (studentIds.isEmpty()) return Future.succeededFuture(new JsonObject());
    TermKeys keys = live.keys(termId);
    Future<Response> held = live.redis().hmget(withKey(keys.holds(), studentIds));
    Future<Response> waiting = live.redis().hmget(withKey(keys.waits(), studentIds));
    Future<Response> sessions = live.redis().hmget(withKey(keys.sessions(), studentIds));
    return Future.all(held, waiting, sessions).map(all -> {
      JsonObject standings = new JsonObject();
      for (int i = 0; i < studentIds.size(); i++) {
        Response session = sessions.result().get(i);
        standings.put(studentIds.get(i), new JsonObject()
          .put("enrolled", new JsonArray(ids(held.result().get(i))))
          .put("waitlisted", new JsonArray(ids(waiting.result().get(i))))
          .put("session", session == null ? null : session.toString()));
      }
      return standings;
    });
  }

  private static List<String> withKey(String key, List<String> fields) {
    List<String> args = new ArrayList<>(fields.size() + 1);
    args.add(key);
    args.addAll(fields);
    return args;
  }

  @Override
  public Future<JsonObject> selections(String studentId) {
    Catalog.Term term = catalog.currentTerm(Instant.now()).orElse(null);
    if (term == null) return ErrorCode.NOT_FOUND.fail();
    return selectionsIn(term.id(), studentId);
  }

  @Override
  public Future<JsonObject> selectionsIn(long termId, String studentId) {
    Catalog.Term term = catalog.term(termId).orElse(null);
    if (term == null) return ErrorCode.NOT_FOUND.fail();
    // A term that is over has no live state, and looking at it must not bring one (and a persister) back.
    if (!term.liveAt(Instant.now())) return persistedSelections(termId, studentId);
    TermKeys keys = live.keys(termId);
    Future<Set<Long>> byOffice = byOffice(termId, studentId);
    return live.ensureLoaded(termId)
      .compose(v -> Future.all(live.redis().hget(keys.holds(), studentId), live.redis().hget(keys.waits(), studentId)))
      .compose(both -> {
        List<Long> held = ids(both.resultAt(0));
        List<Long> waiting = ids(both.resultAt(1));
        List<Future<Response>> ranks = new ArrayList<>();
        for (long sectionId : waiting) ranks.add(live.redis().zrank(keys.waitlist(sectionId), studentId));
        return Future.all(ranks).compose(done -> {
          JsonArray enrolled = new JsonArray();
          List<Future<JsonObject>> sections = new ArrayList<>();
          for (long id : held) sections.add(catalog.findSection(id).map(s -> s.map(Catalog.Section::toJson).orElse(null)));
          return Future.all(sections).compose(x -> byOffice).map(office -> {
            sections.forEach(f -> { if (f.result() != null) f.result().put("byOffice", office.contains(f.result().getLong("id"))); });
            sections.forEach(f -> { if (f.result() != null) enrolled.add(f.result()); });
            JsonArray waitlisted = new JsonArray();
            for (int i = 0; i < waiting.size(); i++) {
              Response rank = ranks.get(i).result();
              if (rank != null) waitlisted.add(new JsonObject().put("sectionId", waiting.get(i)).put("position", rank.toLong() + 1));
            }
            return new JsonObject().put("termId", termId).put("enrolled", enrolled).put("waitlisted", waitlisted);
          });
        });
      });
  }

  /** {@link #selectionsIn} of a term that is over, from MySQL, where everything of it is by now. */
  private Future<JsonObject> persistedSelections(long termId, String studentId) {
    Future<RowSet<Row>> held = mysql.preparedQuery("SELECT section_id, actor FROM enrollments"
      + " WHERE student_id = ? AND term_id = ? AND state = 'ENROLLED' ORDER BY section_id").execute(Tuple.of(studentId, termId));
    Future<RowSet<Row>> waiting = mysql.preparedQuery("SELECT w.section_id, (SELECT COUNT(*) FROM waitlist_entries o"
      + " WHERE o.section_id = w.section_id AND o.state = 'WAITING' AND o.seq <= w.seq) AS position FROM waitlist_entries w"
      + " WHERE w.student_id = ? AND w.term_id = ? AND w.state = 'WAITING' ORDER BY w.section_id").execute(Tuple.of(studentId, termId));
    return Future.all(held, waiting).compose(both -> {
      List<Future<JsonObject>> sections = new ArrayList<>();
      held.result().forEach(row -> sections.add(catalog.findSection(row.getLong("section_id"))
        .map(found -> found.map(section -> section.toJson().put("byOffice", row.getString("actor") != null)).orElse(null))));
      JsonArray waitlisted = new JsonArray();
      waiting.result().forEach(row -> waitlisted.add(new JsonObject().put("sectionId", row.getLong("section_id"))
        .put("position", row.getLong("position"))));
      return Future.all(sections).map(done -> {
        JsonArray enrolled = new JsonArray();
        sections.forEach(f -> { if (f.result() != null) enrolled.add(f.result()); });
        return new JsonObject().put("termId", termId).put("enrolled", enrolled).put("waitlisted", waitlisted);
      });
    });
  }

  /** The sections whose seat the office took for the student, as persisted so far (the marker is informational). */
  private Future<Set<Long>> byOffice(long termId, String studentId) {
    return mysql.preparedQuery("SELECT section_id FROM enrollments WHERE student_id = ? AND term_id = ?"
        + " AND state = 'ENROLLED' AND actor IS NOT NULL").execute(Tuple.of(studentId, termId))
      .map(rows -> {
        Set<Long> ids = new HashSet<>();
        rows.forEach(row -> ids.add(row.getLong("section_id")));
        return ids;
      });
  }

  private Future<Catalog.Section> section(long sectionId) {
    return catalog.findSection(sectionId)
      .compose(found -> found.map(Future::succeededFuture).orElseGet(ErrorCode.SECTION_NOT_FOUND::fail));
  }

  private RuntimeException refusal(Response reply, long termId) {
    ErrorCode code = ErrorCode.valueOf(reply.get(0).toString());
    refusals.count(termId, code.name());
    JsonObject details = new JsonObject();
    switch (code) {
      case WINDOW_CLOSED -> details
        .put("opensAt", Times.iso(Instant.ofEpochMilli(reply.get(1).toLong()), zone))
        .put("closesAt", Times.iso(Instant.ofEpochMilli(reply.get(2).toLong()), zone));
      case DROP_CLOSED -> details.put("dropClosesAt", Times.iso(Instant.ofEpochMilli(reply.get(1).toLong()), zone));
      case COURSE_ALREADY_TAKEN, TIME_CONFLICT -> details.put("sectionId", reply.get(1).toLong());
      case NOT_WAITLISTED -> details.put("enrolled", reply.size() > 1 && "HELD".equals(reply.get(1).toString()));
      default -> { }
    }
    return code.exception(details);
  }

  private static List<Long> ids(Response csv) {
    List<Long> ids = new ArrayList<>();
    if (csv == null) return ids;
    for (String id : csv.toString().split(",")) if (!id.isEmpty()) ids.add(Long.parseLong(id));
    return ids;
  }
}
