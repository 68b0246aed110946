package edu.xuanke.admin;

import edu.xuanke.course.TermKeys;
import edu.xuanke.support.Eventually;
import edu.xuanke.support.Fixture;
import edu.xuanke.support.Service;
import edu.xuanke.support.TestConfig;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.multipart.MultipartForm;
import org.dhatim.fastexcel.Workbook;
import org.dhatim.fastexcel.Worksheet;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Bulk import of students: good rows land, bad rows are reported by number, one-time passwords work. */
class StudentImportTest {

  private Service service;
  private Fixture fixture;
  private Fixture.Term term;
  private Fixture.Term earlier;
  private String admin;

  @BeforeEach
  void setUp() throws Exception {
    service = new Service(TestConfig.json());
    fixture = service.freshStores();
    earlier = fixture.openTerm(2);
    earlier.students("IM", 1);
    term = fixture.openTerm(2);
    term.section("C1", 5, 1, "08:00", "10:00");
    fixture.admin("office");
    service.start();
    admin = service.login("office");
  }

  @AfterEach
  void tearDown() throws Exception {
    service.close();
    fixture.close();
  }

  private HttpResponse<Buffer> upload(String fileName, Buffer content, long termId) {
    return service.http.post("/api/admin/students/import?termId=" + termId).bearerTokenAuthentication(admin)
      .sendMultipartForm(MultipartForm.create().binaryFileUpload("file", fileName, content, "application/octet-stream")).await();
  }

  @Test
  void aRefusedUploadIsAnsweredBeforeItsFileIsRead() throws Exception {
    String student = service.login("IM0001");
    assertEquals(401, refusedWhileSending("X-None: none"), "no token");
    assertEquals(403, refusedWhileSending("Authorization: Bearer " + student), "a student");
    assertEquals(403, refusedWhileSending("Cookie: xk_token=" + admin), "a cookie without the CSRF token");
  }

  /**
   * Starts a 20 MB upload and, with most of its body unsent, reads the answer's status: the caller must be
   * refused before the file is read, no part of it is written to the upload directory, and the connection
   * is closed rather than left holding the unread body.
   */
  private int refusedWhileSending(String credentials) throws Exception {
    String marker = "upload-" + UUID.randomUUID();
    try (Socket socket = new Socket("localhost", service.config.httpPort())) {
      socket.setSoTimeout(5000);
      String head = "POST /api/admin/students/import?termId=" + term.id + " HTTP/1.1\r\nHost: localhost\r\n"
        + credentials + "\r\nContent-Type: multipart/form-data; boundary=XK\r\nContent-Length: 20000000\r\n\r\n"
        + "--XK\r\nContent-Disposition: form-data; name=\"file\"; filename=\"s.csv\"\r\n"
        + "Content-Type: text/csv\r\n\r\n" + (marker + "\n").repeat(1000);
      socket.getOutputStream().write(head.getBytes(StandardCharsets.ISO_8859_1));
      socket.getOutputStream().flush();
      BufferedReader answer = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.ISO_8859_1));
      String statusLine = answer.readLine();
      assertTrue(closedAfterTheAnswer(answer), "the connection is closed, not left holding the unread body");
      Path uploads = Path.of(System.getProperty("java.io.tmpdir"), "xuanke-uploads");
      if (Files.isDirectory(uploads)) {
        try (Stream<Path> files = Files.list(uploads)) {
          assertFalse(files.anyMatch(file -> holds(file, marker)), "nothing of the refused file was written");
        }
      }
      return Integer.parseInt(statusLine.split(" ")[1]);
    }
  }

  /** Reads to the end of the connection: true when the server closed it (a reset, as its body was unread). */
  private static boolean closedAfterTheAnswer(BufferedReader answer) throws IOException {
    try {
      while (answer.readLine() != null) {
        // the rest of the answer
      }
      return true;
    } catch (SocketException reset) {
      return true;
    } catch (SocketTimeoutException open) {
      return false;
    }
  }

  private static boolean holds(Path file, String marker) {
    try {
      return Files.readString(file, StandardCharsets.ISO_8859_1).contains(marker);
    } catch (IOException gone) {
      return false;
    }
  }

  /** Waits for the job to end and returns it. */
  JsonObject finished(String jobId) {
    JsonObject[] job = new JsonObject[1];
    Eventually.holds(() -> {
      job[0] = service.http.get("/api/admin/jobs/" + jobId).bearerTokenAuthentication(admin).send().await().bodyAsJsonObject();
      return !"RUNNING".equals(job[0].getString("state"));
    }, 60_000, "the import finishes");
    return job[0];
  }

  /** The job's errors as the API lists them: in row order, each row's in column order. */
  private static List<JsonObject> errors(JsonObject job) {
    List<JsonObject> errors = new ArrayList<>();
    job.getJsonArray("errors").forEach(e -> errors.add((JsonObject) e));
    return errors;
  }

  private static JsonObject error(int row, String code) {
    return new JsonObject().put("row", row).put("code", code);
  }

  @Test
  void goodRowsLandAndEveryBadRowIsReportedWithItsNumber() {
    String movedToken = service.login("IM0001");
    String csv = "\uFEFF学号,姓名,性别,班级,专业,学院,邮箱,手机\n"
      + "NEW0001,张三,男,C1,M1,理学院,new1@example.edu.cn,13800000001\n"   // 2: created
      + "IM0001,,,,,,,\n"                                                   // 3: moved from the earlier term
      + ",李四,女,C1,M1,理学院,,\n"                                          // 4
      + "NEW0002,王五,X,C1,M1,理学院,,\n"                                    // 5
      + "NEW0001,张三,男,C1,M1,理学院,,\n"                                   // 6
      + "NEW0003,赵六,女,C1,M1,不存在学院,,\n"                               // 7
      + "office,,,,,,,\n"                                                   // 8: an admin account
      + "NEW0004,钱七,女,C1,M1,理学院,bad-email,\n"                          // 9
      + "\n"                                                                // 10: blank, skipped
      + "NEW0005,孙八,女,C2,M2,海洋学院,,13800000005\n";                     // 11: created
    HttpResponse<Buffer> started = upload("students.csv", Buffer.buffer(csv), term.id);
    assertEquals(202, started.statusCode(), started.bodyAsString());

    JsonObject job = finished(started.bodyAsJsonObject().getString("jobId"));

    assertEquals("DONE", job.getString("state"), job.encode());
    assertEquals(9L, job.getLong("total"));
    assertEquals(9L, job.getLong("done"));
    assertEquals(2L, job.getLong("created"));
    assertEquals(1L, job.getLong("moved"));
    assertEquals(List.of(error(4, "MISSING_STUDENT_ID"), error(5, "INVALID_GENDER"), error(6, "DUPLICATE_IN_FILE"),
      error(7, "UNKNOWN_COLLEGE"), error(8, "NOT_A_STUDENT"), error(9, "INVALID_EMAIL")), errors(job));
    assertEquals(List.of("IM0001|" + term.id + "|0", "NEW0001|" + term.id + "|1", "NEW0005|" + term.id + "|1"),
      fixture.rows("SELECT student_id, cohort_term_id, must_change_password FROM accounts WHERE role = 'STUDENT'"
        + " AND cohort_term_id = ? ORDER BY student_id", term.id));
    assertEquals(List.of("张三|M|C1|M1|理学院|new1@example.edu.cn|13800000001"),
      fixture.rows("SELECT name, gender, class_name, major, college, email, phone FROM accounts WHERE student_id = 'NEW0001'"));
    // A moved student's session in the cohort they left ends.
    assertEquals(401, service.http.get("/api/me").bearerTokenAuthentication(movedToken).send().await().statusCode());
    // The term's live cohort knows the new students.
    TermKeys keys = new TermKeys(term.id);
    assertEquals("1", service.redis.hget(keys.cohort(), "NEW0001").await().toString());
    assertEquals("1", service.redis.hget(keys.cohort(), "IM0001").await().toString());

    long ttl = service.redis.ttl("xk:admin:job:" + job.getString("jobId") + ":passwords").await().toLong();
    assertTrue(ttl > 0 && ttl <= 3600, "the passwords file is kept an hour at most: " + ttl);
    Map<String, String> passwords = passwords(job.getString("jobId"));
    assertEquals(List.of("NEW0001", "NEW0005"), passwords.keySet().stream().sorted().toList());
    assertEquals(passwords, passwords(job.getString("jobId")), "the file can be downloaded again until it expires");

    firstLoginMustChangeTheOneTimePassword("NEW0001", passwords.get("NEW0001"));
  }

  @Test
  void reimportingAStudentAlreadyInTheTermKeepsTheirSession() throws Exception {
    String student = term.students("IN", 1).get(0);
    String token = service.login(student);

    HttpResponse<Buffer> started = upload("again.csv", Buffer.buffer("学号,姓名\n" + student + ",新名字\n"), term.id);
    assertEquals(202, started.statusCode(), started.bodyAsString());
    JsonObject job = finished(started.bodyAsJsonObject().getString("jobId"));

    assertEquals("DONE", job.getString("state"), job.encode());
    assertEquals(List.of("新名字|" + term.id), fixture.rows("SELECT name, cohort_term_id FROM accounts WHERE student_id = ?", student));
    assertEquals(200, service.http.get("/api/me").bearerTokenAuthentication(token).send().await().statusCode());
  }

  @Test
  void aJobFailingMidwayStillHandsOutThePasswordsOfItsCommittedBatches() throws Exception {
    // The second batch (rows from 501 on) fails in MySQL; the first was committed.
    fixture.execute("CREATE TRIGGER refuse_late BEFORE INSERT ON accounts FOR EACH ROW"
      + " IF NEW.student_id = 'LATE0600' THEN SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'refused'; END IF");
    StringBuilder csv = new StringBuilder("学号\n");
    for (int i = 1; i <= 600; i++) csv.append(String.format("LATE%04d%n", i));

    HttpResponse<Buffer> started = upload("late.csv", Buffer.buffer(csv.toString()), term.id);
    JsonObject job = finished(started.bodyAsJsonObject().getString("jobId"));

    assertEquals("FAILED", job.getString("state"), job.encode());
    assertEquals(List.of("500"), fixture.rows("SELECT COUNT(*) FROM accounts WHERE student_id LIKE 'LATE%'"));
    Map<String, String> passwords = passwords(job.getString("jobId"));
    assertEquals(500, passwords.size());
    assertEquals(200, service.http.post("/api/auth/login").sendJsonObject(new JsonObject().put("studentId", "LATE0001")
      .put("password", passwords.get("LATE0001"))).await().statusCode());
  }

  @Test
  void aJobKeepsTheFirstThousandErrorsAndCountsThemAllAndAHugeFileIsRefused() {
    StringBuilder bad = new StringBuilder("学号,性别\n");
    for (int i = 1; i <= 1_200; i++) bad.append(String.format("BAD%04d,X%n", i));
    JsonObject job = finished(upload("bad.csv", Buffer.buffer(bad.toString()), term.id).bodyAsJsonObject().getString("jobId"));
    assertEquals("DONE", job.getString("state"));
    assertEquals(1_000, job.getJsonArray("errors").size());
    assertEquals(1_200L, job.getLong("errorCount"));

    StringBuilder huge = new StringBuilder("学号\n");
    for (int i = 1; i <= 100_001; i++) huge.append('H').append(i).append('\n');
    HttpResponse<Buffer> started = upload("huge.csv", Buffer.buffer(huge.toString()), term.id);
    assertEquals(202, started.statusCode(), started.bodyAsString());
    JsonObject refused = finished(started.bodyAsJsonObject().getString("jobId"));
    assertEquals("FAILED", refused.getString("state"));
    assertEquals(new JsonArray().add(error(0, "TOO_MANY_ROWS")), refused.getJsonArray("errors"));
    assertEquals(List.of("0"), fixture.rows("SELECT COUNT(*) FROM accounts WHERE student_id LIKE 'H%'"));
  }

  private Map<String, String> passwords(String jobId) {
    HttpResponse<Buffer> file = service.http.get("/api/admin/jobs/" + jobId + "/passwords").bearerTokenAuthentication(admin)
      .send().await();
    assertEquals(200, file.statusCode());
    String text = file.bodyAsString(StandardCharsets.UTF_8.name());
    assertTrue(text.startsWith("\uFEFF学号,姓名,一次性密码\r\n"), text);
    Map<String, String> out = new HashMap<>();
    for (String line : text.substring(text.indexOf('\n') + 1).split("\r\n")) {
      if (line.isEmpty()) continue;
      String[] parts = line.split(",");
      out.put(parts[0], parts[parts.length - 1]);
    }
    return out;
  }

  private void firstLoginMustChangeTheOneTimePassword(String studentId, String oneTime) {
    HttpResponse<Buffer> login = service.http.post("/api/auth/login")
      .sendJsonObject(new JsonObject().put("studentId", studentId).put("password", oneTime)).await();
    assertEquals(200, login.statusCode(), login.bodyAsString());
    assertTrue(login.bodyAsJsonObject().getJsonObject("user").getBoolean("mustChangePassword"));
    String token = login.bodyAsJsonObject().getString("token");
    long section = fixture.rows("SELECT id FROM sections WHERE term_id = ?", term.id).stream().mapToLong(Long::parseLong).findFirst()
      .orElseThrow();
    HttpResponse<Buffer> refused = service.select(token, section, false).await();
    assertEquals(403, refused.statusCode());
    assertEquals("PASSWORD_CHANGE_REQUIRED", Service.errorCode(refused));

    HttpResponse<Buffer> wrong = service.http.put("/api/me/password").bearerTokenAuthentication(token)
      .sendJsonObject(new JsonObject().put("currentPassword", "not-it-at-all").put("newPassword", "mine-now-123")).await();
    assertEquals(401, wrong.statusCode());
    HttpResponse<Buffer> changed = service.http.put("/api/me/password").bearerTokenAuthentication(token)
      .sendJsonObject(new JsonObject().put("currentPassword", oneTime).put("newPassword", "mine-now-123")).await();
    assertEquals(204, changed.statusCode(), changed.bodyAsString());

    HttpResponse<Buffer> again = service.http.post("/api/auth/login")
      .sendJsonObject(new JsonObject().put("studentId", studentId).put("password", "mine-now-123")).await();
    assertFalse(again.bodyAsJsonObject().getJsonObject("user").getBoolean("mustChangePassword"));
    HttpResponse<Buffer> selected = service.select(again.bodyAsJsonObject().getString("token"), section, false).await();
    assertEquals(201, selected.statusCode(), "the import gave them a complete profile: " + selected.bodyAsString());
  }

  /** The 50,000-row figure comes from `AdminBench` (README); here a tenth of it, with the same checks. */
  @Test
  void fiveThousandRowsImportWhileTheServiceKeepsAnswering() {
    int rows = 5_000;
    StringBuilder csv = new StringBuilder("学号,姓名,性别,班级,专业,学院,邮箱,手机\n");
    for (int i = 1; i <= rows; i++) {
      csv.append(String.format("L%06d,学生%d,%s,C%d,M1,理学院,l%06d@example.edu.cn,138%08d%n", i, i, i % 2 == 0 ? "男" : "女", i % 30, i, i));
    }
    int blockedBefore = edu.xuanke.support.BlockedThreads.count();
    long started = System.nanoTime();
    String jobId = upload("students.csv", Buffer.buffer(csv.toString()), term.id).bodyAsJsonObject().getString("jobId");
    long slowestHealthMs = 0;
    JsonObject job;
    do {
      long t0 = System.nanoTime();
      assertEquals(200, service.http.get("/health").send().await().statusCode());
      slowestHealthMs = Math.max(slowestHealthMs, (System.nanoTime() - t0) / 1_000_000);
      job = service.http.get("/api/admin/jobs/" + jobId).bearerTokenAuthentication(admin).send().await().bodyAsJsonObject();
    } while ("RUNNING".equals(job.getString("state")));
    long seconds = (System.nanoTime() - started) / 1_000_000_000;
    System.out.printf("import of %,d rows: %d s, slowest /health %d ms%n", rows, seconds, slowestHealthMs);

    assertEquals("DONE", job.getString("state"));
    assertEquals((long) rows, job.getLong("created"));
    assertEquals(List.of(Integer.toString(rows)), fixture.rows("SELECT COUNT(*) FROM accounts WHERE cohort_term_id = ?", term.id));
    assertEquals(blockedBefore, edu.xuanke.support.BlockedThreads.count(), "no event loop was blocked");
    assertTrue(slowestHealthMs < 1_000, "the service kept answering: slowest /health " + slowestHealthMs + " ms");
    assertTrue(seconds < 60, "5,000 rows within a minute, took " + seconds + " s");
  }

  @Test
  void anXlsxWithEnglishHeadersIsRead() throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    Workbook workbook = new Workbook(bytes, "test", "1.0");
    Worksheet sheet = workbook.newWorksheet("Students");
    String[][] rows = {
      {"Student ID", "Name", "Gender", "Class", "Major", "College", "Email", "Phone"},
      {"X0001", "Alice", "F", "C1", "M1", "理学院", "alice@example.edu.cn", "13800000001"},
      {"X0002", "Bob", "male", "C1", "M1", "理学院", "", ""},
      {"X 3", "Bad", "M", "", "", "", "", ""},
    };
    for (int r = 0; r < rows.length; r++) for (int c = 0; c < rows[r].length; c++) sheet.value(r, c, rows[r][c]);
    sheet.value(4, 0, 20250001);  // a student id typed as a number
    workbook.finish();

    HttpResponse<Buffer> started = upload("students.xlsx", Buffer.buffer(bytes.toByteArray()), term.id);
    assertEquals(202, started.statusCode(), started.bodyAsString());
    JsonObject job = finished(started.bodyAsJsonObject().getString("jobId"));

    assertEquals("DONE", job.getString("state"));
    assertEquals(List.of(error(4, "INVALID_STUDENT_ID")), errors(job));
    assertEquals(List.of("20250001||", "X0001|Alice|F", "X0002|Bob|M"),
      fixture.rows("SELECT student_id, name, COALESCE(gender, '') FROM accounts WHERE cohort_term_id = ? ORDER BY student_id", term.id));
  }

  @Test
  void aFileThatCannotBeReadFailsTheJobOrIsRefused() {
    HttpResponse<Buffer> pdf = upload("students.pdf", Buffer.buffer("%PDF"), term.id);
    assertEquals(400, pdf.statusCode());
    assertEquals(new JsonObject().put("file", "UNSUPPORTED_FORMAT"),
      pdf.bodyAsJsonObject().getJsonObject("error").getJsonObject("details").getJsonObject("fields"));

    HttpResponse<Buffer> noIds = upload("students.csv", Buffer.buffer("姓名,班级\n张三,C1\n"), term.id);
    JsonObject job = finished(noIds.bodyAsJsonObject().getString("jobId"));
    assertEquals("FAILED", job.getString("state"));
    assertEquals(new JsonArray().add(error(0, "NO_STUDENT_ID_COLUMN")), job.getJsonArray("errors"));

    HttpResponse<Buffer> notXlsx = upload("students.xlsx", Buffer.buffer("学号\n1\n"), term.id);
    assertEquals("UNREADABLE_FILE", finished(notXlsx.bodyAsJsonObject().getString("jobId")).getJsonArray("errors")
      .getJsonObject(0).getString("code"));

    HttpResponse<Buffer> openQuote = upload("students.csv", Buffer.buffer("学号,姓名\nQ1,A\nQ2,\"B\nQ3,C\n"), term.id);
    JsonObject quoted = finished(openQuote.bodyAsJsonObject().getString("jobId"));
    assertEquals("FAILED", quoted.getString("state"));
    assertEquals(new JsonArray().add(error(3, "UNTERMINATED_QUOTE").put("line", 3)), quoted.getJsonArray("errors"));

    HttpResponse<Buffer> unknownTerm = upload("students.csv", Buffer.buffer("学号\n1\n"), 999);
    assertEquals(400, unknownTerm.statusCode());
    assertEquals(List.of("0"), fixture.rows("SELECT COUNT(*) FROM accounts WHERE cohort_term_id = ?", term.id));
  }

  @Test
  void oneStudentIsAddedWithAOneTimePasswordAndCanBeFound() {
    HttpResponse<Buffer> added = service.http.post("/api/admin/students").bearerTokenAuthentication(admin)
      .sendJsonObject(new JsonObject().put("termId", term.id).put("studentId", "ONE0001").put("name", "单个")
        .put("email", "one@example.edu.cn")).await();
    assertEquals(201, added.statusCode(), added.bodyAsString());
    assertEquals("no-store", added.getHeader("Cache-Control"));
    String oneTime = added.bodyAsJsonObject().getString("temporaryPassword");
    assertEquals(14, oneTime.length());

    HttpResponse<Buffer> bad = service.http.post("/api/admin/students").bearerTokenAuthentication(admin)
      .sendJsonObject(new JsonObject().put("termId", term.id).put("studentId", "ONE0002").put("gender", "?")).await();
    assertEquals(400, bad.statusCode());
    assertEquals(new JsonObject().put("gender", "INVALID_GENDER"),
      bad.bodyAsJsonObject().getJsonObject("error").getJsonObject("details").getJsonObject("fields"));

    HttpResponse<Buffer> found = service.http.get("/api/admin/students?q=ONE&size=10").bearerTokenAuthentication(admin).send().await();
    assertEquals(1L, found.bodyAsJsonObject().getLong("total"));
    assertEquals("单个", found.bodyAsJsonObject().getJsonArray("items").getJsonObject(0).getString("name"));
    HttpResponse<Buffer> farPage = service.http.get("/api/admin/students?page=2147483647&size=200").bearerTokenAuthentication(admin)
      .send().await();
    assertEquals(400, farPage.statusCode(), farPage.bodyAsString());
    assertEquals(new JsonObject().put("page", "OUT_OF_RANGE"),
      farPage.bodyAsJsonObject().getJsonObject("error").getJsonObject("details").getJsonObject("fields"));
  }

  /** Excel on Chinese Windows saves CSV in GBK; UTF-8 comes with or without a byte-order mark: all read alike. */
  @Test
  void csvInGbkAndUtf8WithOrWithoutBomIsReadAlike() {
    String csv = "学号,姓名,性别,班级,专业,学院,邮箱,手机\n"
      + "%s,欧阳娜娜,女,计科一班,计算机科学,理学院,,+86 138-0013-8000\n";
    Map<String, byte[]> files = Map.of(
      "GBK1", String.format(csv, "GBK1").getBytes(java.nio.charset.Charset.forName("GBK")),
      "U8B1", ("\uFEFF" + String.format(csv, "U8B1")).getBytes(StandardCharsets.UTF_8),
      "U8N1", String.format(csv, "U8N1").getBytes(StandardCharsets.UTF_8));
    for (Map.Entry<String, byte[]> file : files.entrySet()) {
      HttpResponse<Buffer> started = upload(file.getKey() + ".csv", Buffer.buffer(file.getValue()), term.id);
      JsonObject job = finished(started.bodyAsJsonObject().getString("jobId"));
      assertEquals("DONE", job.getString("state"), job.encode());
      assertEquals(new JsonArray(), job.getJsonArray("errors"), file.getKey());
      assertEquals(List.of("欧阳娜娜|F|计科一班|计算机科学|理学院|13800138000"),
        fixture.rows("SELECT name, gender, class_name, major, college, phone FROM accounts WHERE student_id = ?", file.getKey()),
        file.getKey() + ": names and the normalised phone");
    }
  }

  /** A row with several problems reports each of them, in the order of its columns. */
  @Test
  void everyProblemOfARowIsReportedInColumnOrder() {
    String csv = "学号,姓名,性别,班级,专业,学院,邮箱,手机\n"
      + "BAD0001,某,X,C1,M1,不存在学院,bad-email,123\n"
      + ",某,男,C1,M1,理学院,,\n";
    JsonObject job = finished(upload("two.csv", Buffer.buffer(csv), term.id).bodyAsJsonObject().getString("jobId"));
    assertEquals(List.of(error(2, "INVALID_GENDER"), error(2, "UNKNOWN_COLLEGE"), error(2, "INVALID_EMAIL"),
      error(2, "INVALID_PHONE"), error(3, "MISSING_STUDENT_ID")), errors(job));

    HttpResponse<Buffer> bad = service.http.post("/api/admin/students").bearerTokenAuthentication(admin)
      .sendJsonObject(new JsonObject().put("termId", term.id).put("studentId", "ONE0009").put("gender", "?")
        .put("email", "nope").put("phone", "12")).await();
    assertEquals(new JsonObject().put("gender", "INVALID_GENDER").put("email", "INVALID_EMAIL").put("phone", "INVALID_PHONE"),
      bad.bodyAsJsonObject().getJsonObject("error").getJsonObject("details").getJsonObject("fields"), "every field at once");
  }

  @Test
  void idsFromTheOfficeAreStoredInTheirCanonicalForm() {
    HttpResponse<Buffer> added = service.http.post("/api/admin/students").bearerTokenAuthentication(admin)
      .sendJsonObject(new JsonObject().put("termId", term.id).put("studentId", " ｏｎｅ0003 ").put("name", "宽字")).await();
    assertEquals(201, added.statusCode(), added.bodyAsString());
    assertEquals("ONE0003", added.bodyAsJsonObject().getString("studentId"));
    HttpResponse<Buffer> again = service.http.post("/api/admin/students").bearerTokenAuthentication(admin)
      .sendJsonObject(new JsonObject().put("termId", term.id).put("studentId", "one0003")).await();
    assertEquals(409, again.statusCode(), "the same student (the office is asked), not a second account");
    assertEquals("ONE0003", again.bodyAsJsonObject().getJsonObject("error").getJsonObject("details").getString("studentId"));
    assertEquals(List.of("ONE0003"), fixture.rows("SELECT student_id FROM accounts WHERE student_id LIKE 'one%'"));

    for (JsonObject refused : List.of(
      new JsonObject().put("studentId", "ONE-4").put("expect", new JsonObject().put("studentId", "INVALID_STUDENT_ID")),
      new JsonObject().put("studentId", "ONE0005").put("name", "A\u202EB").put("expect", new JsonObject().put("name", "INVALID_CHARACTERS")),
      new JsonObject().put("studentId", "ONE0006").put("email", "x\r\n@example.edu.cn")
        .put("expect", new JsonObject().put("email", "INVALID_CHARACTERS")))) {
      HttpResponse<Buffer> answer = service.http.post("/api/admin/students").bearerTokenAuthentication(admin)
        .sendJsonObject(refused.copy().put("termId", term.id)).await();
      assertEquals(400, answer.statusCode(), answer.bodyAsString());
      assertEquals(refused.getJsonObject("expect"),
        answer.bodyAsJsonObject().getJsonObject("error").getJsonObject("details").getJsonObject("fields"));
    }

    String jobId = upload("ids.csv", Buffer.buffer("学号,姓名\nim0100,甲\nＩＭ0100,乙\nim 0101,丙\n"), term.id)
      .bodyAsJsonObject().getString("jobId");
    JsonObject job = finished(jobId);
    assertEquals(List.of(new JsonObject().put("row", 3).put("code", "DUPLICATE_IN_FILE"),
      new JsonObject().put("row", 4).put("code", "INVALID_STUDENT_ID")), errors(job));
    assertEquals(List.of("IM0100|甲"), fixture.rows("SELECT student_id, name FROM accounts WHERE student_id LIKE 'im01%'"));

    // A reset by the id as typed reaches the account as stored, and ends its session.
    String session = service.http.post("/api/auth/login").sendJsonObject(new JsonObject().put("studentId", "ONE0003")
      .put("password", added.bodyAsJsonObject().getString("temporaryPassword"))).await().bodyAsJsonObject().getString("token");
    HttpResponse<Buffer> reset = service.http.post("/api/admin/students/one0003/reset-password").bearerTokenAuthentication(admin)
      .send().await();
    assertEquals(200, reset.statusCode(), reset.bodyAsString());
    assertEquals("ONE0003", reset.bodyAsJsonObject().getString("studentId"));
    assertEquals(401, service.http.get("/api/me").bearerTokenAuthentication(session).send().await().statusCode());
  }
}
