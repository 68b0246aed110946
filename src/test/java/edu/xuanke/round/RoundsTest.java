package edu.xuanke.round;

import edu.xuanke.course.CatalogService;
import edu.xuanke.course.TermKeys;
import edu.xuanke.support.Eventually;
import edu.xuanke.support.Fixture;
import edu.xuanke.support.Service;
import edu.xuanke.support.TestConfig;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Rounds end to end: wishes, the lottery as a job, publication, add/drop deadlines and held-back seats, plans. */
class RoundsTest {

  private Service service;
  private Fixture fixture;
  private Fixture.Term term;
  private String admin;
  private Instant now;

  @BeforeEach
  void setUp() throws Exception {
    service = new Service(TestConfig.json());
    fixture = service.freshStores();
    now = Instant.now();
    term = fixture.term(now.minus(Duration.ofMinutes(10)), now.plus(Duration.ofDays(1)), now.plus(Duration.ofDays(1)), 2, true);
    fixture.admin("office");
  }

  @AfterEach
  void tearDown() throws Exception {
    service.close();
    fixture.close();
  }

  private HttpResponse<Buffer> adminPost(String path, JsonObject body) {
    return service.http.post(path).bearerTokenAuthentication(admin).sendJsonObject(body).await();
  }

  private JsonObject round(String kind, Instant opens, Instant closes) {
    return new JsonObject().put("termId", term.id).put("kind", kind).put("opensAt", opens.toString()).put("closesAt", closes.toString());
  }

  private long create(JsonObject round) {
    HttpResponse<Buffer> created = adminPost("/api/admin/rounds", round);
    assertEquals(201, created.statusCode(), created.bodyAsString());
    return created.bodyAsJsonObject().getLong("id");
  }

  private HttpResponse<Buffer> putWishes(String token, Long... sectionIds) {
    return service.http.put("/api/wishes").bearerTokenAuthentication(token)
      .sendJsonObject(new JsonObject().put("termId", term.id).put("sectionIds", new JsonArray(List.of((Object[]) sectionIds)))).await();
  }

  private JsonObject runLottery(long roundId, long seed) {
    return runJob("/api/admin/rounds/" + roundId + "/lottery", new JsonObject().put("seed", seed));
  }

  private JsonObject publish(long roundId) {
    JsonObject job = runJob("/api/admin/rounds/" + roundId + "/publish", new JsonObject());
    assertEquals("PUBLISH", job.getString("kind"));
    return job;
  }

  /** Starts a round job and waits for it: it must end DONE with all its steps counted. */
  private JsonObject runJob(String path, JsonObject body) {
    HttpResponse<Buffer> started = adminPost(path, body);
    assertEquals(202, started.statusCode(), started.bodyAsString());
    String jobId = started.bodyAsJsonObject().getString("jobId");
    JsonObject[] job = new JsonObject[1];
    Eventually.holds(() -> {
      job[0] = service.http.get("/api/admin/jobs/" + jobId).bearerTokenAuthentication(admin).send().await().bodyAsJsonObject();
      return !"RUNNING".equals(job[0].getString("state"));
    }, 20_000, "the job ends");
    assertEquals("DONE", job[0].getString("state"), job[0].encode());
    assertEquals(job[0].getLong("total"), job[0].getLong("done"));
    return job[0];
  }

  private JsonArray results(long roundId) {
    HttpResponse<Buffer> results = service.http.get("/api/admin/rounds/" + roundId + "/results").bearerTokenAuthentication(admin).send().await();
    assertEquals(200, results.statusCode(), results.bodyAsString());
    return results.bodyAsJsonArray();
  }

  @Test
  void preselectionWishesLotteryAndPublication() throws Exception {
    long popular = term.section("POP", 3, 1, "08:00", "10:00");
    long fallback = term.section("FALL", 10, 2, "08:00", "10:00");
    long overlapping = term.section("OVER", 10, 1, "09:00", "11:00");
    long small = term.section("SMALL", 10, 3, "08:00", "10:00");
    long otherPop = term.section("POP", 5, 4, "08:00", "10:00");
    long restricted = term.section("GRAD", 5, 5, "08:00", "10:00", "2022");
    List<String> students = term.students("R", 8);
    service.start();
    admin = service.login("office");
    long pre = create(round("PRESELECT", now.minus(Duration.ofMinutes(5)), now.plus(Duration.ofHours(1)))
      .put("maxWishes", 3).put("minimumSizes", new JsonObject().put(Long.toString(small), 3)));
    List<String> tokens = students.stream().map(service::login).toList();

    // During the pre-selection, selecting first-come is closed and wishes are checked as filed.
    assertEquals("WINDOW_CLOSED", Service.errorCode(service.select(tokens.get(0), popular, false).await()));
    assertEquals("RESTRICTED", Service.errorCode(putWishes(tokens.get(0), restricted)));
    assertEquals("COURSE_ALREADY_TAKEN", Service.errorCode(putWishes(tokens.get(0), popular, otherPop)));
    assertEquals("VALIDATION_FAILED", Service.errorCode(putWishes(tokens.get(0), popular, fallback, small, overlapping)));
    assertEquals("SECTION_NOT_FOUND", Service.errorCode(putWishes(tokens.get(0), 999_999L)));
    // A conflict between two wishes is allowed (the lottery resolves it) and shown.
    HttpResponse<Buffer> filed = putWishes(tokens.get(0), popular, overlapping, fallback);
    assertEquals(200, filed.statusCode(), filed.bodyAsString());
    assertEquals(new JsonArray().add(new JsonObject().put("sectionId", popular).put("rank", 1))
        .add(new JsonObject().put("sectionId", overlapping).put("rank", 2)).add(new JsonObject().put("sectionId", fallback).put("rank", 3)),
      filed.bodyAsJsonObject().getJsonArray("wishes"));
    for (int i = 1; i < 6; i++) assertEquals(200, putWishes(tokens.get(i), popular, fallback).statusCode());
    // Two wish the small section first: below its minimum of 3 it is cancelled and they get their second wish.
    for (int i = 6; i < 8; i++) assertEquals(200, putWishes(tokens.get(i), small, fallback).statusCode());
    JsonObject view = service.http.get("/api/wishes?termId=" + term.id).bearerTokenAuthentication(tokens.get(0)).send().await().bodyAsJsonObject();
    JsonObject first = view.getJsonArray("wishes").getJsonObject(0);
    assertEquals(6L, first.getLong("demand"));
    assertEquals(3, first.getInteger("capacity"));
    assertEquals(new JsonArray().add(overlapping), first.getJsonArray("conflictsWith"));

    assertEquals("ROUND_NOT_CLOSED", Service.errorCode(adminPost("/api/admin/rounds/" + pre + "/lottery", new JsonObject().put("seed", 1))));
    HttpResponse<Buffer> closed = service.http.put("/api/admin/rounds/" + pre).bearerTokenAuthentication(admin)
      .sendJsonObject(new JsonObject().put("closesAt", Instant.now().toString())).await();
    assertEquals(200, closed.statusCode(), closed.bodyAsString());
    assertEquals("WINDOW_CLOSED", Service.errorCode(putWishes(tokens.get(0), fallback)));
    assertEquals("NOT_DRAWN", Service.errorCode(adminPost("/api/admin/rounds/" + pre + "/publish", new JsonObject())));

    JsonObject job = runLottery(pre, 42);
    assertEquals(new JsonArray().add(small), job.getJsonArray("cancelled"));
    JsonArray drawn = results(pre);
    assertEquals(drawn, results(runLottery(pre, 42).getLong("roundId")), "the same seed gives the same results");
    Map<String, List<String>> won = drawn.stream().map(JsonObject.class::cast).filter(r -> r.getString("outcome").equals("WON"))
      .collect(Collectors.groupingBy(r -> r.getString("studentId"), Collectors.mapping(r -> Long.toString(r.getLong("sectionId")), Collectors.toList())));
    assertEquals(3, won.values().stream().filter(s -> s.contains(Long.toString(popular))).count(), "the popular section fills");
    for (int i = 0; i < 6; i++) assertTrue(won.get(students.get(i)).contains(Long.toString(fallback)), students.get(i) + " gets the fallback");
    for (int i = 6; i < 8; i++) assertEquals(List.of(Long.toString(fallback)), won.get(students.get(i)), "cancelled: next wish");
    drawn.stream().map(JsonObject.class::cast).filter(r -> r.getLong("sectionId") == popular)
      .forEach(r -> assertTrue(r.getInteger("drawNumber") >= 1 && r.getInteger("applicants") == 6, r.encode()));
    // Never both of two overlapping wishes: the lottery resolves the conflict the student was shown.
    assertTrue(won.get(students.get(0)).contains(Long.toString(popular)) != won.get(students.get(0)).contains(Long.toString(overlapping)));
    long winners = won.values().stream().mapToLong(List::size).sum();

    JsonObject published = publish(pre);
    assertEquals(winners, published.getLong("placed"));
    assertEquals(false, published.getBoolean("resumed"));
    assertEquals("ALREADY_PUBLISHED", Service.errorCode(adminPost("/api/admin/rounds/" + pre + "/publish", new JsonObject())));
    assertEquals("ALREADY_PUBLISHED", Service.errorCode(adminPost("/api/admin/rounds/" + pre + "/lottery", new JsonObject().put("seed", 7))));
    for (int i = 0; i < 8; i++) {
      JsonObject held = service.http.get("/api/selections").bearerTokenAuthentication(tokens.get(i)).send().await().bodyAsJsonObject();
      assertEquals(new java.util.TreeSet<>(won.get(students.get(i))), held.getJsonArray("enrolled").stream()
        .map(s -> Long.toString(((JsonObject) s).getLong("id"))).collect(Collectors.toCollection(java.util.TreeSet::new)));
    }
    assertEquals(List.of(), service.audit(term.id));
    assertEquals(Long.toString(winners), fixture.rows("SELECT COUNT(*) FROM enrollments WHERE term_id = ? AND state = 'ENROLLED'", term.id).get(0));
    // The student sees each wish's outcome with the draw number.
    JsonArray mine = service.http.get("/api/wishes?termId=" + term.id).bearerTokenAuthentication(tokens.get(0)).send().await()
      .bodyAsJsonObject().getJsonArray("wishes");
    assertTrue(mine.stream().map(JsonObject.class::cast).allMatch(w -> w.containsKey("outcome") && w.getInteger("drawNumber") > 0), mine.encode());
  }

  /**
   * A publication whose placement went through but whose answer was lost (a 503, a node that died
   * after the script) is started again: it resumes, seats nobody twice and reports the first
   * placement; the results export lists every wish with its outcome, reason and draw number.
   */
  @Test
  void aRetriedPublicationResumesAndTheResultsExport() throws Exception {
    long small = term.section("SMALL", 2, 1, "08:00", "10:00");
    long large = term.section("LARGE", 10, 2, "08:00", "10:00");
    List<String> students = term.students("E", 5);
    service.start();
    admin = service.login("office");
    long pre = create(round("PRESELECT", now.minus(Duration.ofMinutes(5)), now.plus(Duration.ofHours(1))));
    for (String student : students) assertEquals(200, putWishes(service.login(student), small, large).statusCode());
    assertEquals(200, service.http.put("/api/admin/rounds/" + pre).bearerTokenAuthentication(admin)
      .sendJsonObject(new JsonObject().put("closesAt", Instant.now().toString())).await().statusCode());
    runLottery(pre, 9);
    JsonArray drawn = results(pre);
    List<JsonObject> won = drawn.stream().map(JsonObject.class::cast).filter(r -> r.getString("outcome").equals("WON")).toList();
    assertEquals(7, won.size(), "2 win the small section, everyone the large one");

    // The first attempt: started, placed in the live state, then its answer lost.
    service.mysql.preparedQuery("UPDATE lottery_runs SET publish_started_at = UTC_TIMESTAMP(3) WHERE round_id = ?")
      .execute(io.vertx.sqlclient.Tuple.of(pre)).await();
    JsonArray placements = new JsonArray();
    won.forEach(w -> placements.add(new JsonArray().add(w.getString("studentId")).add(w.getLong("sectionId"))));
    assertEquals(7L, CatalogService.createProxy(service.vertx).placeAll(term.id, "round-" + pre, placements).await().getLong("placed"));
    assertEquals("ALREADY_PUBLISHED", Service.errorCode(adminPost("/api/admin/rounds/" + pre + "/lottery", new JsonObject().put("seed", 1))),
      "no new draw once publication has started");

    JsonObject resumed = publish(pre);
    assertEquals(true, resumed.getBoolean("resumed"));
    assertEquals(7L, resumed.getLong("placed"), "the first placement's count, not zero");
    assertEquals(List.of(), service.audit(term.id));
    // Even with its kept reply lost (a rebuilt live state), placing again seats nobody twice and refuses no winner.
    service.redis.hdel(List.of(new TermKeys(term.id).term(), "placed:round-" + pre)).await();
    JsonObject again = CatalogService.createProxy(service.vertx).placeAll(term.id, "round-" + pre, placements).await();
    assertEquals(7L, again.getLong("placed"));
    assertEquals(new JsonArray(), again.getJsonArray("refused"));
    assertEquals(List.of(), service.audit(term.id));
    service.drain(term.id);
    assertEquals("7", fixture.rows("SELECT COUNT(*) FROM enrollments WHERE term_id = ? AND state = 'ENROLLED'", term.id).get(0));
    assertEquals("ALREADY_PUBLISHED", Service.errorCode(adminPost("/api/admin/rounds/" + pre + "/publish", new JsonObject())));
    for (String student : students) {
      assertEquals(1, service.redis.exists(List.of(edu.xuanke.mail.Outbox.ONCE + "lottery:" + pre + ":" + student)).await().toInteger(),
        student + "'s results are mailed");
    }

    HttpResponse<Buffer> csv = service.http.get("/api/admin/rounds/" + pre + "/export?format=csv&lang=zh-CN")
      .bearerTokenAuthentication(admin).send().await();
    assertEquals(200, csv.statusCode(), csv.bodyAsString());
    assertTrue(csv.getHeader("Content-Type").startsWith("text/csv"));
    String text = csv.bodyAsString();
    assertTrue(text.startsWith("\uFEFF"), "a byte-order mark for Excel");
    List<String> lines = text.substring(1).lines().toList();
    assertEquals("学号,志愿,课程代码,课程名,教学班编号,结果,原因,抽签序号,申请人数,优先组", lines.get(0));
    assertEquals(drawn.size() + 1, lines.size());
    for (Object r : drawn) {
      JsonObject result = (JsonObject) r;
      boolean winner = result.getString("outcome").equals("WON");
      String course = result.getLong("sectionId") == small ? "SMALL" : "LARGE";
      String expected = String.join(",", result.getString("studentId"), result.getInteger("rank").toString(), course, course + " title",
        result.getLong("sectionId").toString(), winner ? "中签" : "未中签", winner ? "" : "未中签，名额已满",
        result.getInteger("drawNumber").toString(), "5", result.getInteger("priority").toString());
      assertTrue(lines.contains(expected), expected + " in " + lines);
    }

    HttpResponse<Buffer> xlsx = service.http.get("/api/admin/rounds/" + pre + "/export?format=xlsx&lang=en")
      .bearerTokenAuthentication(admin).send().await();
    assertEquals(200, xlsx.statusCode());
    List<List<String>> sheet = new java.util.ArrayList<>();
    try (org.dhatim.fastexcel.reader.ReadableWorkbook workbook =
           new org.dhatim.fastexcel.reader.ReadableWorkbook(new java.io.ByteArrayInputStream(xlsx.body().getBytes()))) {
      assertEquals("Lottery results", workbook.getFirstSheet().getName());
      for (org.dhatim.fastexcel.reader.Row row : workbook.getFirstSheet().read()) {
        if (row.getRowNum() > 1) {
          assertEquals(org.dhatim.fastexcel.reader.CellType.NUMBER, row.getCell(7).getType(), "draw numbers are numbers");
        }
        List<String> cells = new java.util.ArrayList<>();
        for (int c = 0; c < row.getCellCount(); c++) cells.add(row.getCellText(c));
        sheet.add(cells);
      }
    }
    assertEquals(List.of("Student ID", "Wish", "Course code", "Course", "Section ID", "Outcome", "Reason", "Draw number", "Applicants",
      "Priority group"), sheet.get(0));
    assertEquals(drawn.size() + 1, sheet.size());
    assertEquals(3, sheet.stream().filter(row -> row.get(6).equals("not drawn, the section is full")).count());
    assertEquals(400, service.http.get("/api/admin/rounds/" + pre + "/export?format=pdf").bearerTokenAuthentication(admin).send().await()
      .statusCode());
  }

  @Test
  void addDropDeadlineAndASeatHeldBackUntilItsRandomTime() throws Exception {
    long one = term.section("ONE", 1, 1, "08:00", "10:00");
    long other = term.section("OTHER", 5, 2, "08:00", "10:00");
    List<String> students = term.students("A", 3);
    service.start();
    admin = service.login("office");
    long addDrop = create(round("ADD_DROP", now.minus(Duration.ofMinutes(5)), now.plus(Duration.ofHours(2)))
      .put("releaseMinSeconds", 4).put("releaseMaxSeconds", 5));
    List<String> tokens = students.stream().map(service::login).toList();
    assertEquals(201, service.select(tokens.get(0), one, false).await().statusCode());
    assertEquals(202, service.select(tokens.get(1), one, true).await().statusCode());

    long dropped = System.currentTimeMillis();
    assertEquals(204, service.drop(tokens.get(0), one).await().statusCode());
    // Held back: neither the waitlist head, nor anyone else, nor the dropper gets it before its time.
    assertEquals("SECTION_FULL", Service.errorCode(service.select(tokens.get(0), one, false).await()));
    assertEquals("SECTION_FULL", Service.errorCode(service.select(tokens.get(2), one, false).await()));
    assertEquals("WAITLISTED", service.select(tokens.get(1), one, false).await().bodyAsJsonObject().getString("status"));
    JsonObject waiting = service.http.get("/api/selections").bearerTokenAuthentication(tokens.get(1)).send().await().bodyAsJsonObject();
    assertEquals(0, waiting.getJsonArray("enrolled").size());
    assertEquals(List.of(), service.audit(term.id));
    service.drain(term.id);
    String releaseAt = fixture.rows("SELECT UNIX_TIMESTAMP(at) * 1000 FROM selection_events WHERE term_id = ? AND type = 'HOLD'", term.id).get(0);
    long delay = (long) Double.parseDouble(releaseAt) - dropped;
    assertTrue(delay >= 3_900 && delay <= 5_500, "the recorded delay is within the round's range: " + delay);

    Eventually.holds(() -> System.currentTimeMillis() > (long) Double.parseDouble(releaseAt) + 50, 10_000, "release time");
    assertEquals(201, service.select(tokens.get(2), one, false).await().statusCode(), "released to everyone, first come");
    assertEquals(List.of(), service.audit(term.id));

    // Past the round's drop deadline, drops are refused; selecting goes on.
    HttpResponse<Buffer> deadline = service.http.put("/api/admin/rounds/" + addDrop).bearerTokenAuthentication(admin)
      .sendJsonObject(new JsonObject().put("dropClosesAt", Instant.now().minus(Duration.ofMinutes(1)).toString())).await();
    assertEquals(200, deadline.statusCode(), deadline.bodyAsString());
    assertEquals("DROP_CLOSED", Service.errorCode(service.drop(tokens.get(2), one).await()));
    assertEquals(201, service.select(tokens.get(2), other, false).await().statusCode());
    assertEquals(List.of(), service.audit(term.id));
  }

  @Test
  void aPlanIsTriedWholeInOneStepInPlanOrder() throws Exception {
    long full = term.section("FULL", 1, 1, "08:00", "10:00");
    long free = term.section("FREE", 5, 2, "08:00", "10:00");
    long clash = term.section("CLASH", 5, 2, "09:00", "11:00");
    List<String> students = term.students("P", 2);
    service.start();
    admin = service.login("office");
    create(round("FIRST_COME", now.minus(Duration.ofMinutes(5)), now.plus(Duration.ofHours(2))));
    String taker = service.login(students.get(0));
    String planner = service.login(students.get(1));
    assertEquals(201, service.select(taker, full, false).await().statusCode());
    assertEquals(200, putWishes(planner, full, free, clash).statusCode());
    HttpResponse<Buffer> tried = service.http.post("/api/wishes/enroll").bearerTokenAuthentication(planner)
      .sendJsonObject(new JsonObject().put("termId", term.id)).await();
    assertEquals(200, tried.statusCode(), tried.bodyAsString());
    JsonArray results = tried.bodyAsJsonObject().getJsonArray("results");
    assertEquals(List.of("REFUSED:SECTION_FULL", "ENROLLED:null", "REFUSED:TIME_CONFLICT"), results.stream().map(JsonObject.class::cast)
      .map(r -> r.getString("status") + ":" + r.getString("code")).toList());
    assertEquals(List.of(full, free, clash), results.stream().map(r -> ((JsonObject) r).getLong("sectionId")).toList());
    assertEquals(free, results.getJsonObject(2).getJsonObject("details").getLong("sectionId"));
    assertEquals(List.of(), service.audit(term.id));
  }

  @Test
  void aTermWithoutRoundsIsOneFirstComeRoundAndRoundsMustFitTheTerm() throws Exception {
    long section = term.section("S", 5, 1, "08:00", "10:00");
    List<String> students = term.students("N", 1);
    service.start();
    admin = service.login("office");
    String token = service.login(students.get(0));
    assertEquals(201, service.select(token, section, false).await().statusCode());
    HttpResponse<Buffer> outside = adminPost("/api/admin/rounds", round("FIRST_COME", now.minus(Duration.ofDays(2)), now));
    assertEquals(400, outside.statusCode());
    assertEquals("BEFORE_TERM", outside.bodyAsJsonObject().getJsonObject("error").getJsonObject("details").getJsonObject("fields").getString("opensAt"));
    assertEquals(400, adminPost("/api/admin/rounds", round("LOTTERY", now, now.plusSeconds(60))).statusCode());
    create(round("FIRST_COME", now.minus(Duration.ofMinutes(5)), now.plus(Duration.ofHours(1))));
    assertEquals(400, adminPost("/api/admin/rounds", round("ADD_DROP", now, now.plus(Duration.ofHours(2)))).statusCode(), "overlap");
    assertEquals(1, service.http.get("/api/admin/rounds?termId=" + term.id).bearerTokenAuthentication(admin).send().await()
      .bodyAsJsonArray().size());
    assertEquals("ALREADY_ENROLLED", Service.errorCode(service.select(token, section, false).await()));
    assertTrue(service.redis.hget(new TermKeys(term.id).term(), "rounds").await().toString().contains(":"));
  }
}
