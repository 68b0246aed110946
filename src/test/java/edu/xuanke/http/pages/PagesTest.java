package edu.xuanke.http.pages;

import edu.xuanke.auth.OneTimePasswords;
import edu.xuanke.core.VertxSettings;
import edu.xuanke.support.Fixture;
import edu.xuanke.support.PageSession;
import edu.xuanke.support.Service;
import edu.xuanke.support.TestConfig;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Each page renders (status, key content, escaping, headers); forms are CSRF-checked. */
class PagesTest {

  private static final String EVIL_NAME = "<script>alert('x')</script>";

  private Service service;
  private Fixture fixture;
  private long python;
  private long ai;
  private String student;
  private String neighbour;

  @BeforeEach
  void start() throws Exception {
    service = new Service(TestConfig.json());
    fixture = service.freshStores();
    Fixture.Term term = fixture.openTerm(3);
    python = term.section("PY1", 30, 2, "18:45", "21:45");
    ai = term.section("AI1", 30, 2, "19:00", "20:00");
    List<String> students = term.students("S", 2);
    student = students.get(0);
    neighbour = students.get(1);
    fixture.execute("UPDATE accounts SET name = ? WHERE student_id = ?", EVIL_NAME, student);
    service.start();
  }

  @AfterEach
  void stop() throws Exception {
    if (service != null) service.close();
    if (fixture != null) fixture.close();
  }

  @Test
  void loginPageAndItsErrors() {
    PageSession browser = new PageSession(service.http);
    HttpResponse<Buffer> page = browser.get("/login");
    assertEquals(200, page.statusCode());
    assertTrue(page.bodyAsString().contains("name=\"studentId\""));
    assertTrue(page.getHeader("Content-Security-Policy").contains("script-src 'self'"));
    assertFalse(page.bodyAsString().matches("(?s).*<script>.*"), "no inline script");
    assertNotNull(browser.cookie("xk_pre"), "a pre-session cookie binds the login form's CSRF token");

    HttpResponse<Buffer> wrong = browser.post("/login", form("studentId", student, "password", "wrong-password"));
    assertEquals(401, wrong.statusCode());
    assertTrue(wrong.bodyAsString().contains("学号或密码错误"), wrong.bodyAsString());
    for (int i = 0; i < 4; i++) browser.post("/login", form("studentId", student, "password", "wrong-password"));
    HttpResponse<Buffer> locked = browser.post("/login", form("studentId", student, "password", Fixture.PASSWORD));
    assertEquals(429, locked.statusCode());
    assertTrue(locked.bodyAsString().contains("分钟后再试"), "lockout names the wait");
    assertTrue(Integer.parseInt(locked.getHeader("Retry-After")) > 0);
  }

  @Test
  void loginSetsAStrictHttpOnlyCookieAndGoesBack() {
    PageSession browser = new PageSession(service.http);
    HttpResponse<Buffer> redirect = browser.get("/timetable");
    assertEquals(303, redirect.statusCode());
    assertEquals("/login?next=%2Ftimetable", redirect.getHeader("Location"));
    browser.get("/login?next=%2Ftimetable");
    HttpResponse<Buffer> in = browser.post("/login", form("studentId", student, "password", Fixture.PASSWORD,
      "next", "/timetable"));
    assertEquals(303, in.statusCode());
    assertEquals("/timetable", in.getHeader("Location"));
    String cookie = in.cookies().stream().filter(c -> c.startsWith("xk_token=")).findFirst().orElseThrow();
    assertTrue(cookie.toLowerCase().contains("httponly") && cookie.contains("SameSite=Strict"), cookie);

    PageSession other = new PageSession(service.http);
    other.get("/login");
    HttpResponse<Buffer> offsite = other.post("/login", form("studentId", student, "password", Fixture.PASSWORD,
      "next", "//evil.example/"));
    assertEquals("/", offsite.getHeader("Location"), "never redirects to another site");
    for (String next : List.of("/\t/evil.example", "/\\evil.example", "/a\r\nSet-Cookie: x=1", "/\u0001")) {
      PageSession tricked = new PageSession(service.http);
      tricked.get("/login");
      HttpResponse<Buffer> back = tricked.post("/login", form("studentId", student, "password", Fixture.PASSWORD,
        "next", next));
      assertEquals(303, back.statusCode(), next);
      assertEquals("/", back.getHeader("Location"), "a control character or backslash could leave the site");
    }
  }

  @Test
  void languageSwitchNeverLeavesTheSite() {
    for (String next : List.of("%2F%09%2Fevil.example", "%2F%5Cevil.example", "%2F%5C%5Cevil.example",
        "%2Fa%0d%0aSet-Cookie:x=1", "%2F%01", "%2F%7F", "%2F%2Fevil.example", "https:%2F%2Fevil.example")) {
      HttpResponse<Buffer> switched = new PageSession(service.http).get("/lang/en?next=" + next);
      assertEquals(303, switched.statusCode(), next);
      assertEquals("/", switched.getHeader("Location"), next);
    }
    assertEquals("/timetable?x=1", new PageSession(service.http).get("/lang/en?next=%2Ftimetable%3Fx%3D1")
      .getHeader("Location"), "a local path is kept");
  }

  @Test
  void catalogShowsTheTermSectionsAndAnEscapedName() {
    PageSession browser = new PageSession(service.http).login(student, Fixture.PASSWORD);
    HttpResponse<Buffer> page = browser.get("/");
    assertEquals(200, page.statusCode());
    String html = page.bodyAsString();
    assertTrue(html.contains("PY1 title") && html.contains("AI1 title"));
    assertTrue(html.contains("data-seats-of=\"" + python + "\">30<"), "seats left");
    assertTrue(html.contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;"), "the name is escaped");
    assertFalse(html.contains(EVIL_NAME));
    assertFalse(html.contains("href=\"/admin\""), "no admin link for a student");
    assertEquals("no-store", page.getHeader("Cache-Control"));

    HttpResponse<Buffer> filtered = browser.get("/?weekday=3");
    // Filtered cards are rendered hidden, so the script can show them again without a reload.
    java.util.regex.Pattern hiddenCard = java.util.regex.Pattern.compile("id=\"section-" + python + "\"[^>]*\\shidden[\\s>]");
    assertTrue(hiddenCard.matcher(filtered.bodyAsString()).find(), "filtered out by weekday");
    assertFalse(hiddenCard.matcher(html).find(), "shown without a filter");
  }

  @Test
  void adminsSeeTheLinkToTheAdminPages() throws Exception {
    String admin = fixture.students("A", 1, null, true).get(0);
    fixture.execute("UPDATE accounts SET role = 'ADMIN' WHERE student_id = ?", admin);
    PageSession browser = new PageSession(service.http).login(admin, Fixture.PASSWORD);
    HttpResponse<Buffer> page = browser.get("/profile");
    assertEquals(200, page.statusCode());
    assertTrue(page.bodyAsString().contains("href=\"/admin\""), page.bodyAsString());
  }

  @Test
  void timetableListsWhatIsHeldAndTheCalendarRepeatsWeekly() {
    PageSession browser = new PageSession(service.http).login(student, Fixture.PASSWORD);
    browser.get("/");
    HttpResponse<Buffer> selected = browser.api(HttpMethod.POST, "/api/selections",
      new JsonObject().put("sectionId", python), true);
    assertEquals(201, selected.statusCode(), selected.bodyAsString());

    HttpResponse<Buffer> page = browser.get("/timetable");
    assertEquals(200, page.statusCode());
    assertTrue(page.bodyAsString().contains("data-grid-section=\"" + python + "\""), "in the weekly grid");
    assertTrue(page.bodyAsString().contains("18:45–21:45"));

    HttpResponse<Buffer> ics = browser.api(HttpMethod.GET, "/api/selections.ics", null, false);
    assertEquals(200, ics.statusCode());
    assertTrue(ics.getHeader("Content-Type").startsWith("text/calendar"));
    String calendar = ics.bodyAsString();
    assertTrue(calendar.startsWith("BEGIN:VCALENDAR\r\n"));
    assertTrue(calendar.contains("SUMMARY:PY1 title\r\n"));
    assertTrue(calendar.contains("RRULE:FREQ=WEEKLY;UNTIL="));
    assertTrue(calendar.contains("T104500Z"), "18:45 in Shanghai is 10:45 UTC: " + calendar);
  }

  @Test
  void profileShowsFieldErrorsAndSaves() {
    PageSession browser = new PageSession(service.http).login(student, Fixture.PASSWORD);
    HttpResponse<Buffer> page = browser.get("/profile");
    assertEquals(200, page.statusCode());
    assertTrue(page.bodyAsString().contains("value=\"&lt;script&gt;"), "the name field is escaped");

    MultiMap profile = form("name", "Li Lei", "gender", "M", "className", "C1", "major", "M1", "college", "理学院",
      "email", "not-an-email", "phone", "13800000000");
    HttpResponse<Buffer> bad = browser.post("/profile", profile);
    assertEquals(400, bad.statusCode());
    assertTrue(bad.bodyAsString().contains("id=\"email-error\">邮箱格式不正确"), bad.bodyAsString());
    assertTrue(bad.bodyAsString().contains("value=\"not-an-email\""), "keeps what was typed");
    assertEquals(List.of(EVIL_NAME), fixture.rows("SELECT name FROM accounts WHERE student_id = ?", student));

    profile.set("email", student.toLowerCase() + "@example.edu.cn");
    HttpResponse<Buffer> good = browser.post("/profile", profile);
    assertEquals(303, good.statusCode());
    assertEquals(List.of("Li Lei"), fixture.rows("SELECT name FROM accounts WHERE student_id = ?", student));
  }

  @Test
  void theProfileFormRefusesControlCharactersAndLocksAfterWrongCurrentPasswords() {
    PageSession browser = new PageSession(service.http).login(student, Fixture.PASSWORD);
    browser.get("/profile");
    MultiMap profile = form("name", "Li\u202ELei", "gender", "M", "className", "C1", "major", "M1", "college", "理学院",
      "email", student.toLowerCase() + "@example.edu.cn", "phone", "13800000000");
    HttpResponse<Buffer> sneaky = browser.post("/profile", profile);
    assertEquals(400, sneaky.statusCode());
    assertTrue(sneaky.bodyAsString().contains("id=\"name-error\">不能包含换行"), sneaky.bodyAsString());

    profile.set("name", "Li Lei").set("email", "elsewhere@example.com").set("currentPassword", "wrong-password");
    for (int i = 0; i < 5; i++) {
      HttpResponse<Buffer> wrong = browser.post("/profile", profile);
      assertEquals(400, wrong.statusCode());
      assertTrue(wrong.bodyAsString().contains("id=\"currentPassword-error\">不正确。"), wrong.bodyAsString());
    }
    HttpResponse<Buffer> locked = browser.post("/profile", profile.set("currentPassword", Fixture.PASSWORD));
    assertEquals(429, locked.statusCode());
    assertTrue(Integer.parseInt(locked.getHeader("Retry-After")) > 0);
    assertTrue(locked.bodyAsString().contains("id=\"currentPassword-error\">密码错误次数过多"), locked.bodyAsString());
    assertEquals(List.of(student.toLowerCase() + "@example.edu.cn"),
      fixture.rows("SELECT email FROM accounts WHERE student_id = ?", student));
  }

  @Test
  void passwordAndActivationPages() {
    PageSession browser = new PageSession(service.http).login(student, Fixture.PASSWORD);
    HttpResponse<Buffer> page = browser.get("/password");
    assertEquals(200, page.statusCode());
    assertTrue(page.bodyAsString().contains("id=\"send-code\""));
    assertTrue(page.bodyAsString().contains(student.toLowerCase() + "@example.edu.cn"));
    HttpResponse<Buffer> mismatch = browser.post("/password", form("code", "123456", "newPassword", "abcdef1",
      "repeatPassword", "abcdef2"));
    assertEquals(400, mismatch.statusCode());
    assertTrue(mismatch.bodyAsString().contains("两次输入的密码不一致"));
    HttpResponse<Buffer> wrongCode = browser.post("/password", form("code", "123456", "newPassword", "abcdef1",
      "repeatPassword", "abcdef1"));
    assertEquals(400, wrongCode.statusCode());
    assertTrue(wrongCode.bodyAsString().contains("id=\"code-error\""), wrongCode.bodyAsString());

    PageSession stranger = new PageSession(service.http);
    HttpResponse<Buffer> activate = stranger.get("/activate?token=%3Cb%3E");
    assertEquals(200, activate.statusCode());
    assertTrue(activate.bodyAsString().contains("value=\"&lt;b&gt;\""), "the token is escaped");
    HttpResponse<Buffer> invalid = stranger.post("/activate", form("token", "forged", "password", "abcdef1",
      "repeatPassword", "abcdef1"));
    assertEquals(400, invalid.statusCode());
    assertTrue(invalid.bodyAsString().contains("链接无效或已过期"));
  }

  @Test
  void aOneTimePasswordIsReplacedOnThePasswordPage() throws Exception {
    String oneTime = OneTimePasswords.generate();
    fixture.execute("UPDATE accounts SET password_hash = ?, must_change_password = TRUE WHERE student_id = ?",
      OneTimePasswords.hash(oneTime), neighbour);
    PageSession browser = new PageSession(service.http);
    browser.get("/login");
    HttpResponse<Buffer> in = browser.post("/login", form("studentId", neighbour, "password", oneTime, "next", "/"));
    assertEquals("/password", in.getHeader("Location"));

    String catalog = browser.get("/").bodyAsString();
    assertTrue(catalog.contains("id=\"password-required\"") && catalog.contains("href=\"/password\""), catalog);
    assertFalse(catalog.contains("data-action=\"select\""), "no buttons the API would refuse");

    String page = browser.get("/password").bodyAsString();
    assertTrue(page.contains("id=\"currentPassword\"") && page.contains("密码被重置"), page);
    assertFalse(page.contains("id=\"code\""), "no mailed-code field");
    browser.get("/lang/en?next=%2Fpassword");
    String english = browser.get("/password").bodyAsString();
    assertTrue(english.contains("Current (one-time) password") && english.contains("your password was reset"), english);
    browser.get("/lang/zh-CN?next=%2Fpassword");
    assertEquals(403, browser.postRaw("/password", form("currentPassword", oneTime, "newPassword", "mine-now-1",
      "repeatPassword", "mine-now-1")).statusCode(), "CSRF-checked");

    HttpResponse<Buffer> wrong = browser.post("/password", form("currentPassword", "not-it-at-all",
      "newPassword", "mine-now-1", "repeatPassword", "mine-now-1"));
    assertEquals(400, wrong.statusCode());
    assertTrue(wrong.bodyAsString().contains("id=\"currentPassword-error\">不是你登录时使用的一次性密码。"));
    HttpResponse<Buffer> tooShort = browser.post("/password", form("currentPassword", oneTime,
      "newPassword", "abc", "repeatPassword", "abc"));
    assertTrue(tooShort.bodyAsString().contains("id=\"newPassword-error\">太短"), tooShort.bodyAsString());
    HttpResponse<Buffer> mismatch = browser.post("/password", form("currentPassword", oneTime,
      "newPassword", "mine-now-1", "repeatPassword", "mine-now-2"));
    assertTrue(mismatch.bodyAsString().contains("id=\"repeatPassword-error\">两次输入的密码不一致"));
    assertEquals("1", fixture.rows("SELECT must_change_password FROM accounts WHERE student_id = ?", neighbour).get(0),
      "the refused forms changed nothing");

    HttpResponse<Buffer> changed = browser.post("/password", form("currentPassword", oneTime,
      "newPassword", "mine-now-1", "repeatPassword", "mine-now-1"));
    assertEquals(303, changed.statusCode(), changed.bodyAsString());
    assertEquals("/login?notice=passwordSet", changed.getHeader("Location"));
    assertEquals(303, browser.get("/").statusCode(), "the session has ended");
    assertTrue(browser.get("/login?notice=passwordSet").bodyAsString().contains("密码已设置，请用新密码登录后选课。"));

    PageSession again = new PageSession(service.http).login(neighbour, "mine-now-1");
    assertTrue(again.get("/").bodyAsString().contains("id=\"section-" + python + "\""), "the catalog with its sections");
    assertTrue(again.get("/password").bodyAsString().contains("id=\"send-code\""), "the mailed-code flow again");
  }

  @Test
  void formsAndCookieCallsWithoutTheCsrfTokenAreRefused() {
    PageSession browser = new PageSession(service.http).login(student, Fixture.PASSWORD);
    browser.get("/profile");
    HttpResponse<Buffer> forged = browser.postRaw("/profile", form("name", "Forged", "gender", "M", "className", "C1",
      "major", "M1", "college", "理学院", "email", student.toLowerCase() + "@example.edu.cn", "phone", "13800000000"));
    assertEquals(403, forged.statusCode());
    assertTrue(forged.getHeader("Content-Type").startsWith("text/html"));
    assertTrue(forged.bodyAsString().contains("表单已过期"), "an error page, not JSON");
    assertEquals(List.of(EVIL_NAME), fixture.rows("SELECT name FROM accounts WHERE student_id = ?", student));
    HttpResponse<Buffer> wrongToken = browser.postRaw("/logout", form("_csrf", "AAAA"));
    assertEquals(403, wrongToken.statusCode());

    HttpResponse<Buffer> noHeader = browser.api(HttpMethod.POST, "/api/selections", new JsonObject().put("sectionId", python), false);
    assertEquals(403, noHeader.statusCode());
    assertEquals("FORBIDDEN", Service.errorCode(noHeader));
    HttpResponse<Buffer> drop = browser.api(HttpMethod.DELETE, "/api/selections/" + python, null, false);
    assertEquals(403, drop.statusCode());
    assertEquals(List.of(), fixture.rows("SELECT section_id FROM enrollments"));

    String bearer = service.login(student);
    assertEquals(201, service.select(bearer, ai, false).await().statusCode(), "Bearer callers need no CSRF token");
  }

  @Test
  void assetsHaveETagsAndLanguageSwitches() {
    PageSession browser = new PageSession(service.http);
    String html = browser.get("/login").bodyAsString();
    java.util.regex.Matcher css = java.util.regex.Pattern.compile("href=\"(/static/app\\.css\\?v=[0-9a-f]+)\"").matcher(html);
    assertTrue(css.find(), html);
    HttpResponse<Buffer> asset = service.http.get(css.group(1)).send().await();
    assertEquals(200, asset.statusCode());
    assertTrue(asset.getHeader("Cache-Control").contains("immutable"));
    String etag = asset.getHeader("ETag");
    assertEquals(304, service.http.get("/static/app.css").putHeader("If-None-Match", etag).send().await().statusCode());
    assertEquals(404, service.http.get("/static/missing.js").send().await().statusCode());
    HttpResponse<Buffer> missingPage = service.http.get("/no-such-page").putHeader("Accept", "text/html").send().await();
    assertEquals(404, missingPage.statusCode());
    assertTrue(missingPage.bodyAsString().contains("页面不存在"), "a browser gets an HTML page");
    assertEquals("NOT_FOUND", Service.errorCode(service.http.get("/no-such-page").send().await()), "an API client JSON");

    HttpResponse<Buffer> switched = browser.get("/lang/en?next=%2Flogin");
    assertEquals(303, switched.statusCode());
    assertEquals("/login", switched.getHeader("Location"));
    String english = browser.get("/login").bodyAsString();
    assertTrue(english.contains("<html lang=\"en\">") && english.contains("Student ID"), english);
  }

  @Test
  void seatStreamSendsEveryCountThenTheChanges() throws Exception {
    String token = service.login(student);
    HttpClient client = service.vertx.createHttpClient();
    try {
      BlockingQueue<String> events = new LinkedBlockingQueue<>();
      // The handler is set on the event loop as the head arrives: set later from this thread, it would miss the first events.
      HttpClientResponse stream = client.request(HttpMethod.GET, service.config.httpPort(), "localhost", "/api/seats/stream")
        .compose(request -> request.putHeader("Authorization", "Bearer " + token).send())
        .onSuccess(response -> response.handler(chunk -> events.add(chunk.toString()))).await();
      assertEquals(200, stream.statusCode());
      assertTrue(stream.getHeader("Content-Type").startsWith("text/event-stream"));
      String first = nextEvent(events, "event: seats");
      assertTrue(first.contains("\"" + python + "\":30") && first.contains("\"" + ai + "\":30"), first);

      assertEquals(201, service.select(service.login(neighbour), python, false).await().statusCode());
      String change = nextEvent(events, "event: seats");
      assertTrue(change.contains("\"" + python + "\":29"), change);
      assertFalse(change.contains("\"" + ai + "\""), "only what changed: " + change);

      long stopping = System.currentTimeMillis();
      service.stop();
      assertTrue(System.currentTimeMillis() - stopping < 5000, "an open stream does not hold up the shutdown");
    } finally {
      client.close().await();
    }
  }

  /**
   * A student's pages each follow their own changes, however many are open (tabs, or a page the
   * browser keeps for its back button): with one stream more than there are event loops, two
   * share a loop's feed, and each still gets its {@code mine} event and no {@code session} event.
   * (The feed's first watcher once took the session out of the shared reading, so the second was
   * told its session had ended, and its page disabled every button.)
   */
  @Test
  void everyOpenPageOfAStudentKeepsItsStream() throws Exception {
    String token = service.login(student);
    int pages = VertxSettings.options().getEventLoopPoolSize() + 1;
    HttpClient client = service.vertx.createHttpClient(new HttpClientOptions(), new PoolOptions().setHttp1MaxSize(pages));
    try {
      List<StringBuffer> streams = new ArrayList<>();
      for (int i = 0; i < pages; i++) {
        StringBuffer received = new StringBuffer();
        // Set on the event loop as the head arrives, so no event is missed (see seatStreamSendsEveryCountThenTheChanges).
        HttpClientResponse stream = client.request(HttpMethod.GET, service.config.httpPort(), "localhost", "/api/seats/stream")
          .compose(request -> request.putHeader("Authorization", "Bearer " + token).send())
          .onSuccess(response -> response.handler(chunk -> received.append(chunk.toString()))).await();
        assertEquals(200, stream.statusCode());
        streams.add(received);
      }
      long deadline = System.currentTimeMillis() + 5000;
      while (System.currentTimeMillis() < deadline && !streams.stream().allMatch(s -> s.indexOf("event: mine") >= 0)) {
        Thread.sleep(100);
      }
      for (StringBuffer received : streams) {
        assertTrue(received.indexOf("event: mine") >= 0 && received.indexOf("event: session") < 0,
          "each of " + pages + " pages hears of its own changes, and its session lives: " + received);
      }
    } finally {
      client.close().await();
    }
  }

  /** The next chunk that holds {@code marker}, waiting at most a few seconds. */
  private static String nextEvent(BlockingQueue<String> events, String marker) throws InterruptedException {
    long deadline = System.currentTimeMillis() + 5000;
    while (System.currentTimeMillis() < deadline) {
      String chunk = events.poll(deadline - System.currentTimeMillis(), TimeUnit.MILLISECONDS);
      if (chunk != null && chunk.contains(marker)) return chunk;
    }
    throw new AssertionError("no " + marker + " within 5 s");
  }

  private static MultiMap form(String... pairs) {
    MultiMap form = MultiMap.caseInsensitiveMultiMap();
    for (int i = 0; i < pairs.length; i += 2) form.add(pairs[i], pairs[i + 1]);
    return form;
  }
}
