package edu.xuanke.round.impl;

import edu.xuanke.auth.AuthService;
import edu.xuanke.core.ErrorCode;
import edu.xuanke.core.Fields;
import edu.xuanke.core.Jobs;
import edu.xuanke.course.CatalogKind;
import edu.xuanke.course.CatalogService;
import edu.xuanke.course.SelectionService;
import edu.xuanke.mail.MailService;
import edu.xuanke.round.Lottery;
import edu.xuanke.round.Outcomes;
import edu.xuanke.round.ResultsExport;
import edu.xuanke.round.RoundService;
import io.vertx.core.Future;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.LocalTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;

public final class RoundServiceImpl implements RoundService {

  private static final Logger log = LoggerFactory.getLogger(RoundServiceImpl.class);
  /** A plan's length when the term has no pre-selection round to say otherwise. */
  private static final int PLAN_LIMIT = 20;
  /** Pages small enough that decoding one never holds an event loop long, even on a busy machine. */
  private static final int READ_PAGE = 5_000;
  /** Students per multi-row INSERT: 3 parameters each, far under the protocol's 65,535. */
  private static final int WRITE_STUDENTS = 5_000;
  private static final int MAILS_AT_ONCE = 50;
  private static final int STUDENT_PAGE = 2_000;

  private final Pool mysql;
  private final Jobs jobs;
  private final WorkerExecutor workers;
  private final CatalogService catalog;
  private final AuthService auth;
  private final SelectionService selection;
  private final MailService mail;

  public RoundServiceImpl(Pool mysql, Jobs jobs, WorkerExecutor workers, CatalogService catalog,
                          AuthService auth, SelectionService selection, MailService mail) {
    this.mysql = mysql;
    this.jobs = jobs;
    this.workers = workers;
    this.catalog = catalog;
    this.auth = auth;
    this.selection = selection;
    this.mail = mail;
  }

  /** What wish checks need of a term: its settings, its PRESELECT round (or null) and its sections by id. */
  private record TermContext(JsonObject term, JsonObject preselect, boolean published, Map<Long, JsonObject> sections) {

    int maxWishes() {
      return preselect == null ? PLAN_LIMIT : preselect.getInteger("maxWishes");
    }

    /** Wishes are the lottery's input from the round's close until its results are published. */
    boolean frozen() {
      return preselect != null && preselect.getBoolean("closed") && !published;
    }
  }

  private Future<TermContext> context(long termId) {
    Future<JsonObject> term = catalog.term(termId);
    Future<JsonArray> rounds = catalog.rounds(termId);
    Future<JsonArray> sections = catalog.sections(termId, 0, 0);
    Future<JsonArray> records = catalog.records(CatalogKind.SECTIONS, termId);
    return Future.all(term, rounds, sections, records).compose(all -> {
      JsonObject preselect = rounds.result().stream().map(JsonObject.class::cast)
        .filter(r -> "PRESELECT".equals(r.getString("kind"))).reduce((a, b) -> b).orElse(null);
      Map<Long, String> prefixes = new HashMap<>();
      records.result().forEach(r -> prefixes.put(((JsonObject) r).getLong("id"), ((JsonObject) r).getString("allowedPrefixes")));
      Map<Long, JsonObject> byId = new LinkedHashMap<>();
      sections.result().forEach(s -> {
        JsonObject section = ((JsonObject) s).copy();
        byId.put(section.getLong("id"), section.put("allowedPrefixes", prefixes.getOrDefault(section.getLong("id"), "")));
      });
      Future<Boolean> published = preselect == null ? Future.succeededFuture(false) : lotteryRun(preselect.getLong("id"))
        .map(run -> run != null && run.getValue("published_at") != null);
      return published.map(p -> new TermContext(term.result(), preselect, p, byId));
    });
  }

  private Future<Row> lotteryRun(long roundId) {
    return mysql.preparedQuery("SELECT term_id, seed, version, inputs_digest, students, wishes, cancelled, drawn_at,"
        + " publish_started_at, published_at, mailed_at FROM lottery_runs WHERE round_id = ?").execute(Tuple.of(roundId))
      .map(rows -> rows.size() == 0 ? null : rows.iterator().next());
  }

  @Override
  public Future<JsonObject> saveWishes(String studentId, long termId, JsonArray sectionIds) {
    List<Long> ids = new ArrayList<>();
    for (Object id : sectionIds) {
      if (!(id instanceof Number n) || n.doubleValue() != n.longValue() || n.longValue() <= 0) return invalid("NOT_AN_ID");
      if (ids.contains(n.longValue())) return invalid("DUPLICATE");
      ids.add(n.longValue());
    }
    return context(termId).compose(ctx -> {
      if (ctx.frozen() || ctx.term().getBoolean("over")) {
        JsonObject window = ctx.preselect() != null ? ctx.preselect() : new JsonObject()
          .put("opensAt", ctx.term().getString("selectionOpensAt")).put("closesAt", ctx.term().getString("selectionClosesAt"));
        return ErrorCode.WINDOW_CLOSED.<JsonObject>fail(new JsonObject().put("opensAt", window.getString("opensAt"))
          .put("closesAt", window.getString("closesAt")));
      }
      if (ids.size() > ctx.maxWishes()) return invalid("TOO_MANY");
      return auth.profile(studentId).compose(profile -> {
        if (profile.getLong("termId", 0L) != termId) return ErrorCode.NOT_IN_TERM.fail();
        if (ctx.term().getBoolean("profileRequired") && !profile.getBoolean("profileComplete")) {
          return ErrorCode.PROFILE_INCOMPLETE.fail();
        }
        Map<String, Long> courses = new HashMap<>();
        for (long id : ids) {
          JsonObject section = ctx.sections().get(id);
          JsonObject at = new JsonObject().put("sectionId", id);
          if (section == null) return ErrorCode.SECTION_NOT_FOUND.fail(at);
          if (!admits(section.getString("allowedPrefixes"), studentId)) return ErrorCode.RESTRICTED.fail(at);
          Long other = courses.putIfAbsent(section.getString("courseCode"), id);
          if (other != null) return ErrorCode.COURSE_ALREADY_TAKEN.fail(new JsonObject().put("sectionId", other));
        }
        return writePlan(studentId, termId, ids);
      });
    });
  }

  private static <T> Future<T> invalid(String reason) {
    return Fields.invalid("sectionIds", reason);
  }

  private static boolean admits(String prefixes, String studentId) {
    if (prefixes == null || prefixes.isBlank()) return true;
    for (String prefix : prefixes.trim().split("\\s+")) if (studentId.startsWith(prefix)) return true;
    return false;
  }

  private Future<JsonObject> writePlan(String studentId, long termId, List<Long> ids) {
    List<Tuple> rows = new ArrayList<>();
    for (int i = 0; i < ids.size(); i++) rows.add(Tuple.of(termId, studentId, i + 1, ids.get(i)));
    return mysql.withTransaction(conn -> conn.preparedQuery("DELETE FROM plan_entries WHERE term_id = ? AND student_id = ?")
        .execute(Tuple.of(termId, studentId))
        .compose(deleted -> rows.isEmpty() ? Future.succeededFuture()
          : conn.preparedQuery("INSERT INTO plan_entries (term_id, student_id, rank_no, section_id) VALUES (?, ?, ?, ?)")
            .executeBatch(rows)))
      .map(done -> {
        JsonArray wishes = new JsonArray();
        for (int i = 0; i < ids.size(); i++) wishes.add(new JsonObject().put("sectionId", ids.get(i)).put("rank", i + 1));
        return new JsonObject().put("termId", termId).put("wishes", wishes);
      });
  }

  private Future<List<Long>> plan(String studentId, long termId) {
    return mysql.preparedQuery("SELECT section_id FROM plan_entries WHERE term_id = ? AND student_id = ? ORDER BY rank_no")
      .execute(Tuple.of(termId, studentId))
      .map(rows -> {
        List<Long> ids = new ArrayList<>();
        rows.forEach(row -> ids.add(row.getLong("section_id")));
        return ids;
      });
  }

  @Override
  public Future<JsonObject> wishes(String studentId, long termId) {
    return Future.all(context(termId), plan(studentId, termId)).compose(both -> {
      TermContext ctx = both.resultAt(0);
      List<Long> ids = both.resultAt(1);
      Future<Map<Long, Long>> demand = demand(termId, ids);
      Future<Map<Long, JsonObject>> outcomes = ctx.published()
        ? outcomes(ctx.preselect().getLong("id"), studentId) : Future.succeededFuture(Map.of());
      return Future.all(demand, outcomes).map(found -> {
        JsonArray wishes = new JsonArray();
        for (int i = 0; i < ids.size(); i++) {
          long id = ids.get(i);
          JsonObject section = ctx.sections().get(id);
          JsonObject wish = new JsonObject().put("sectionId", id).put("rank", i + 1)
            .put("demand", demand.result().getOrDefault(id, 0L));
          if (section != null) {
            wish.put("capacity", section.getInteger("capacity")).put("seatsLeft", section.getValue("seatsLeft"))
              .put("courseTitle", section.getString("courseTitle")).put("courseCode", section.getString("courseCode"))
              .put("teacher", section.getString("teacher")).put("weekday", section.getInteger("weekday"))
              .put("startTime", section.getString("startTime")).put("endTime", section.getString("endTime"))
              .put("location", section.getString("location"))
              .put("conflictsWith", conflicts(ctx, id, ids));
          }
          JsonObject outcome = outcomes.result().get(id);
          if (outcome != null) wish.mergeIn(outcome);
          wishes.add(wish);
        }
        return new JsonObject().put("termId", termId).put("round", ctx.preselect()).put("maxWishes", ctx.maxWishes())
          .put("frozen", ctx.frozen()).put("published", ctx.published()).put("wishes", wishes);
      });
    });
  }

  /** Other wishes overlapping this one in time: allowed, the lottery never gives both. */
  private static JsonArray conflicts(TermContext ctx, long id, List<Long> ids) {
    JsonArray out = new JsonArray();
    Lottery.Section a = lotterySection(ctx.sections().get(id), List.of(), 0);
    for (long other : ids) {
      JsonObject section = ctx.sections().get(other);
      if (other != id && section != null && a.overlaps(lotterySection(section, List.of(), 0))) out.add(other);
    }
    return out;
  }

  private Future<Map<Long, Long>> demand(long termId, List<Long> ids) {
    if (ids.isEmpty()) return Future.succeededFuture(Map.of());
    String marks = String.join(",", java.util.Collections.nCopies(ids.size(), "?"));
    Tuple args = Tuple.of(termId);
    ids.forEach(args::addLong);
    return mysql.preparedQuery("SELECT section_id, COUNT(*) AS n FROM plan_entries WHERE term_id = ? AND section_id IN ("
        + marks + ") GROUP BY section_id").execute(args)
      .map(rows -> {
        Map<Long, Long> out = new HashMap<>();
        rows.forEach(row -> out.put(row.getLong("section_id"), row.getLong("n")));
        return out;
      });
  }

  private Future<Map<Long, JsonObject>> outcomes(long roundId, String studentId) {
    return mysql.preparedQuery("SELECT outcomes FROM lottery_outcomes WHERE round_id = ? AND student_id = ?")
      .execute(Tuple.of(roundId, studentId))
      .map(rows -> {
        Map<Long, JsonObject> out = new HashMap<>();
        for (Row row : rows) {
          for (Lottery.Outcome o : Outcomes.decode(studentId, row.getString("outcomes"))) {
            out.put(o.sectionId(), new JsonObject().put("outcome", o.outcome()).put("drawNumber", o.drawNumber())
              .put("applicants", o.applicants()).put("priority", o.priority()));
          }
        }
        return out;
      });
  }

  @Override
  public Future<JsonObject> enrollPlan(String studentId, String sessionId, long termId) {
    return plan(studentId, termId).compose(ids -> ids.isEmpty() ? invalid("EMPTY")
      : selection.selectAll(studentId, sessionId, termId, new JsonArray(new ArrayList<>(ids))));
  }

  private static String lock(long roundId) {
    return "xk:round:lock:" + roundId;
  }

  @Override
  public Future<JsonObject> startLottery(long roundId, long seed) {
    String jobId = JOB_PREFIX + "lottery-" + UUID.randomUUID();
    return preselect(roundId).compose(round -> {
      if (!round.getBoolean("closed")) return ErrorCode.ROUND_NOT_CLOSED.<JsonObject>fail(
        new JsonObject().put("closesAt", round.getString("closesAt")));
      return lotteryRun(roundId).compose(run -> {
        // Once publication has started the results are being placed: they are final.
        if (run != null && run.getValue("publish_started_at") != null) return ErrorCode.ALREADY_PUBLISHED.<JsonObject>fail();
        return jobs.start(jobId, "LOTTERY", lock(roundId), "roundId", Long.toString(roundId), "seed", Long.toString(seed))
          .compose(started -> {
            if (!started) return ErrorCode.LOTTERY_RUNNING.<JsonObject>fail();
            runLottery(jobId, round, seed).recover(failure -> failed(jobId, failure));
            return Future.succeededFuture(new JsonObject().put("jobId", jobId));
          });
      });
    });
  }

  private Future<Void> failed(String jobId, Throwable failure) {
    log.warn("round job {} failed", jobId, failure);
    ErrorCode code = ErrorCode.of(failure);
    return jobs.fail(jobId, "error", code == null ? ErrorCode.INTERNAL.name() : code.name());
  }

  private Future<JsonObject> preselect(long roundId) {
    return catalog.round(roundId).compose(round -> "PRESELECT".equals(round.getString("kind"))
      ? Future.succeededFuture(round) : ErrorCode.WRONG_ROUND_KIND.fail(new JsonObject().put("kind", round.getString("kind"))));
  }

  /**
   * Reads the inputs a page at a time, draws on a worker thread (never an event loop), then writes
   * the results in one transaction. Progress: wishes read, then wishes written.
   */
  private Future<Void> runLottery(String jobId, JsonObject round, long seed) {
    long roundId = round.getLong("id");
    long termId = round.getLong("termId");
    Future<TermContext> context = context(termId);
    Future<JsonObject> majors = auth.cohortMajors(termId);
    Future<Long> count = mysql.preparedQuery("SELECT COUNT(*) AS n FROM plan_entries WHERE term_id = ?")
      .execute(Tuple.of(termId)).map(rows -> rows.iterator().next().getLong("n"));
    long[] phases = new long[4];
    phases[0] = System.nanoTime();
    return Future.all(context, majors, count)
      .compose(all -> jobs.total(jobId, 2 * count.result()))
      .compose(v -> readWishes(jobId, termId, new LinkedHashMap<>(), ""))
      .compose(wishes -> {
        phases[1] = System.nanoTime();
        JsonObject priorities = round.getJsonObject("priorities");
        JsonObject minimums = round.getJsonObject("minimumSizes");
        Map<String, String> cohort = new HashMap<>();
        majors.result().forEach(e -> cohort.put(e.getKey(), e.getValue() == null ? "" : e.getValue().toString()));
        int max = context.result().term().getInteger("maxSectionsPerStudent");
        long[] drawCpu = new long[1];
        return workers.executeBlocking(() -> {
            long cpu = ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime();
            List<Lottery.Section> sections = new ArrayList<>();
            for (JsonObject s : context.result().sections().values()) {
              String key = Long.toString(s.getLong("id"));
              JsonArray rules = priorities.getJsonArray(key, priorities.getJsonArray("*", new JsonArray()));
              Integer minimum = minimums.getInteger(key, minimums.getInteger("*", 0));
              sections.add(lotterySection(s, rules.stream().map(Object::toString).toList(), minimum));
            }
            List<Lottery.Applicant> applicants = new ArrayList<>();
            wishes.forEach((student, list) -> {
              // Wishes of students who have left the term's cohort since are not drawn.
              String major = cohort.get(student);
              if (major != null) applicants.add(new Lottery.Applicant(student, major, list.stream().mapToLong(Long::longValue).toArray()));
            });
            Lottery.Result result = Lottery.draw(seed, max, sections, applicants);
            List<Statement> inserts = resultInserts(roundId, result.outcomes());
            drawCpu[0] = ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime() - cpu;
            return new Drawn(result, applicants.size(), inserts);
          }, false)
          .compose(drawn -> {
            phases[2] = System.nanoTime();
            return jobs.total(jobId, count.result() + drawn.result().outcomes().size())
              .compose(v -> writeResults(jobId, roundId, termId, seed, drawn))
              .map(summary -> summary.put("drawCpuMs", drawCpu[0] / 1_000_000));
          });
      })
      .compose(summary -> {
        phases[3] = System.nanoTime();
        summary.put("readMs", (phases[1] - phases[0]) / 1_000_000).put("drawMs", (phases[2] - phases[1]) / 1_000_000)
          .put("writeMs", (phases[3] - phases[2]) / 1_000_000);
        log.info("lottery of round {}: {}", roundId, summary);
        return jobs.finish(jobId, "summary", summary.encode());
      });
  }

  /** A drawn lottery with its result rows already made into INSERT statements (on the worker). */
  private record Drawn(Lottery.Result result, int students, List<Statement> inserts) {
  }

  /** One multi-row INSERT: its text, parameters and the wishes it carries. */
  private record Statement(String sql, Tuple args, int wishes) {
  }

  /** The outcomes (grouped by student, as the lottery gives them) as INSERTs of {@value #WRITE_STUDENTS} students each. */
  private static List<Statement> resultInserts(long roundId, List<Lottery.Outcome> outcomes) {
    List<Statement> out = new ArrayList<>();
    StringBuilder sql = null;
    Tuple args = null;
    int students = 0;
    int wishes = 0;
    for (int from = 0; from < outcomes.size(); ) {
      String student = outcomes.get(from).studentId();
      int to = from;
      while (to < outcomes.size() && outcomes.get(to).studentId().equals(student)) to++;
      if (sql == null) {
        sql = new StringBuilder("INSERT INTO lottery_outcomes (round_id, student_id, outcomes) VALUES (?,?,?)");
        args = Tuple.tuple();
      } else {
        sql.append(",(?,?,?)");
      }
      args.addLong(roundId).addString(student).addString(Outcomes.encode(outcomes.subList(from, to)));
      wishes += to - from;
      from = to;
      if (++students == WRITE_STUDENTS || from == outcomes.size()) {
        out.add(new Statement(sql.toString(), args, wishes));
        sql = null;
        students = 0;
        wishes = 0;
      }
    }
    return out;
  }

  /**
   * The term's plans, a page of {@value #READ_PAGE} students at a time by keyset on the primary
   * key, each student's sections in rank order in one row: a fifth of the rows to decode.
   */
  private Future<Map<String, List<Long>>> readWishes(String jobId, long termId, Map<String, List<Long>> into,
                                                     String afterStudent) {
    return mysql.preparedQuery("SELECT student_id, GROUP_CONCAT(section_id ORDER BY rank_no) AS sections FROM plan_entries"
        + " WHERE term_id = ? AND student_id > ? GROUP BY student_id ORDER BY student_id LIMIT " + READ_PAGE)
      .execute(Tuple.of(termId, afterStudent))
      .compose(rows -> {
        String last = afterStudent;
        long wishes = 0;
        for (Row row : rows) {
          last = row.getString("student_id");
          String[] sections = row.getString("sections").split(",");
          List<Long> ids = new ArrayList<>(sections.length);
          for (String id : sections) ids.add(Long.parseLong(id));
          into.put(last, ids);
          wishes += sections.length;
        }
        String next = last;
        Future<Void> counted = jobs.add(jobId, "done", wishes);
        return rows.size() == READ_PAGE ? counted.compose(v -> readWishes(jobId, termId, into, next)) : counted.map(into);
      });
  }

  /** Replaces the round's results and run record in one transaction, one multi-row INSERT after the other. */
  private Future<JsonObject> writeResults(String jobId, long roundId, long termId, long seed, Drawn drawn) {
    Lottery.Result result = drawn.result();
    JsonArray cancelled = new JsonArray(new ArrayList<>(result.cancelled()));
    return mysql.withTransaction(conn -> conn.preparedQuery("DELETE FROM lottery_outcomes WHERE round_id = ?")
        .execute(Tuple.of(roundId))
        .compose(deleted -> insertAll(jobId, conn, drawn.inserts(), 0))
        .compose(written -> conn.preparedQuery("REPLACE INTO lottery_runs (round_id, term_id, seed, version, inputs_digest,"
            + " students, wishes, cancelled, drawn_at, publish_started_at, published_at, mailed_at)"
            + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, UTC_TIMESTAMP(3), NULL, NULL, NULL)")
          .execute(Tuple.of(roundId, termId, seed, Lottery.VERSION, result.inputsDigest(), drawn.students(),
            result.outcomes().size(), cancelled.encode()))))
      .map(done -> new JsonObject().put("students", drawn.students()).put("wishes", result.outcomes().size())
        .put("won", result.outcomes().stream().filter(o -> Lottery.WON.equals(o.outcome())).count())
        .put("cancelled", cancelled).put("version", Lottery.VERSION).put("inputsDigest", result.inputsDigest()));
  }

  private Future<Void> insertAll(String jobId, SqlConnection conn, List<Statement> inserts, int next) {
    if (next >= inserts.size()) return Future.succeededFuture();
    Statement insert = inserts.get(next);
    // Each statement's text differs in length only at the end: not worth caching as prepared.
    return conn.preparedQuery(insert.sql()).execute(insert.args())
      .compose(written -> jobs.add(jobId, "done", insert.wishes()))
      .compose(v -> insertAll(jobId, conn, inserts, next + 1));
  }

  private static Lottery.Section lotterySection(JsonObject s, List<String> rules, int minimum) {
    String prefixes = s.getString("allowedPrefixes", "").trim();
    return new Lottery.Section(s.getLong("id"), s.getInteger("seatsLeft", s.getInteger("capacity")), s.getString("courseCode"),
      s.getInteger("weekday"), minutes(s.getString("startTime")), minutes(s.getString("endTime")),
      LocalDate.parse(s.getString("periodStartsOn")).toEpochDay(), LocalDate.parse(s.getString("periodEndsOn")).toEpochDay(),
      prefixes.isEmpty() ? List.of() : List.of(prefixes.split("\\s+")), rules, minimum);
  }

  private static int minutes(String hhmm) {
    LocalTime t = LocalTime.parse(hhmm);
    return t.getHour() * 60 + t.getMinute();
  }

  @Override
  public Future<JsonObject> job(String jobId) {
    return jobs.get(jobId).compose(job -> {
      if (job.isEmpty()) return ErrorCode.NOT_FOUND.fail();
      JsonObject out = new JsonObject().put("jobId", jobId).put("kind", job.get("kind")).put("state", job.get("state"))
        .put("done", Long.parseLong(job.get("done"))).put("total", Long.parseLong(job.get("total")))
        .put("roundId", Long.parseLong(job.get("roundId")));
      if (job.containsKey("seed")) out.put("seed", Long.parseLong(job.get("seed")));
      if (job.containsKey("summary")) out.mergeIn(new JsonObject(job.get("summary")));
      if (job.containsKey("error")) out.put("error", job.get("error"));
      return Future.succeededFuture(out);
    });
  }

  /**
   * Each page of {@value #STUDENT_PAGE} students' outcomes, in student order, decoded on the
   * worker and handed to {@code page} before the next is read.
   */
  private Future<Void> eachPage(long roundId, String afterStudent,
                                Function<List<List<Lottery.Outcome>>, Future<Void>> page) {
    return mysql.preparedQuery("SELECT student_id, outcomes FROM lottery_outcomes WHERE round_id = ? AND student_id > ?"
        + " ORDER BY student_id LIMIT " + STUDENT_PAGE).execute(Tuple.of(roundId, afterStudent))
      .compose(rows -> {
        List<String[]> raw = new ArrayList<>(rows.size());
        rows.forEach(row -> raw.add(new String[] {row.getString("student_id"), row.getString("outcomes")}));
        if (raw.isEmpty()) return Future.succeededFuture();
        return workers.executeBlocking(() -> raw.stream().map(r -> Outcomes.decode(r[0], r[1])).toList(), false)
          .compose(page)
          .compose(v -> raw.size() < STUDENT_PAGE ? Future.succeededFuture()
            : eachPage(roundId, raw.get(raw.size() - 1)[0], page));
      });
  }

  @Override
  public Future<JsonArray> results(long roundId) {
    return preselect(roundId).compose(round -> lotteryRun(roundId)).compose(run -> {
      if (run == null) return ErrorCode.NOT_DRAWN.<JsonArray>fail();
      JsonArray out = new JsonArray();
      return eachPage(roundId, "", students -> workers.executeBlocking(() -> {
        for (List<Lottery.Outcome> student : students) {
          for (Lottery.Outcome o : student) {
            out.add(new JsonObject().put("studentId", o.studentId()).put("sectionId", o.sectionId()).put("rank", o.rank())
              .put("outcome", o.outcome()).put("drawNumber", o.drawNumber()).put("applicants", o.applicants())
              .put("priority", o.priority()));
          }
        }
        return null;
      }, false).<Void>mapEmpty()).map(out);
    });
  }

  /**
   * Starts publication as a job, or answers with the one already running: a publication retried
   * after a lost answer (a 503) joins it. Every step is idempotent, so starting it again after a
   * failure or a dead node resumes it: the term's placement is one atomic script run once per
   * round (a repeat gets its first reply), refusals are set to the same codes again, the run is
   * marked published once and each student's mail is sent once.
   */
  @Override
  public Future<JsonObject> publish(long roundId) {
    return preselect(roundId).compose(round -> lotteryRun(roundId).compose(run -> {
      if (run == null) return ErrorCode.NOT_DRAWN.<JsonObject>fail();
      if (run.getValue("mailed_at") != null) return ErrorCode.ALREADY_PUBLISHED.<JsonObject>fail();
      String jobId = JOB_PREFIX + "publish-" + UUID.randomUUID();
      return jobs.start(jobId, "PUBLISH", lock(roundId), "roundId", Long.toString(roundId)).compose(started -> {
        if (!started) {
          return jobs.holder(lock(roundId)).compose(holder -> holder != null && holder.startsWith(JOB_PREFIX + "publish-")
            ? Future.succeededFuture(new JsonObject().put("jobId", holder))
            : ErrorCode.LOTTERY_RUNNING.<JsonObject>fail());
        }
        runPublish(jobId, roundId, round.getLong("termId")).recover(failure -> failed(jobId, failure));
        return Future.succeededFuture(new JsonObject().put("jobId", jobId));
      });
    }));
  }

  private Future<Void> runPublish(String jobId, long roundId, long termId) {
    List<String[]> winners = new ArrayList<>();
    long[] students = new long[1];
    return mysql.preparedQuery("UPDATE lottery_runs SET publish_started_at = COALESCE(publish_started_at, UTC_TIMESTAMP(3))"
        + " WHERE round_id = ?").execute(Tuple.of(roundId))
      .compose(v -> eachPage(roundId, "", page -> {
        students[0] += page.size();
        for (List<Lottery.Outcome> student : page) {
          for (Lottery.Outcome o : student) {
            if (Lottery.WON.equals(o.outcome())) winners.add(new String[] {o.studentId(), Long.toString(o.sectionId()), Integer.toString(o.rank())});
          }
        }
        return Future.succeededFuture();
      }))
      .compose(v -> jobs.total(jobId, winners.size() + students[0]))
      // Rank first, as the lottery seated them: a seat taken since the draw refuses a later rank before an earlier one.
      .compose(v -> workers.executeBlocking(() -> {
        winners.sort(Comparator.<String[], Integer>comparing(w -> Integer.parseInt(w[2])).thenComparing(w -> w[0]));
        JsonArray placements = new JsonArray();
        for (String[] w : winners) placements.add(new JsonArray().add(w[0]).add(Long.parseLong(w[1])));
        return placements;
      }, false))
      .compose(placements -> catalog.placeAll(termId, "round-" + roundId, placements))
      .compose(placed -> recordRefusals(roundId, placed.getJsonArray("refused"))
        .compose(v -> mysql.preparedQuery("UPDATE lottery_runs SET published_at = COALESCE(published_at, UTC_TIMESTAMP(3))"
          + " WHERE round_id = ?").execute(Tuple.of(roundId)))
        .compose(v -> jobs.add(jobId, "done", winners.size()))
        .compose(v -> mailResults(jobId, roundId, termId))
        .compose(v -> mysql.preparedQuery("UPDATE lottery_runs SET mailed_at = COALESCE(mailed_at, UTC_TIMESTAMP(3))"
          + " WHERE round_id = ?").execute(Tuple.of(roundId)))
        .compose(v -> jobs.finish(jobId, "summary", new JsonObject().put("placed", placed.getLong("placed"))
          .put("refused", placed.getJsonArray("refused")).put("resumed", placed.getBoolean("alreadyPlaced")).encode())));
  }

  /**
   * A winner the publication could not seat (the live state changed since the draw) gets that
   * reason as outcome: the students' rows read and written again in one transaction.
   */
  private Future<Void> recordRefusals(long roundId, JsonArray refused) {
    if (refused.isEmpty()) return Future.succeededFuture();
    Map<String, List<JsonObject>> byStudent = new LinkedHashMap<>();
    refused.forEach(r -> byStudent.computeIfAbsent(((JsonObject) r).getString("studentId"), s -> new ArrayList<>()).add((JsonObject) r));
    return mysql.withTransaction(conn -> {
      List<Future<Row>> reads = new ArrayList<>();
      for (String student : byStudent.keySet()) {
        reads.add(conn.preparedQuery("SELECT student_id, outcomes FROM lottery_outcomes WHERE round_id = ? AND student_id = ? FOR UPDATE")
          .execute(Tuple.of(roundId, student)).map(rows -> rows.iterator().next()));
      }
      return Future.all(reads).compose(all -> {
        List<Tuple> writes = new ArrayList<>();
        for (Future<Row> read : reads) {
          String student = read.result().getString("student_id");
          List<Lottery.Outcome> outcomes = Outcomes.decode(student, read.result().getString("outcomes"));
          for (JsonObject r : byStudent.get(student)) outcomes = Outcomes.withOutcome(outcomes, r.getLong("sectionId"), r.getString("code"));
          writes.add(Tuple.of(Outcomes.encode(outcomes), roundId, student));
        }
        return conn.preparedQuery("UPDATE lottery_outcomes SET outcomes = ? WHERE round_id = ? AND student_id = ?").executeBatch(writes);
      });
    }).mapEmpty();
  }

  /**
   * Mails every student of the lottery their outcomes: a page of students at a time, their
   * addresses in one call, a few mails at once.
   */
  private Future<Void> mailResults(String jobId, long roundId, long termId) {
    Future<JsonObject> term = catalog.term(termId);
    Future<JsonArray> sections = catalog.sections(termId, 0, 0);
    return Future.all(term, sections).compose(all -> {
      Map<Long, String> titles = new HashMap<>();
      sections.result().forEach(s -> titles.put(((JsonObject) s).getLong("id"), ((JsonObject) s).getString("courseTitle")));
      String termName = term.result().getString("name");
      return eachPage(roundId, "", page -> {
        JsonArray ids = new JsonArray();
        page.forEach(student -> ids.add(student.get(0).studentId()));
        List<List<Lottery.Outcome>> addressed = new ArrayList<>();
        return auth.contacts(ids)
          .compose(contacts -> {
            page.stream().filter(student -> contacts.containsKey(student.get(0).studentId())).forEach(addressed::add);
            return mailSome(addressed, 0, contacts, roundId, titles, termName);
          })
          .compose(v -> jobs.add(jobId, "done", page.size()));
      });
    });
  }

  private Future<Void> mailSome(List<List<Lottery.Outcome>> students, int from, JsonObject contacts, long roundId,
                                Map<Long, String> titles, String termName) {
    if (from >= students.size()) return Future.succeededFuture();
    int to = Math.min(from + MAILS_AT_ONCE, students.size());
    List<Future<Void>> queued = new ArrayList<>();
    for (List<Lottery.Outcome> student : students.subList(from, to)) {
      String studentId = student.get(0).studentId();
      JsonObject contact = contacts.getJsonObject(studentId);
      JsonArray lines = new JsonArray();
      for (Lottery.Outcome o : student) {
        lines.add(new JsonObject().put("rank", Integer.toString(o.rank()))
          .put("courseTitle", titles.getOrDefault(o.sectionId(), "#" + o.sectionId())).put("outcome", o.outcome())
          .put("drawNumber", Integer.toString(o.drawNumber())).put("applicants", Integer.toString(o.applicants())));
      }
      queued.add(mail.send("lottery_result", contact.getString("email"), contact.getString("lang"), new JsonObject()
        .put("onceKey", "lottery:" + roundId + ":" + studentId)
        .put("name", contact.getString("name")).put("courseTitle", termName).put("lines", lines)));
    }
    // A mail that cannot be queued does not stop the others: the results are on the student's page.
    return Future.join(queued).<Void>mapEmpty().recover(e -> Future.succeededFuture())
      .compose(v -> mailSome(students, to, contacts, roundId, titles, termName));
  }

  @Override
  public Future<JsonObject> exportResults(long roundId, String format, String lang) {
    if (!"csv".equals(format) && !"xlsx".equals(format)) {
      return ErrorCode.BAD_REQUEST.fail(new JsonObject().put("format", "UNKNOWN_VALUE"));
    }
    boolean xlsx = "xlsx".equals(format);
    boolean english = lang != null && lang.toLowerCase().startsWith("en");
    return preselect(roundId).compose(round -> lotteryRun(roundId).compose(run -> {
      if (run == null) return ErrorCode.NOT_DRAWN.<JsonObject>fail();
      long termId = round.getLong("termId");
      return catalog.sections(termId, 0, 0).compose(list -> {
        Map<Long, JsonObject> sections = new HashMap<>();
        list.forEach(s -> sections.put(((JsonObject) s).getLong("id"), (JsonObject) s));
        ResultsExport[] file = new ResultsExport[1];
        Path[] path = new Path[1];
        return workers.executeBlocking(() -> {
            path[0] = Files.createTempFile("xuanke-lottery-", "." + format);
            file[0] = new ResultsExport(path[0], xlsx, english, sections);
            return null;
          }, false)
          .compose(v -> eachPage(roundId, "", page -> workers.executeBlocking(() -> {
            for (List<Lottery.Outcome> student : page) file[0].add(student);
            return null;
          }, false).mapEmpty()))
          .compose(v -> workers.executeBlocking(() -> {
            file[0].close();
            return path[0];
          }, false))
          .recover(failure -> workers.executeBlocking(() -> {
            if (file[0] != null) {
              try {
                file[0].close();
              } catch (Exception ignored) {
                // the file is deleted anyway
              }
            }
            if (path[0] != null) Files.deleteIfExists(path[0]);
            throw failure instanceof Exception e ? e : new IllegalStateException(failure);
          }, false))
          .map(written -> new JsonObject().put("path", written.toString())
            .put("fileName", "lottery-round-" + roundId + "." + format)
            .put("contentType", xlsx ? "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" : "text/csv; charset=utf-8"));
      });
    }));
  }
}
