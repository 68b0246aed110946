package edu.xuanke.course;

import edu.xuanke.core.ErrorCode;
import edu.xuanke.core.Fields;
import edu.xuanke.core.RedisScript;
import edu.xuanke.core.Times;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.RedisAPI;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The rounds of a term (预选 PRESELECT, 正选 FIRST_COME, 补退选 ADD_DROP): when selecting and
 * dropping are open, and each round's options. A term without rounds is one first-come round,
 * its own selection window. The first-come and add/drop rounds reach the selection scripts as the
 * term hash's {@code rounds} field (layout in lua/lib.lua), written with the edit before it commits.
 */
public final class Rounds {

  public static final Set<String> KINDS = Set.of("PRESELECT", "FIRST_COME", "ADD_DROP");
  private static final RedisScript TERM_UPDATE = RedisScript.fromResources("lua/term_update.lua");
  /**
   * Run on the pooled connection, not the selection scripts' pipelined one: placing a whole term's
   * winners takes as long as the term is large (30,000 seats: about a second), far over the
   * selection scripts' timeout.
   */
  private static final RedisScript PLACE = RedisScript.fromResources("lua/lib.lua", "lua/place.lua");
  private static final String SELECT = "SELECT r.id, r.term_id, r.kind, r.opens_at, r.closes_at, r.drop_closes_at,"
    + " r.max_wishes, r.release_min_seconds, r.release_max_seconds, r.options, t.selection_opens_at,"
    + " t.selection_closes_at, t.drop_closes_at AS term_drop_closes_at"
    + " FROM selection_rounds r JOIN terms t ON t.id = r.term_id";
  private static final int MAX_DELAY_SECONDS = 7 * 24 * 3600;

  private final Vertx vertx;
  private final Pool mysql;
  private final RedisAPI redis;
  private final LiveState live;
  private final ZoneId zone;

  public Rounds(Vertx vertx, Pool mysql, LiveState live, ZoneId zone) {
    this.vertx = vertx;
    this.mysql = mysql;
    this.redis = live.redis();
    this.live = live;
    this.zone = zone;
  }

  /**
   * Gives each [studentId, sectionId] of {@code placements} its seat in one atomic step for the
   * term (lua/place.lua), once per {@code tag} (a repeat gets the first reply again, alreadyPlaced true):
   * {placed, alreadyPlaced, refused: [{studentId, sectionId, code}]}.
   */
  public Future<JsonObject> place(long termId, String tag, JsonArray placements) {
    Map<Long, Integer> rosterIndex = new LinkedHashMap<>();
    List<String> args = new ArrayList<>(1 + 3 * placements.size());
    args.add(tag);
    for (Object p : placements) {
      JsonArray pair = (JsonArray) p;
      long section = pair.getLong(1);
      // KEYS are 1-based in Lua; the term's common keys come first.
      int index = rosterIndex.computeIfAbsent(section, s -> TermKeys.COMMON_KEYS + 1 + rosterIndex.size());
      args.add(pair.getString(0));
      args.add(Long.toString(section));
      args.add(Integer.toString(index));
    }
    TermKeys keys = live.keys(termId);
    List<String> scriptKeys = new ArrayList<>(keys.scriptKeys(List.of()));
    rosterIndex.keySet().forEach(section -> scriptKeys.add(keys.roster(section)));
    String[] argv = args.toArray(String[]::new);
    return live.ensureLoaded(termId).compose(v -> PLACE.run(redis, scriptKeys, argv)).map(reply -> {
      if ("TERM_NOT_READY".equals(reply.get(0).toString())) throw ErrorCode.UNAVAILABLE.exception();
      // A repeat of the tag answers as the first time did, so a retried publication loses nothing.
      JsonArray refused = new JsonArray();
      for (int i = 2; i + 2 < reply.size(); i += 3) {
        refused.add(new JsonObject().put("studentId", reply.get(i).toString())
          .put("sectionId", reply.get(i + 1).toLong()).put("code", reply.get(i + 2).toString()));
      }
      return new JsonObject().put("alreadyPlaced", "ALREADY_PLACED".equals(reply.get(0).toString()))
        .put("placed", reply.get(1).toLong()).put("refused", refused);
    });
  }

  public Future<JsonArray> list(long termId) {
    return mysql.preparedQuery(SELECT + " WHERE r.term_id = ? ORDER BY r.opens_at, r.id").execute(Tuple.of(termId))
      .map(rows -> {
        JsonArray out = new JsonArray();
        rows.forEach(row -> out.add(json(row)));
        return out;
      });
  }

  public Future<JsonObject> get(long roundId) {
    return mysql.preparedQuery(SELECT + " WHERE r.id = ?").execute(Tuple.of(roundId))
      .compose(rows -> rows.size() == 0 ? ErrorCode.NOT_FOUND.fail() : Future.succeededFuture(json(rows.iterator().next())));
  }

  /** Creates (id 0) or changes a round; a change needs only the fields that change. */
  public Future<JsonObject> save(long id, JsonObject fields) {
    return mysql.withTransaction(conn -> current(conn, id)
        .compose(existing -> write(conn, id, existing.copy().mergeIn(fields), existing)))
      .recover(failure -> failure instanceof io.vertx.mysqlclient.MySQLException e && e.getErrorCode() == 1452
        ? Fields.<JsonObject>invalid("termId", "UNKNOWN")
        : Future.<JsonObject>failedFuture(failure))
      .onSuccess(saved -> vertx.eventBus().publish(CatalogService.CHANGED_ADDRESS,
        new JsonObject().put("termId", saved.getLong("termId"))));
  }

  private Future<JsonObject> current(SqlConnection conn, long id) {
    if (id == 0) return Future.succeededFuture(new JsonObject());
    return conn.preparedQuery(SELECT + " WHERE r.id = ? FOR UPDATE").execute(Tuple.of(id))
      .compose(rows -> rows.size() == 0 ? ErrorCode.NOT_FOUND.fail() : Future.succeededFuture(json(rows.iterator().next())));
  }

  private Future<JsonObject> write(SqlConnection conn, long id, JsonObject in, JsonObject before) {
    Fields f = new Fields(in);
    long termId = f.id("termId");
    if (id != 0 && termId != before.getLong("termId")) f.reject("termId", "CANNOT_MOVE", 0L);
    String kind = f.oneOf("kind", KINDS);
    OffsetDateTime opens = f.instant("opensAt");
    OffsetDateTime closes = f.instant("closesAt");
    OffsetDateTime dropCloses = in.getValue("dropClosesAt") == null ? null : f.instant("dropClosesAt");
    int maxWishes = in.getValue("maxWishes") == null ? 5 : f.integer("maxWishes", 1, 20);
    Integer releaseMin = in.getValue("releaseMinSeconds") == null ? null : f.integer("releaseMinSeconds", 0, MAX_DELAY_SECONDS);
    Integer releaseMax = in.getValue("releaseMaxSeconds") == null ? null : f.integer("releaseMaxSeconds", 1, MAX_DELAY_SECONDS);
    if (opens != null && closes != null) f.after("closesAt", closes.isAfter(opens));
    if (opens != null && dropCloses != null) f.after("dropClosesAt", dropCloses.isAfter(opens));
    if ((releaseMin == null) != (releaseMax == null)) f.reject("releaseMaxSeconds", "BOTH_OR_NEITHER", null);
    if (releaseMin != null && releaseMax != null && releaseMax < releaseMin) f.reject("releaseMaxSeconds", "BELOW_MIN", null);
    if (releaseMin != null && !"ADD_DROP".equals(kind)) f.reject("releaseMinSeconds", "ADD_DROP_ONLY", null);
    JsonObject options = options(f, in);
    Future<JsonObject> invalid = f.check();
    if (invalid != null) return invalid;
    return conn.preparedQuery("SELECT selection_opens_at, selection_closes_at, drop_closes_at FROM terms"
        + " WHERE id = ? AND retired = FALSE FOR UPDATE").execute(Tuple.of(termId))
      .compose(term -> {
        if (term.size() == 0) return Fields.invalid("termId", "UNKNOWN");
        // The term's window is the span in which it has live state: its rounds lie inside it.
        Row t = term.iterator().next();
        Instant termOpens = Times.fromUtc(t.getLocalDateTime("selection_opens_at"));
        Instant termEnds = latest(Times.fromUtc(t.getLocalDateTime("selection_closes_at")), Times.fromUtc(t.getLocalDateTime("drop_closes_at")));
        Fields span = new Fields(in);
        if (opens.toInstant().isBefore(termOpens)) span.reject("opensAt", "BEFORE_TERM", null);
        if (latest(closes.toInstant(), dropCloses == null ? null : dropCloses.toInstant()).isAfter(termEnds)) {
          span.reject("closesAt", "AFTER_TERM", null);
        }
        Future<JsonObject> outside = span.check();
        if (outside != null) return outside;
        Tuple values = Tuple.of(termId, kind, Times.toUtc(opens.toInstant()), Times.toUtc(closes.toInstant()),
          dropCloses == null ? null : Times.toUtc(dropCloses.toInstant()), maxWishes, releaseMin, releaseMax, options.encode());
        Future<Long> written = id == 0
          ? conn.preparedQuery("INSERT INTO selection_rounds (term_id, kind, opens_at, closes_at, drop_closes_at, max_wishes,"
              + " release_min_seconds, release_max_seconds, options) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)").execute(values)
            .map(rows -> (long) rows.property(io.vertx.mysqlclient.MySQLClient.LAST_INSERTED_ID))
          : conn.preparedQuery("UPDATE selection_rounds SET term_id = ?, kind = ?, opens_at = ?, closes_at = ?,"
              + " drop_closes_at = ?, max_wishes = ?, release_min_seconds = ?, release_max_seconds = ?, options = ?"
              + " WHERE id = ?").execute(values.addLong(id)).map(id);
        return written.compose(roundId -> overlapping(conn, termId)
          .compose(clash -> clash ? Fields.<Long>invalid("opensAt", "OVERLAPS_ANOTHER_ROUND") : Future.succeededFuture(roundId)))
          .compose(roundId -> windows(conn, termId)
            .compose(windows -> TERM_UPDATE.run(redis, List.of(new TermKeys(termId).term()), "rounds", windows))
            .compose(v -> conn.preparedQuery(SELECT + " WHERE r.id = ?").execute(Tuple.of(roundId)))
            .map(rows -> json(rows.iterator().next())));
      });
  }

  /**
   * PRESELECT options: {@code priorities} ({"<sectionId>" or "*": ["prefix:2022", "major:…"]}, a
   * student's group is the first rule they match; "*" for sections without their own) and
   * {@code minimumSizes} ({"<sectionId>" or "*": n}).
   */
  private static JsonObject options(Fields f, JsonObject in) {
    JsonObject options = new JsonObject();
    Object priorities = in.getValue("priorities");
    if (priorities != null) {
      if (!(priorities instanceof JsonObject rules) || !rules.stream().allMatch(e -> validKey(e.getKey())
        && e.getValue() instanceof JsonArray list && list.size() <= 10
        && list.stream().allMatch(r -> r instanceof String s && s.matches("(prefix|major):\\S{1,64}")))) {
        f.reject("priorities", "INVALID_FORMAT", null);
      } else {
        options.put("priorities", rules);
      }
    }
    Object sizes = in.getValue("minimumSizes");
    if (sizes != null) {
      if (!(sizes instanceof JsonObject mins) || !mins.stream().allMatch(e -> validKey(e.getKey())
        && e.getValue() instanceof Number n && n.intValue() == n.doubleValue() && n.intValue() >= 0 && n.intValue() <= 10_000)) {
        f.reject("minimumSizes", "INVALID_FORMAT", null);
      } else {
        options.put("minimumSizes", mins);
      }
    }
    return options;
  }

  private static boolean validKey(String key) {
    return key.equals("*") || key.matches("[1-9][0-9]{0,17}");
  }

  private static Future<Boolean> overlapping(SqlClient conn, long termId) {
    return conn.preparedQuery("SELECT COUNT(*) AS n FROM selection_rounds a JOIN selection_rounds b"
        + " ON a.term_id = b.term_id AND a.id < b.id AND a.opens_at < b.closes_at AND b.opens_at < a.closes_at"
        + " WHERE a.term_id = ?").execute(Tuple.of(termId))
      .map(rows -> rows.iterator().next().getLong("n") > 0);
  }

  /**
   * The term's rounds as the selection scripts read them (lua/lib.lua):
   * "opens:closes:dropCloses:releaseMinS:releaseMaxS;" each in epoch ms, in order; empty without
   * rounds. A pre-selection round is an empty window at its close: nothing is selected or dropped
   * first-come while it runs.
   */
  public static Future<String> windows(SqlClient sql, long termId) {
    return sql.preparedQuery("SELECT kind, opens_at, closes_at, drop_closes_at, release_min_seconds, release_max_seconds"
        + " FROM selection_rounds WHERE term_id = ? ORDER BY opens_at")
      .execute(Tuple.of(termId))
      .map(Rounds::windows);
  }

  private static String windows(RowSet<Row> rows) {
    StringBuilder out = new StringBuilder();
    for (Row row : rows) {
      long closes = Times.fromUtc(row.getLocalDateTime("closes_at")).toEpochMilli();
      if ("PRESELECT".equals(row.getString("kind"))) {
        out.append(closes).append(':').append(closes).append(':').append(closes).append(":0:0;");
        continue;
      }
      out.append(Times.fromUtc(row.getLocalDateTime("opens_at")).toEpochMilli()).append(':').append(closes).append(':')
        .append(row.getLocalDateTime("drop_closes_at") == null ? closes
          : Times.fromUtc(row.getLocalDateTime("drop_closes_at")).toEpochMilli())
        .append(':').append(row.getInteger("release_min_seconds") == null ? 0 : row.getInteger("release_min_seconds"))
        .append(':').append(row.getInteger("release_max_seconds") == null ? 0 : row.getInteger("release_max_seconds"))
        .append(';');
    }
    return out.toString();
  }

  private static Instant latest(Instant a, Instant b) {
    return b == null || a.isAfter(b) ? a : b;
  }

  private JsonObject json(Row row) {
    Instant now = Instant.now();
    Instant opens = Times.fromUtc(row.getLocalDateTime("opens_at"));
    Instant closes = Times.fromUtc(row.getLocalDateTime("closes_at"));
    JsonObject options;
    try {
      options = new JsonObject(row.getString("options"));
    } catch (DecodeException e) {
      options = new JsonObject();
    }
    JsonObject out = new JsonObject().put("id", row.getLong("id")).put("termId", row.getLong("term_id"))
      .put("kind", row.getString("kind"))
      .put("opensAt", Times.iso(opens, zone)).put("closesAt", Times.iso(closes, zone))
      .put("dropClosesAt", row.getLocalDateTime("drop_closes_at") == null ? null
        : Times.iso(Times.fromUtc(row.getLocalDateTime("drop_closes_at")), zone))
      .put("maxWishes", row.getInteger("max_wishes"))
      .put("releaseMinSeconds", row.getInteger("release_min_seconds"))
      .put("releaseMaxSeconds", row.getInteger("release_max_seconds"))
      .put("priorities", options.getJsonObject("priorities", new JsonObject()))
      .put("minimumSizes", options.getJsonObject("minimumSizes", new JsonObject()))
      .put("open", !now.isBefore(opens) && now.isBefore(closes))
      .put("closed", !now.isBefore(closes));
    return out;
  }
}
