package edu.xuanke.round.impl;

import edu.xuanke.auth.AuthService;
import edu.xuanke.core.ErrorCode;
import edu.xuanke.core.Fields;
import edu.xuanke.course.CatalogKind;
import edu.xuanke.course.CatalogService;
import edu.xuanke.course.SelectionService;
import edu.xuanke.mail.MailService;
import edu.xuanke.round.Lottery;
import edu.xuanke.round.LotteryJobs;
import edu.xuanke.round.RoundService;
import io.vertx.core.Future;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.lang.management.ManagementFactory;
import java.time.LocalDate;
import java.time.LocalTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

public final class RoundServiceImpl implements RoundService {

  private static final Logger log = LoggerFactory.getLogger(RoundServiceImpl.class);
  /** A plan's length when the term has no pre-selection round to say otherwise. */
  private static final int PLAN_LIMIT = 20;
  /** Pages small enough that decoding one never holds an event loop long, even on a busy machine. */
  private static final int READ_PAGE = 5_000;
  private static final int WRITE_ROWS = 2_000;
  private static final int MAILS_AT_ONCE = 50;
  private static final int MAIL_PAGE = 2_000;

  private final Pool mysql;
  private final LotteryJobs jobs;
  private final WorkerExecutor workers;
  private final CatalogService catalog;
  private final AuthService auth;
  private final SelectionService selection;
  private final MailService mail;

  public RoundServiceImpl(Pool mysql, LotteryJobs jobs, WorkerExecutor workers, CatalogService catalog,
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
        + " published_at FROM lottery_runs WHERE round_id = ?").execute(Tuple.of(roundId))
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
    return mysql.preparedQuery("SELECT section_id, outcome, draw_number, applicants, priority FROM lottery_results"
        + " WHERE round_id = ? AND student_id = ?").execute(Tuple.of(roundId, studentId))
      .map(rows -> {
        Map<Long, JsonObject> out = new HashMap<>();
        rows.forEach(row -> out.put(row.getLong("section_id"), new JsonObject().put("outcome", row.getString("outcome"))
          .put("drawNumber", row.getInteger("draw_number")).put("applicants", row.getInteger("applicants"))
          .put("priority", row.getInteger("priority"))));
        return out;
      });
  }

  @Override
  public Future<JsonObject> enrollPlan(String studentId, String sessionId, long termId) {
    return plan(studentId, termId).compose(ids -> ids.isEmpty() ? invalid("EMPTY")
      : selection.selectAll(studentId, sessionId, termId, new JsonArray(new ArrayList<>(ids))));
  }

  @Override
  public Future<JsonObject> startLottery(long roundId, long seed) {
    String jobId = JOB_PREFIX + UUID.randomUUID();
    return preselect(roundId).compose(round -> {
      if (!round.getBoolean("closed")) return ErrorCode.ROUND_NOT_CLOSED.<JsonObject>fail(
        new JsonObject().put("closesAt", round.getString("closesAt")));
      return lotteryRun(roundId).compose(run -> {
        if (run != null && run.getValue("published_at") != null) return ErrorCode.ALREADY_PUBLISHED.<JsonObject>fail();
        return jobs.lockRound(roundId, jobId).compose(locked -> {
          if (!locked) return ErrorCode.LOTTERY_RUNNING.<JsonObject>fail();
          return jobs.create(jobId, roundId, seed).map(created -> {
            runLottery(jobId, round, seed)
              .recover(failure -> {
                log.warn("lottery job {} of round {} failed", jobId, roundId, failure);
                ErrorCode code = ErrorCode.of(failure);
                return jobs.fail(jobId, code == null ? ErrorCode.INTERNAL.name() : code.name());
              })
              .eventually(() -> jobs.unlockRound(roundId));
            return new JsonObject().put("jobId", jobId);
          });
        });
      });
    });
  }

  private Future<JsonObject> preselect(long roundId) {
    return catalog.round(roundId).compose(round -> "PRESELECT".equals(round.getString("kind"))
      ? Future.succeededFuture(round) : ErrorCode.WRONG_ROUND_KIND.fail(new JsonObject().put("kind", round.getString("kind"))));
  }

  /**
   * Reads the inputs a page at a time, draws on a worker thread (never an event loop), then writes
   * the results in one transaction. Progress: wishes read, then result rows written.
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
        List<Lottery.Section> sections = new ArrayList<>();
        JsonObject priorities = round.getJsonObject("priorities");
        JsonObject minimums = round.getJsonObject("minimumSizes");
        for (JsonObject s : context.result().sections().values()) {
          String key = Long.toString(s.getLong("id"));
          JsonArray rules = priorities.getJsonArray(key, priorities.getJsonArray("*", new JsonArray()));
          Integer minimum = minimums.getInteger(key, minimums.getInteger("*", 0));
          sections.add(lotterySection(s, rules.stream().map(Object::toString).toList(), minimum));
        }
        List<Lottery.Applicant> applicants = new ArrayList<>();
        wishes.forEach((student, list) -> {
          // Wishes of students who have left the term's cohort since are not drawn.
          if (!majors.result().containsKey(student)) return;
          applicants.add(new Lottery.Applicant(student, majors.result().getString(student, ""),
            list.stream().mapToLong(Long::longValue).toArray()));
        });
        int max = context.result().term().getInteger("maxSectionsPerStudent");
        long[] drawCpu = new long[1];
        return workers.executeBlocking(() -> {
            long cpu = ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime();
            Lottery.Result result = Lottery.draw(seed, max, sections, applicants);
            drawCpu[0] = ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime() - cpu;
            return result;
          }, false)
          .compose(result -> {
            phases[2] = System.nanoTime();
            return writeResults(jobId, roundId, termId, seed, applicants.size(), result)
              .map(summary -> summary.put("drawCpuMs", drawCpu[0] / 1_000_000));
          });
      })
      .compose(summary -> {
        phases[3] = System.nanoTime();
        summary.put("readMs", (phases[1] - phases[0]) / 1_000_000).put("drawMs", (phases[2] - phases[1]) / 1_000_000)
          .put("writeMs", (phases[3] - phases[2]) / 1_000_000);
        log.info("lottery of round {}: {}", roundId, summary.copy().put("inputsDigest", summary.getString("inputsDigest")));
        return jobs.finish(jobId, summary);
      });
  }

  /**
   * The term's plans in (student, rank) order, read by keyset pages on the primary key so no single
   * read is large. A full page may end inside a student's wishes: that student is read again whole
   * with the next page.
   */
  private Future<Map<String, List<Long>>> readWishes(String jobId, long termId, Map<String, List<Long>> into,
                                                     String afterStudent) {
    return mysql.preparedQuery("SELECT student_id, section_id FROM plan_entries WHERE term_id = ? AND student_id > ?"
        + " ORDER BY student_id, rank_no LIMIT " + READ_PAGE)
      .execute(Tuple.of(termId, afterStudent))
      .compose(rows -> {
        boolean full = rows.size() == READ_PAGE;
        List<String> students = new ArrayList<>();
        List<Long> sections = new ArrayList<>();
        rows.forEach(row -> {
          students.add(row.getString("student_id"));
          sections.add(row.getLong("section_id"));
        });
        String last = students.isEmpty() ? afterStudent : students.get(students.size() - 1);
        int kept = students.size();
        if (full) while (kept > 0 && students.get(kept - 1).equals(last)) kept--;
        if (full && kept == 0) return Future.failedFuture(new IllegalStateException("a plan longer than a page"));
        for (int i = 0; i < kept; i++) into.computeIfAbsent(students.get(i), s -> new ArrayList<>(5)).add(sections.get(i));
        String next = kept == 0 ? last : students.get(kept - 1);
        Future<Void> counted = jobs.progress(jobId, kept);
        return full ? counted.compose(v -> readWishes(jobId, termId, into, next)) : counted.map(into);
      });
  }

  private Future<JsonObject> writeResults(String jobId, long roundId, long termId, long seed, int students,
                                          Lottery.Result result) {
    List<Lottery.Outcome> outcomes = result.outcomes();
    JsonArray cancelled = new JsonArray(new ArrayList<>(result.cancelled()));
    return mysql.withTransaction(conn -> conn.preparedQuery("DELETE FROM lottery_results WHERE round_id = ?")
        .execute(Tuple.of(roundId))
        .compose(deleted -> insertResults(jobId, conn, roundId, outcomes, 0))
        .compose(written -> conn.preparedQuery("REPLACE INTO lottery_runs (round_id, term_id, seed, version, inputs_digest,"
            + " students, wishes, cancelled, drawn_at, published_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, UTC_TIMESTAMP(3), NULL)")
          .execute(Tuple.of(roundId, termId, seed, Lottery.VERSION, result.inputsDigest(), students, outcomes.size(),
            cancelled.encode()))))
      .map(done -> new JsonObject().put("students", students).put("wishes", outcomes.size())
        .put("won", outcomes.stream().filter(o -> Lottery.WON.equals(o.outcome())).count())
        .put("cancelled", cancelled).put("version", Lottery.VERSION).put("inputsDigest", result.inputsDigest()));
  }

  private Future<Void> insertResults(String jobId, io.vertx.sqlclient.SqlConnection conn, long roundId,
                                     List<Lottery.Outcome> outcomes, int from) {
    if (from >= outcomes.size()) return Future.succeededFuture();
    int to = Math.min(from + WRITE_ROWS, outcomes.size());
    StringBuilder sql = new StringBuilder("INSERT INTO lottery_results (round_id, student_id, rank_no, section_id, outcome,"
      + " draw_number, applicants, priority) VALUES ");
    Tuple args = Tuple.tuple();
    for (int i = from; i < to; i++) {
      Lottery.Outcome o = outcomes.get(i);
      sql.append(i > from ? ",(?,?,?,?,?,?,?,?)" : "(?,?,?,?,?,?,?,?)");
      args.addLong(roundId).addString(o.studentId()).addInteger(o.rank()).addLong(o.sectionId()).addString(o.outcome())
        .addInteger(o.drawNumber()).addInteger(o.applicants()).addInteger(o.priority());
    }
    // A query rather than a prepared statement: every chunk has its own text, not worth caching.
    return conn.preparedQuery(sql.toString()).execute(args)
      .compose(written -> jobs.progress(jobId, to - from))
      .compose(v -> insertResults(jobId, conn, roundId, outcomes, to));
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
    return jobs.get(jobId)
      .compose(job -> job == null ? ErrorCode.NOT_FOUND.fail() : Future.succeededFuture(job));
  }

  @Override
  public Future<JsonArray> results(long roundId) {
    return preselect(roundId).compose(round -> lotteryRun(roundId)).compose(run -> {
      if (run == null) return ErrorCode.NOT_DRAWN.<JsonArray>fail();
      return mysql.preparedQuery("SELECT student_id, section_id, rank_no, outcome, draw_number, applicants, priority"
          + " FROM lottery_results WHERE round_id = ? ORDER BY student_id, rank_no").execute(Tuple.of(roundId))
        // A lottery of 250,000 wishes makes as many objects: built on a worker, not the event loop.
        .compose(rows -> workers.executeBlocking(() -> {
          JsonArray out = new JsonArray();
          rows.forEach(row -> out.add(new JsonObject().put("studentId", row.getString("student_id"))
            .put("sectionId", row.getLong("section_id")).put("rank", row.getInteger("rank_no"))
            .put("outcome", row.getString("outcome")).put("drawNumber", row.getInteger("draw_number"))
            .put("applicants", row.getInteger("applicants")).put("priority", row.getInteger("priority"))));
          return out;
        }, false));
    });
  }

  @Override
  public Future<JsonObject> publish(long roundId) {
    return preselect(roundId).compose(round -> Future.all(lotteryRun(roundId), jobs.roundLocked(roundId))
      .compose(both -> {
        Row run = both.resultAt(0);
        if (run == null) return ErrorCode.NOT_DRAWN.<JsonObject>fail();
        if (run.getValue("published_at") != null) return ErrorCode.ALREADY_PUBLISHED.<JsonObject>fail();
        if (both.<Boolean>resultAt(1)) return ErrorCode.LOTTERY_RUNNING.<JsonObject>fail();
        long termId = round.getLong("termId");
        return mysql.preparedQuery("SELECT student_id, section_id FROM lottery_results WHERE round_id = ? AND outcome = ?"
            + " ORDER BY rank_no, student_id").execute(Tuple.of(roundId, Lottery.WON))
          .compose(winners -> {
            JsonArray placements = new JsonArray();
            winners.forEach(row -> placements.add(new JsonArray().add(row.getString("student_id")).add(row.getLong("section_id"))));
            return catalog.placeAll(termId, "round-" + roundId, placements);
          })
          .compose(placed -> recordRefusals(roundId, placed.getJsonArray("refused"))
            .compose(v -> mysql.preparedQuery("UPDATE lottery_runs SET published_at = UTC_TIMESTAMP(3) WHERE round_id = ?")
              .execute(Tuple.of(roundId)))
            .map(v -> {
              mailResults(roundId, termId).onFailure(e -> log.warn("round {}: result mails not all queued: {}", roundId, e.toString()));
              return new JsonObject().put("roundId", roundId).put("placed", placed.getLong("placed"))
                .put("refused", placed.getJsonArray("refused"));
            }));
      }));
  }

  /** A winner the publication could not seat (the live state changed since the draw) gets that reason as outcome. */
  private Future<Void> recordRefusals(long roundId, JsonArray refused) {
    if (refused.isEmpty()) return Future.succeededFuture();
    List<Tuple> rows = new ArrayList<>();
    refused.forEach(r -> {
      JsonObject x = (JsonObject) r;
      rows.add(Tuple.of(x.getString("code"), roundId, x.getString("studentId"), x.getLong("sectionId")));
    });
    return mysql.preparedQuery("UPDATE lottery_results SET outcome = ? WHERE round_id = ? AND student_id = ? AND section_id = ?")
      .executeBatch(rows).mapEmpty();
  }

  /** Mails every student of the lottery their outcomes: a page of students at a time, a few mails at once. */
  private Future<Void> mailResults(long roundId, long termId) {
    Future<JsonObject> term = catalog.term(termId);
    Future<JsonArray> sections = catalog.sections(termId, 0, 0);
    return Future.all(term, sections).compose(all -> {
      Map<Long, String> titles = new HashMap<>();
      sections.result().forEach(s -> titles.put(((JsonObject) s).getLong("id"), ((JsonObject) s).getString("courseTitle")));
      return mailPage(roundId, titles, term.result().getString("name"), "");
    });
  }

  private Future<Void> mailPage(long roundId, Map<Long, String> titles, String termName, String afterStudent) {
    return mysql.preparedQuery("SELECT student_id, section_id, rank_no, outcome, draw_number, applicants FROM lottery_results"
        + " WHERE round_id = ? AND student_id > ? ORDER BY student_id, rank_no LIMIT " + MAIL_PAGE)
      .execute(Tuple.of(roundId, afterStudent))
      .compose(rows -> {
        boolean full = rows.size() == MAIL_PAGE;
        Map<String, JsonArray> byStudent = new LinkedHashMap<>();
        String last = afterStudent;
        for (Row row : rows) {
          last = row.getString("student_id");
          byStudent.computeIfAbsent(last, s -> new JsonArray()).add(new JsonObject()
            .put("rank", Integer.toString(row.getInteger("rank_no")))
            .put("courseTitle", titles.getOrDefault(row.getLong("section_id"), "#" + row.getLong("section_id")))
            .put("outcome", row.getString("outcome"))
            .put("drawNumber", Integer.toString(row.getInteger("draw_number")))
            .put("applicants", Integer.toString(row.getInteger("applicants"))));
        }
        // A full page may end inside the last student's outcomes: they come whole with the next page.
        if (full && byStudent.size() > 1) byStudent.remove(last);
        String next = byStudent.isEmpty() ? last : new ArrayList<>(byStudent.keySet()).get(byStudent.size() - 1);
        return mailSome(new ArrayList<>(byStudent.entrySet()), 0, roundId, termName)
          .compose(v -> full ? mailPage(roundId, titles, termName, next) : Future.succeededFuture());
      });
  }

  private Future<Void> mailSome(List<Map.Entry<String, JsonArray>> students, int from, long roundId, String termName) {
    if (from >= students.size()) return Future.succeededFuture();
    int to = Math.min(from + MAILS_AT_ONCE, students.size());
    List<Future<Void>> queued = new ArrayList<>();
    for (Map.Entry<String, JsonArray> student : students.subList(from, to)) {
      queued.add(auth.contact(student.getKey()).compose(contact -> contact.getString("email", "").isBlank()
        ? Future.<Void>succeededFuture()
        : mail.send("lottery_result", contact.getString("email"), contact.getString("lang"), new JsonObject()
          .put("onceKey", "lottery:" + roundId + ":" + student.getKey())
          .put("name", contact.getString("name")).put("courseTitle", termName).put("lines", student.getValue()))));
    }
    return Future.join(queued).<Void>mapEmpty().recover(e -> Future.succeededFuture())
      .compose(v -> mailSome(students, to, roundId, termName));
  }
}
