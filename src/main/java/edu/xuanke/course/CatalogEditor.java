package edu.xuanke.course;

import edu.xuanke.core.ErrorCode;
import edu.xuanke.core.Fields;
import edu.xuanke.core.RedisScript;
import edu.xuanke.core.Times;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.RedisAPI;
import io.vertx.redis.client.Response;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;

import java.time.LocalDate;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.Function;

/**
 * The admin's edits of the catalog: terms, periods, course types and sections. Each edit is
 * written to MySQL in a transaction; while the term's live state is loaded, the same edit reaches
 * Redis through a script (lua/section_update.lua, section_retire.lua, term_update.lua) before the
 * transaction commits, so a refusal there (capacity below the roster, students in a retired
 * section) rolls MySQL back and changes nothing. Every edit is then announced on
 * {@link CatalogService#CHANGED_ADDRESS} so every instance's {@link Catalog} reloads.
 */
public final class CatalogEditor {

  private static final Set<String> NATURES = Set.of("MAJOR", "GENERAL");
  private static final RedisScript TERM_UPDATE = RedisScript.fromResources("lua/term_update.lua");

  private static final String TERM_SQL = "SELECT id, name, selection_opens_at, selection_closes_at, drop_closes_at,"
    + " max_sections_per_student, profile_required, retired FROM terms";
  private static final String PERIOD_SQL = "SELECT id, term_id, idx, starts_on, ends_on FROM periods";
  private static final String TYPE_SQL = "SELECT id, name, logo FROM course_types";
  private static final String SECTION_SQL = "SELECT id, term_id, period_id, type_id, course_code, course_title, teacher,"
    + " assistant, location, capacity, nature, weekday, TIME_FORMAT(start_time, '%H:%i') AS start_time,"
    + " TIME_FORMAT(end_time, '%H:%i') AS end_time, allowed_prefixes, retired FROM sections";
  /** The columns an admin writes, in the order of {@link #sectionValues}'s tuple. */
  private static final List<String> SECTION_COLUMNS = List.of("term_id", "period_id", "type_id", "course_code",
    "course_title", "teacher", "assistant", "location", "capacity", "nature", "weekday", "start_time", "end_time",
    "allowed_prefixes");
  private static final String SECTION_INSERT = "INSERT INTO sections (" + String.join(", ", SECTION_COLUMNS)
    + ") VALUES (" + String.join(", ", java.util.Collections.nCopies(SECTION_COLUMNS.size(), "?")) + ")";
  private static final String SECTION_UPDATE = "UPDATE sections SET " + String.join(" = ?, ", SECTION_COLUMNS)
    + " = ? WHERE id = ?";

  private final Vertx vertx;
  private final Pool mysql;
  private final RedisAPI redis;
  private final Scripts scripts;
  private final ZoneId zone;

  public CatalogEditor(Vertx vertx, Pool mysql, RedisAPI redis, Scripts scripts, ZoneId zone) {
    this.vertx = vertx;
    this.mysql = mysql;
    this.redis = redis;
    this.scripts = scripts;
    this.zone = zone;
  }

  /** Everything of a kind (periods and sections of one term when termId > 0), retired ones included. */
  public Future<JsonArray> list(CatalogKind kind, long termId) {
    String where = termId > 0 && kind.ofTerm() ? " WHERE term_id = ?" : "";
    Tuple args = where.isEmpty() ? Tuple.tuple() : Tuple.of(termId);
    return mysql.preparedQuery(select(kind) + where + " ORDER BY id").execute(args)
      .map(rows -> {
        JsonArray out = new JsonArray();
        rows.forEach(row -> out.add(json(kind, row)));
        return out;
      });
  }

  /** Creates ({@code id} 0) or changes a record; a change needs only the fields that change. */
  public Future<JsonObject> save(CatalogKind kind, long id, JsonObject fields) {
    EditBudget budget = new EditBudget();
    Future<JsonObject> saved = mysql.withTransaction(conn -> budget.bound(current(conn, kind, id)
        .compose(existing -> {
          JsonObject merged = existing.copy().mergeIn(fields);
          return switch (kind) {
            case TERMS -> saveTerm(conn, id, merged, budget);
            case PERIODS -> savePeriod(conn, id, merged, existing, budget);
            case COURSE_TYPES -> saveType(conn, id, merged);
            case SECTIONS -> saveSection(conn, id, merged, existing, budget);
          };
        })))
      .recover(CatalogEditor::storeFailure);
    return saved.compose(json -> announce(json.getLong("termId", kind == CatalogKind.TERMS ? json.getLong("id") : 0L))
      .map(json));
  }

  /** Retires a term or section (kept for the record), deletes an unused period or course type. */
  public Future<Void> retire(CatalogKind kind, long id) {
    EditBudget budget = new EditBudget();
    Future<Long> termId = mysql.withTransaction(conn -> budget.bound(current(conn, kind, id).compose(existing -> switch (kind) {
        case TERMS -> retireTerm(conn, id, existing);
        case SECTIONS -> retireSection(conn, id, existing, budget);
        case PERIODS, COURSE_TYPES -> conn.preparedQuery("DELETE FROM " + table(kind) + " WHERE id = ?").execute(Tuple.of(id))
          .map(existing.getLong("termId", 0L));
      })))
      .recover(CatalogEditor::storeFailure);
    return termId.compose(this::announce);
  }

  private Future<Void> announce(long termId) {
    vertx.eventBus().publish(CatalogService.CHANGED_ADDRESS, new JsonObject().put("termId", termId));
    return Future.succeededFuture();
  }

  /** The record as JSON, locked for the transaction; an empty object for a new one. */
  private Future<JsonObject> current(SqlConnection conn, CatalogKind kind, long id) {
    if (id == 0) return Future.succeededFuture(new JsonObject());
    return conn.preparedQuery(select(kind) + " WHERE id = ? FOR UPDATE").execute(Tuple.of(id))
      .compose(rows -> rows.size() == 0 ? ErrorCode.NOT_FOUND.fail() : Future.succeededFuture(json(kind, rows.iterator().next())));
  }

  private Future<JsonObject> saveTerm(SqlConnection conn, long id, JsonObject in, EditBudget budget) {
    Fields f = new Fields(in);
    String name = f.text("name", 100, true);
    OffsetDateTime opens = f.instant("selectionOpensAt");
    OffsetDateTime closes = f.instant("selectionClosesAt");
    OffsetDateTime dropCloses = f.instant("dropClosesAt");
    int max = f.integer("maxSectionsPerStudent", 1, 50);
    boolean profileRequired = in.containsKey("profileRequired") ? f.bool("profileRequired") : true;
    if (opens != null && closes != null) f.after("selectionClosesAt", closes.isAfter(opens));
    if (opens != null && dropCloses != null) f.after("dropClosesAt", dropCloses.isAfter(opens));
    Future<JsonObject> invalid = f.check();
    if (invalid != null) return invalid;
    Tuple values = Tuple.of(name, Times.toUtc(opens.toInstant()), Times.toUtc(closes.toInstant()),
      Times.toUtc(dropCloses.toInstant()), max, profileRequired);
    Future<Long> written = id == 0
      ? conn.preparedQuery("INSERT INTO terms (name, selection_opens_at, selection_closes_at, drop_closes_at,"
          + " max_sections_per_student, profile_required) VALUES (?, ?, ?, ?, ?, ?)").execute(values).map(CatalogEditor::newId)
      : conn.preparedQuery("UPDATE terms SET name = ?, selection_opens_at = ?, selection_closes_at = ?, drop_closes_at = ?,"
          + " max_sections_per_student = ?, profile_required = ? WHERE id = ?").execute(values.addLong(id)).map(id);
    return written.compose(termId -> budget.beforeRedis().compose(sent -> TERM_UPDATE.run(redis, List.of(new TermKeys(termId).term()),
          "opens", Long.toString(opens.toInstant().toEpochMilli()),
          "closes", Long.toString(closes.toInstant().toEpochMilli()),
          "dropCloses", Long.toString(dropCloses.toInstant().toEpochMilli()),
          "max", Integer.toString(max), "profileRequired", profileRequired ? "1" : "0"))
        .compose(v -> reread(conn, CatalogKind.TERMS, termId)));
  }

  private Future<JsonObject> savePeriod(SqlConnection conn, long id, JsonObject in, JsonObject before,
                                        EditBudget budget) {
    Fields f = new Fields(in);
    long termId = f.id("termId");
    int index = f.integer("index", 1, 100);
    LocalDate startsOn = f.date("startsOn");
    LocalDate endsOn = f.date("endsOn");
    if (startsOn != null && endsOn != null) f.after("endsOn", !endsOn.isBefore(startsOn));
    // Its sections would be left in the old term.
    if (id != 0 && termId != before.getLong("termId")) f.reject("termId", "CANNOT_CHANGE", null);
    Future<JsonObject> invalid = f.check();
    if (invalid != null) return invalid;
    boolean redated = id != 0 && (!startsOn.toString().equals(before.getString("startsOn"))
      || !endsOn.toString().equals(before.getString("endsOn")));
    Future<Long> holders = redated ? holdersInMysql(conn, "s.period_id = ?", id) : Future.succeededFuture(0L);
    Tuple values = Tuple.of(termId, index, startsOn, endsOn);
    Future<Long> written = holders.compose(n -> {
      if (n > 0) return ErrorCode.HAS_STUDENTS.fail();
      return id == 0
        ? conn.preparedQuery("INSERT INTO periods (term_id, idx, starts_on, ends_on) VALUES (?, ?, ?, ?)").execute(values)
          .map(CatalogEditor::newId)
        : conn.preparedQuery("UPDATE periods SET idx = ?, starts_on = ?, ends_on = ? WHERE id = ?")
          .execute(Tuple.of(index, startsOn, endsOn, id)).map(id);
    });
    // The sections of a changed period carry its dates in their live copy: write them again.
    return written.compose(periodId -> conn.preparedQuery(SECTION_SQL + " WHERE period_id = ? AND retired = FALSE")
        .execute(Tuple.of(periodId))
        .compose(sections -> (redated ? refuseLiveHolders(sections) : Future.<Void>succeededFuture()).map(sections))
        .compose(sections -> {
          Future<Void> chain = Future.succeededFuture();
          for (Row row : sections) {
            JsonObject section = json(CatalogKind.SECTIONS, row);
            chain = chain.compose(v -> writeLiveSection(conn, section, budget).mapEmpty());
          }
          return chain.compose(v -> reread(conn, CatalogKind.PERIODS, periodId));
        }));
  }

  /**
   * Refuses when anyone holds or waits for one of these sections in the live state (ahead of
   * MySQL), before any of them is rewritten: the script's own check is per section, and a refusal
   * after an earlier section was rewritten would leave that one changed in Redis only.
   */
  private Future<Void> refuseLiveHolders(RowSet<Row> sections) {
    List<Future<Response>> counts = new ArrayList<>();
    for (Row row : sections) {
      TermKeys keys = new TermKeys(row.getLong("term_id"));
      counts.add(redis.scard(keys.roster(row.getLong("id"))));
      counts.add(redis.zcard(keys.waitlist(row.getLong("id"))));
    }
    return Future.all(counts).compose(all -> {
      for (int i = 0; i < all.size(); i++) {
        if (all.<Response>resultAt(i).toLong() > 0) return ErrorCode.HAS_STUDENTS.fail();
      }
      return Future.succeededFuture();
    });
  }

  private Future<JsonObject> saveType(SqlConnection conn, long id, JsonObject in) {
    Fields f = new Fields(in);
    String name = f.text("name", 100, true);
    String logo = f.text("logo", 255, false);
    Future<JsonObject> invalid = f.check();
    if (invalid != null) return invalid;
    Tuple values = Tuple.of(name, logo.isEmpty() ? null : logo);
    Future<Long> written = id == 0
      ? conn.preparedQuery("INSERT INTO course_types (name, logo) VALUES (?, ?)").execute(values).map(CatalogEditor::newId)
      : conn.preparedQuery("UPDATE course_types SET name = ?, logo = ? WHERE id = ?").execute(values.addLong(id)).map(id);
    return written.compose(typeId -> reread(conn, CatalogKind.COURSE_TYPES, typeId));
  }

  private Future<JsonObject> saveSection(SqlConnection conn, long id, JsonObject in, JsonObject before,
                                         EditBudget budget) {
    // A retired section is kept for the record only; writing it live again would reopen it.
    if (before.getBoolean("retired", false)) return ErrorCode.SECTION_RETIRED.fail();
    Fields f = new Fields(in);
    long termId = f.id("termId");
    long periodId = f.id("periodId");
    long typeId = f.id("typeId");
    String code = f.matching("courseCode", SectionMeta.COURSE_CODE, 32, true);
    String title = f.text("courseTitle", 200, true);
    String teacher = f.text("teacher", 100, false);
    String assistant = f.text("assistant", 100, false);
    String location = f.text("location", 200, false);
    int capacity = f.integer("capacity", 0, 100_000);
    String nature = in.containsKey("nature") ? f.oneOf("nature", NATURES) : "GENERAL";
    int weekday = f.integer("weekday", 1, 7);
    LocalTime start = f.time("startTime");
    LocalTime end = f.time("endTime");
    String prefixes = f.matching("allowedPrefixes", SectionMeta.PREFIXES, 255, false).replaceAll(" +", " ");
    if (start != null && end != null) f.after("endTime", end.isAfter(start));
    if (id != 0 && termId != before.getLong("termId")) f.reject("termId", "CANNOT_CHANGE", null);
    Future<JsonObject> invalid = f.check();
    if (invalid != null) return invalid;
    boolean rescheduled = id != 0 && (periodId != before.getLong("periodId") || weekday != before.getInteger("weekday")
      || !start.equals(LocalTime.parse(before.getString("startTime"))) || !end.equals(LocalTime.parse(before.getString("endTime")))
      || !code.equals(before.getString("courseCode")));
    Future<Long> holders = rescheduled ? holdersInMysql(conn, "s.id = ?", id) : Future.succeededFuture(0L);
    return holders.compose(n -> n > 0 ? ErrorCode.HAS_STUDENTS.<RowSet<Row>>fail()
        : conn.preparedQuery("SELECT term_id FROM periods WHERE id = ?").execute(Tuple.of(periodId)))
      .compose(period -> {
        if (period.size() == 0 || period.iterator().next().getLong("term_id") != termId) {
          return Fields.<Long>invalid("periodId", "NOT_IN_TERM");
        }
        Tuple values = Tuple.of(termId, periodId, typeId, code, title, teacher).addString(assistant).addString(location)
          .addInteger(capacity).addString(nature).addInteger(weekday).addValue(start).addValue(end).addString(prefixes);
        return id == 0
          ? conn.preparedQuery(SECTION_INSERT).execute(values).map(CatalogEditor::newId)
          : conn.preparedQuery(SECTION_UPDATE).execute(values.addLong(id)).map(id);
      })
      .compose(sectionId -> reread(conn, CatalogKind.SECTIONS, sectionId))
      .compose(saved -> enrolledInMysql(conn, saved.getLong("id")).compose(enrolled -> enrolled > capacity
          ? ErrorCode.CAPACITY_BELOW_ROSTER.<JsonArray>fail(new JsonObject().put("enrolled", enrolled))
          : writeLiveSection(conn, saved, budget))
        .map(promoted -> saved.put("promoted", promoted)));
  }

  /**
   * Writes a section into its term's live state, when loaded; new seats go to the waitlist in
   * the same step. Returns the promoted students.
   */
  private Future<JsonArray> writeLiveSection(SqlConnection conn, JsonObject section, EditBudget budget) {
    long sectionId = section.getLong("id");
    TermKeys keys = new TermKeys(section.getLong("termId"));
    return conn.preparedQuery("SELECT starts_on, ends_on FROM periods WHERE id = ?")
      .execute(Tuple.of(section.getLong("periodId")))
      .compose(periods -> {
        Row period = periods.iterator().next();
        SectionMeta meta = new SectionMeta(section.getInteger("capacity"), section.getString("courseCode"),
          section.getInteger("weekday"), LocalTime.parse(section.getString("startTime")),
          LocalTime.parse(section.getString("endTime")), period.getLocalDate("starts_on"), period.getLocalDate("ends_on"),
          section.getString("allowedPrefixes"));
        return budget.beforeRedis().compose(sent ->
          scripts.run(Scripts.Script.SECTION_UPDATE, keys.scriptKeys(sectionId), Long.toString(sectionId), meta.encode()));
      })
      .compose(reply -> switch (reply.get(0).toString()) {
        case "BELOW_ROSTER" -> ErrorCode.CAPACITY_BELOW_ROSTER.fail(new JsonObject().put("enrolled", reply.get(1).toLong()));
        case "HAS_STUDENTS" -> ErrorCode.HAS_STUDENTS.fail(new JsonObject().put("enrolled", reply.get(1).toLong())
          .put("waiting", reply.get(2).toLong()));
        case "UPDATED" -> {
          JsonArray promoted = new JsonArray();
          for (int i = 2; i < reply.size(); i++) promoted.add(reply.get(i).toString());
          yield Future.succeededFuture(promoted);
        }
        default -> Future.succeededFuture(new JsonArray());
      });
  }

  private Future<Long> retireTerm(SqlConnection conn, long id, JsonObject existing) {
    OffsetDateTime opens = OffsetDateTime.parse(existing.getString("selectionOpensAt"));
    OffsetDateTime dropCloses = OffsetDateTime.parse(existing.getString("dropClosesAt"));
    OffsetDateTime now = OffsetDateTime.now();
    if (!now.isBefore(opens) && now.isBefore(dropCloses)) return ErrorCode.TERM_LIVE.fail();
    return conn.preparedQuery("UPDATE terms SET retired = TRUE WHERE id = ?").execute(Tuple.of(id)).map(id);
  }

  private Future<Long> retireSection(SqlConnection conn, long id, JsonObject existing, EditBudget budget) {
    long termId = existing.getLong("termId");
    return conn.preparedQuery("SELECT (SELECT COUNT(*) FROM enrollments WHERE section_id = ? AND state = 'ENROLLED')"
        + " + (SELECT COUNT(*) FROM waitlist_entries WHERE section_id = ? AND state = 'WAITING') AS n")
      .execute(Tuple.of(id, id))
      .compose(rows -> rows.iterator().next().getLong("n") > 0 ? ErrorCode.HAS_STUDENTS.<Response>fail()
        : budget.beforeRedis().compose(sent ->
          scripts.run(Scripts.Script.SECTION_RETIRE, new TermKeys(termId).scriptKeys(id), Long.toString(id))))
      .compose(reply -> "HAS_STUDENTS".equals(reply.get(0).toString()) ? ErrorCode.HAS_STUDENTS.<Long>fail()
        : conn.preparedQuery("UPDATE sections SET retired = TRUE WHERE id = ?").execute(Tuple.of(id)).map(termId));
  }

  /**
   * Students holding or waiting for the sections matched by {@code where} (on sections s), in terms
   * whose drop deadline has not passed; a term's live copy in Redis may be ahead of MySQL, so the
   * section script checks again atomically.
   */
  private static Future<Long> holdersInMysql(SqlConnection conn, String where, long id) {
    return conn.preparedQuery("SELECT (SELECT COUNT(*) FROM enrollments e JOIN sections s ON s.id = e.section_id"
        + " JOIN terms t ON t.id = s.term_id WHERE " + where + " AND e.state = 'ENROLLED' AND t.drop_closes_at > UTC_TIMESTAMP())"
        + " + (SELECT COUNT(*) FROM waitlist_entries w JOIN sections s ON s.id = w.section_id"
        + " JOIN terms t ON t.id = s.term_id WHERE " + where + " AND w.state = 'WAITING' AND t.drop_closes_at > UTC_TIMESTAMP()) AS n")
      .execute(Tuple.of(id, id)).map(rows -> rows.iterator().next().getLong("n"));
  }

  private static Future<Long> enrolledInMysql(SqlConnection conn, long sectionId) {
    return conn.preparedQuery("SELECT COUNT(*) AS n FROM enrollments WHERE section_id = ? AND state = 'ENROLLED'")
      .execute(Tuple.of(sectionId)).map(rows -> rows.iterator().next().getLong("n"));
  }

  private Future<JsonObject> reread(SqlConnection conn, CatalogKind kind, long id) {
    return conn.preparedQuery(select(kind) + " WHERE id = ?").execute(Tuple.of(id))
      .map(rows -> json(kind, rows.iterator().next()));
  }

  private static String select(CatalogKind kind) {
    return switch (kind) {
      case TERMS -> TERM_SQL;
      case PERIODS -> PERIOD_SQL;
      case COURSE_TYPES -> TYPE_SQL;
      case SECTIONS -> SECTION_SQL;
    };
  }

  private static String table(CatalogKind kind) {
    return switch (kind) {
      case TERMS -> "terms";
      case PERIODS -> "periods";
      case COURSE_TYPES -> "course_types";
      case SECTIONS -> "sections";
    };
  }

  private JsonObject json(CatalogKind kind, Row row) {
    Function<String, String> instant = column -> Times.iso(Times.fromUtc(row.getLocalDateTime(column)), zone);
    return switch (kind) {
      case TERMS -> new JsonObject().put("id", row.getLong("id")).put("name", row.getString("name"))
        .put("selectionOpensAt", instant.apply("selection_opens_at"))
        .put("selectionClosesAt", instant.apply("selection_closes_at"))
        .put("dropClosesAt", instant.apply("drop_closes_at"))
        .put("maxSectionsPerStudent", row.getInteger("max_sections_per_student"))
        .put("profileRequired", row.getBoolean("profile_required")).put("retired", row.getBoolean("retired"));
      case PERIODS -> new JsonObject().put("id", row.getLong("id")).put("termId", row.getLong("term_id"))
        .put("index", row.getInteger("idx")).put("startsOn", row.getLocalDate("starts_on").toString())
        .put("endsOn", row.getLocalDate("ends_on").toString());
      case COURSE_TYPES -> new JsonObject().put("id", row.getLong("id")).put("name", row.getString("name"))
        .put("logo", row.getString("logo") == null ? "" : row.getString("logo"));
      case SECTIONS -> new JsonObject().put("id", row.getLong("id")).put("termId", row.getLong("term_id"))
        .put("periodId", row.getLong("period_id")).put("typeId", row.getLong("type_id"))
        .put("courseCode", row.getString("course_code")).put("courseTitle", row.getString("course_title"))
        .put("teacher", row.getString("teacher")).put("assistant", row.getString("assistant"))
        .put("location", row.getString("location")).put("capacity", row.getInteger("capacity"))
        .put("nature", row.getString("nature")).put("weekday", row.getInteger("weekday"))
        .put("startTime", row.getString("start_time")).put("endTime", row.getString("end_time"))
        .put("allowedPrefixes", row.getString("allowed_prefixes")).put("retired", row.getBoolean("retired"));
    };
  }

  private static long newId(RowSet<Row> inserted) {
    return inserted.property(io.vertx.mysqlclient.MySQLClient.LAST_INSERTED_ID);
  }

  /** A foreign key or unique key refusing the write is the admin's mistake, not ours. */
  private static <T> Future<T> storeFailure(Throwable failure) {
    if (failure instanceof io.vertx.mysqlclient.MySQLException e) {
      int code = e.getErrorCode();
      if (code == 1451) return ErrorCode.IN_USE.fail();
      if (code == 1452) return Fields.invalid("reference", "UNKNOWN");
      if (code == 1062) return Fields.invalid("name", "DUPLICATE");
    }
    return Future.failedFuture(failure);
  }
}
