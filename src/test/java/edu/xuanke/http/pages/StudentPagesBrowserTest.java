package edu.xuanke.http.pages;

import edu.xuanke.auth.OneTimePasswords;
import edu.xuanke.support.Browser;
import edu.xuanke.support.Fixture;
import edu.xuanke.support.Service;
import edu.xuanke.support.TestConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.WindowType;
import org.openqa.selenium.interactions.Actions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The student pages in headless Chromium: log in, select and see "enrolled", watch the seat count
 * drop in a second browser without a reload (SSE), why a card cannot be taken (a time conflict, but none with
 * the same hour in another 阶段; the maximum, an incomplete profile, a window not open), drop, a profile
 * field error, the language switch, selecting with the keyboard alone, a one-time password replaced at
 * the first login, pages kept for the back button holding no connection. Every page visited is checked with axe-core against WCAG 2 A/AA and axe's best
 * practices (some also at 360 px wide); screenshots go to target/screenshots/.
 */
class StudentPagesBrowserTest {

  private Service service;
  private Fixture fixture;
  private long python;
  private long pythonLater;
  private long ai;
  private long full;
  private long termId;
  private long restricted;
  /** At Python's hour, in the term's second 阶段: no clash with it. */
  private long otherPeriod;
  private List<String> students;
  /** A student of the term whose profile is incomplete (the term requires it). */
  private String incomplete;
  private Browser alice;
  private Browser bob;

  @BeforeEach
  void start() throws Exception {
    service = new Service(TestConfig.json());
    fixture = service.freshStores();
    Fixture.Term term = fixture.openTerm(3);
    python = term.section("PY1", 30, 2, "18:45", "21:45");
    pythonLater = term.section("PY1", 30, 4, "18:45", "21:45");
    ai = term.section("AI1", 30, 2, "19:00", "20:00");
    full = term.section("WL1", 1, 5, "08:00", "09:00");
    termId = term.id;
    restricted = term.section("RS1", 5, 3, "08:00", "09:00", "Z99");
    otherPeriod = term.secondPeriod().section("LT1", 30, 2, "18:45", "21:45");
    students = term.students("S", 3);
    incomplete = fixture.students("Q", 1, term.id, false).get(0);
    fixture.admin("office");
    service.start();
    assertEquals(201, service.select(service.login(students.get(1)), full, false).await().statusCode());
    alice = new Browser();
    bob = new Browser();
  }

  @AfterEach
  void stop() throws Exception {
    try {
      for (Browser browser : Stream.of(alice, bob).filter(Objects::nonNull).toList()) {
        browser.assertCleanPages();
      }
    } finally {
      if (alice != null) alice.close();
      if (bob != null) bob.close();
      if (service != null) service.close();
      if (fixture != null) fixture.close();
    }
  }

  private String url(String path) {
    return "http://localhost:" + service.config.httpPort() + path;
  }

  private static WebDriverWait waitIn(Browser browser) {
    return new WebDriverWait(browser.driver, Duration.ofSeconds(10));
  }

  private void logIn(Browser browser, String studentId, boolean screenshot) {
    browser.driver.get(url("/"));
    waitIn(browser).until(ExpectedConditions.urlContains("/login"));
    submitLogin(browser, studentId, Fixture.PASSWORD, screenshot);
    // The first login of the run also compiles the course page's templates and warms the JVM: on a
    // busy CI machine that once took more than the usual 10 s.
    new WebDriverWait(browser.driver, Duration.ofSeconds(30))
      .until(ExpectedConditions.presenceOfElementLocated(By.id("sections")));
  }

  private static void submitLogin(Browser browser, String studentId, String password, boolean screenshot) {
    browser.driver.findElement(By.id("studentId")).sendKeys(studentId);
    browser.driver.findElement(By.id("password")).sendKeys(password);
    if (screenshot) {
      browser.screenshot("login");
      browser.checkAccessibility("login");
    }
    browser.driver.findElement(By.id("login-submit")).click();
  }

  private static void fill(Browser browser, String... idsAndValues) {
    for (int i = 0; i < idsAndValues.length; i += 2) {
      WebElement field = browser.driver.findElement(By.id(idsAndValues[i]));
      field.clear();
      field.sendKeys(idsAndValues[i + 1]);
    }
  }

  private static boolean scrollsSideways(Browser browser) {
    return (Boolean) browser.driver.executeScript(
      "return document.documentElement.scrollWidth > document.documentElement.clientWidth;");
  }

  private WebElement card(Browser browser, long sectionId) {
    return browser.driver.findElement(By.id("section-" + sectionId));
  }

  private String resultOf(Browser browser, long sectionId) {
    return card(browser, sectionId).findElement(By.className("result")).getText();
  }

  private WebElement button(Browser browser, long sectionId, String action) {
    return card(browser, sectionId).findElement(By.cssSelector("button[data-action='" + action + "']"));
  }

  private void click(Browser browser, long sectionId, String action) {
    button(browser, sectionId, action).click();
  }

  @Test
  void aStudentSelectsInTheBrowser() {
    logIn(alice, students.get(0), true);
    logIn(bob, students.get(1), false);
    alice.screenshot("catalog");
    alice.checkAccessibility("catalog");
    alice.atPhoneWidth(() -> {
      alice.screenshot("catalog-360px");
      alice.checkAccessibility("catalog at 360 px");
      assertFalse(scrollsSideways(alice), "the catalog fits 360 px");
    });
    assertEquals("30", bob.driver.findElement(By.cssSelector("[data-seats-of='" + python + "']")).getText());
    ((JavascriptExecutor) bob.driver).executeScript("window.notReloaded = true;");

    click(alice, python, "select");
    waitIn(alice).until(d -> resultOf(alice, python).equals("已选上"));
    assertEquals("29", alice.driver.findElement(By.cssSelector("[data-seats-of='" + python + "']")).getText());

    // The other browser sees the seat go without reloading (Server-Sent Events).
    waitIn(bob).until(d -> "29".equals(d.findElement(By.cssSelector("[data-seats-of='" + python + "']")).getText()));
    assertEquals(Boolean.TRUE, ((JavascriptExecutor) bob.driver).executeScript("return window.notReloaded === true;"));

    assertTrue(button(alice, python, "drop").isDisplayed());
    assertFalse(button(alice, python, "select").isDisplayed());

    // The other section of the course now offers a swap; the overlapping one refuses with a reason.
    assertTrue(button(alice, pythonLater, "swap").isDisplayed());
    assertFalse(button(alice, pythonLater, "select").isDisplayed());
    // The card says why before any click, and offers no select.
    String conflict = card(alice, ai).findElement(By.className("why")).getText();
    assertTrue(conflict.contains("时间冲突") && conflict.contains("PY1 title"), conflict);
    assertFalse(button(alice, ai, "select").isDisplayed());
    // The same hour in another 阶段 is no clash.
    assertFalse(card(alice, otherPeriod).findElement(By.className("why")).isDisplayed(), "no reason on the other period's card");
    assertTrue(button(alice, otherPeriod, "select").isDisplayed());
    alice.screenshot("catalog-card-says-why");

    // A full section offers its waitlist.
    assertFalse(button(alice, full, "select").isDisplayed());
    click(alice, full, "waitlist");
    waitIn(alice).until(d -> resultOf(alice, full).equals("已加入候补，第 1 位"));
    alice.screenshot("catalog-after-select");
    alice.checkAccessibility("catalog with results");

    alice.driver.get(url("/timetable"));
    waitIn(alice).until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("[data-grid-section='" + python + "']")));
    alice.screenshot("timetable");
    alice.checkAccessibility("timetable");
    alice.atPhoneWidth(() -> {
      alice.checkAccessibility("timetable at 360 px");
      assertFalse(scrollsSideways(alice), "only the grid's own region scrolls at 360 px");
    });

    alice.driver.get(url("/"));
    waitIn(alice).until(d -> button(alice, pythonLater, "swap").isDisplayed());
    click(alice, pythonLater, "swap");
    waitIn(alice).withMessage(() -> "result: " + resultOf(alice, pythonLater))
      .until(d -> resultOf(alice, pythonLater).equals("已换班，已选上本班"));
    assertTrue(button(alice, python, "swap").isDisplayed(), "the old section now offers the swap back");
    waitIn(bob).until(d -> "30".equals(d.findElement(By.cssSelector("[data-seats-of='" + python + "']")).getText()));

    // Dropping asks first: cancel keeps the seat, confirm drops it.
    click(alice, pythonLater, "drop");
    assertTrue(resultOf(alice, pythonLater).contains("确定退掉本班吗"), resultOf(alice, pythonLater));
    assertTrue(button(alice, pythonLater, "confirm-drop").isDisplayed());
    alice.screenshot("catalog-confirm-drop");
    alice.checkAccessibility("catalog asking to confirm a drop");
    click(alice, pythonLater, "cancel-drop");
    assertTrue(button(alice, pythonLater, "drop").isDisplayed(), "cancelled: still held");
    assertEquals(Long.toString(pythonLater), heldBy(students.get(0)));
    click(alice, pythonLater, "drop");
    click(alice, pythonLater, "confirm-drop");
    waitIn(alice).until(d -> resultOf(alice, pythonLater).equals("已退课"));
    assertTrue(button(alice, pythonLater, "select").isDisplayed());
    assertTrue(button(alice, python, "select").isDisplayed(), "no section of the course held: plain select again");
  }

  /**
   * Pages left for the back button hold no connection: a browser opens six to a site over HTTP/1.1,
   * and each page kept with its seat stream open held one, so after a few pages back and forth the
   * page on screen waited a minute for anything. Eight page loads here must each finish in time;
   * back on a kept page, its stream is open again (a seat taken meanwhile shows) and a select is answered.
   */
  @Test
  void pagesKeptForTheBackButtonHoldNoConnection() {
    logIn(alice, students.get(0), false);
    alice.driver.manage().timeouts().pageLoadTimeout(Duration.ofSeconds(20));
    for (int i = 0; i < 4; i++) {
      alice.driver.get(url("/timetable"));
      alice.driver.get(url("/"));
    }
    ((JavascriptExecutor) alice.driver).executeScript("window.keptForBack = true;");
    alice.driver.get(url("/timetable"));
    alice.driver.navigate().back();
    waitIn(alice).until(d -> button(alice, python, "select").isDisplayed());
    assertEquals(Boolean.TRUE, alice.driver.executeScript("return window.keptForBack === true;"),
      "the catalog came back from the browser's back/forward cache");

    assertEquals(201, service.select(service.login(students.get(2)), python, false).await().statusCode());
    waitIn(alice).until(d -> "29".equals(d.findElement(By.cssSelector("[data-seats-of='" + python + "']")).getText()));
    click(alice, python, "select");
    waitIn(alice).until(d -> resultOf(alice, python).equals("已选上"));
    assertEquals("28", alice.driver.findElement(By.cssSelector("[data-seats-of='" + python + "']")).getText());
  }

  /** What the student holds in Redis now ("" for nothing). */
  private String heldBy(String studentId) {
    var held = service.redis.hget("xk:{t" + termId + "}:holds", studentId).await();
    return held == null ? "" : held.toString();
  }

  /**
   * The race of the issue: the page says "waiting, 1st", a drop promotes the student before the
   * page hears of it (the stream is blocked here), the student clicks "leave the waitlist": the
   * seat is kept and the card says so.
   */
  @Test
  void aPromotionBetweenRenderAndClickKeepsTheSeat() {
    String holder = service.login(students.get(1));
    logIn(alice, students.get(0), false);
    click(alice, full, "waitlist");
    waitIn(alice).until(d -> resultOf(alice, full).equals("已加入候补，第 1 位"));
    alice.driver.executeCdpCommand("Network.enable", Map.of());
    alice.driver.executeCdpCommand("Network.setBlockedURLs", Map.of("urls", List.of("*/api/seats/stream*")));
    alice.driver.navigate().refresh();
    waitIn(alice).until(d -> resultOf(alice, full).equals("已加入候补，第 1 位"));

    assertEquals(204, service.drop(holder, full).await().statusCode());
    assertEquals(Long.toString(full), heldBy(students.get(0)), "promoted");
    assertEquals("已加入候补，第 1 位", resultOf(alice, full), "the page has not heard of it");
    click(alice, full, "leave");

    waitIn(alice).until(d -> resultOf(alice, full).startsWith("已为你选上"));
    assertEquals(Long.toString(full), heldBy(students.get(0)), "the seat is kept");
    assertTrue(button(alice, full, "drop").isDisplayed());
    assertFalse(button(alice, full, "leave").isDisplayed());
    alice.screenshot("catalog-promoted-before-click");
    alice.checkAccessibility("catalog after a promotion found by the click");
    alice.driver.executeCdpCommand("Network.setBlockedURLs", Map.of("urls", List.of()));
  }

  /** A student's own changes reach their open pages: a promotion, a drop in another tab, a login elsewhere. */
  @Test
  void ownChangesArePushedToOpenPages() {
    String holder = service.login(students.get(1));
    logIn(alice, students.get(0), false);
    click(alice, python, "select");
    waitIn(alice).until(d -> resultOf(alice, python).equals("已选上"));
    click(alice, full, "waitlist");
    waitIn(alice).until(d -> resultOf(alice, full).equals("已加入候补，第 1 位"));
    ((JavascriptExecutor) alice.driver).executeScript("window.notReloaded = true;");

    assertEquals(204, service.drop(holder, full).await().statusCode());
    waitIn(alice).until(d -> resultOf(alice, full).startsWith("已为你选上"));
    assertTrue(button(alice, full, "drop").isDisplayed());

    // Another tab of the same session drops the Python section; this tab follows.
    String first = alice.driver.getWindowHandle();
    alice.driver.switchTo().newWindow(WindowType.TAB);
    alice.driver.get(url("/timetable"));
    WebElement row = alice.driver.findElement(By.cssSelector("#held [data-section='" + python + "']"));
    row.findElement(By.cssSelector("button[data-action='drop']")).click();
    row.findElement(By.cssSelector("button[data-action='confirm-drop']")).click();
    waitIn(alice).until(d -> row.findElement(By.className("result")).getText().equals("已退课"));
    alice.driver.switchTo().window(first);
    waitIn(alice).until(d -> resultOf(alice, python).equals("已在其他页面或由教务退课"));
    assertTrue(button(alice, python, "select").isDisplayed());
    assertEquals(Boolean.TRUE, ((JavascriptExecutor) alice.driver).executeScript("return window.notReloaded === true;"));

    // A login elsewhere ends this session: the page says so instead of failing at the next click.
    service.login(students.get(0));
    WebElement gone = waitIn(alice).until(ExpectedConditions.visibilityOfElementLocated(By.id("session-gone")));
    assertTrue(gone.getText().contains("你已在其他设备登录"), gone.getText());
    assertFalse(button(alice, pythonLater, "select").isEnabled());
    alice.screenshot("catalog-session-replaced");
    alice.checkAccessibility("catalog after a login elsewhere");
  }

  private List<Long> visibleCards(Browser browser) {
    return browser.driver.findElements(By.cssSelector(".card[data-section]")).stream().filter(WebElement::isDisplayed)
      .map(c -> Long.parseLong(c.getDomAttribute("data-section"))).toList();
  }

  /** Search and filters without a reload, the "已选 n / max" summary, and a card saying up front why it cannot be taken. */
  @Test
  void findAndTakeACourseFast() {
    logIn(alice, students.get(0), false);
    ((JavascriptExecutor) alice.driver).executeScript("window.notReloaded = true;");
    assertEquals(6, visibleCards(alice).size());
    WebElement search = alice.driver.findElement(By.id("search"));
    search.sendKeys("ai1");
    waitIn(alice).until(d -> visibleCards(alice).equals(List.of(ai)));
    assertTrue(alice.driver.getCurrentUrl().contains("q=ai1"), "the address keeps the search: " + alice.driver.getCurrentUrl());
    assertEquals("1 个课程班符合条件", alice.driver.findElement(By.id("match-count")).getText());
    alice.screenshot("catalog-search");
    search.clear();
    search.sendKeys("没有这门课");
    waitIn(alice).until(d -> visibleCards(alice).isEmpty());
    assertTrue(alice.driver.findElement(By.id("no-match")).isDisplayed());
    search.clear();
    search.sendKeys(" ");
    waitIn(alice).until(d -> visibleCards(alice).size() == 6);
    alice.driver.findElement(By.cssSelector(".more-filters summary")).click();
    new org.openqa.selenium.support.ui.Select(alice.driver.findElement(By.name("weekday"))).selectByValue("2");
    waitIn(alice).until(d -> visibleCards(alice).equals(List.of(python, ai, otherPeriod)));
    new org.openqa.selenium.support.ui.Select(alice.driver.findElement(By.name("weekday"))).selectByValue("0");
    assertEquals(Boolean.TRUE, ((JavascriptExecutor) alice.driver).executeScript("return window.notReloaded === true;"));

    WebElement summary = alice.driver.findElement(By.id("summary"));
    assertTrue(summary.getText().contains("0 / 3"), summary.getText());
    String onlyFor = card(alice, restricted).findElement(By.className("why")).getText();
    assertTrue(onlyFor.contains("Z99"), onlyFor);
    assertFalse(button(alice, restricted, "select").isDisplayed());
    click(alice, python, "select");
    waitIn(alice).until(d -> summary.getText().contains("1 / 3") && summary.getText().contains("PY1 title"));
    assertTrue(card(alice, python).getText().contains("非专业班"), "the course's nature on the card");
    assertTrue(card(alice, python).getText().contains("第 1 阶段"), "the period on the card");
    alice.checkAccessibility("catalog after search and select");
  }

  private String whyOn(Browser browser, long sectionId) {
    return card(browser, sectionId).findElement(By.className("why")).getText();
  }

  /**
   * A card says up front why its section cannot be taken: the maximum is reached (a swap is still offered),
   * the profile is incomplete (with a link to /profile), the window has not opened or has closed.
   */
  @Test
  void cardsSayWhyBeforeAnyClick() {
    String holder = service.login(students.get(1)); // already holds the full section
    assertEquals(201, service.select(holder, python, false).await().statusCode());
    assertEquals(201, service.select(holder, otherPeriod, false).await().statusCode());
    logIn(bob, students.get(1), false);
    assertTrue(whyOn(bob, ai).contains("已选满 3 门"), whyOn(bob, ai));
    assertFalse(button(bob, ai, "select").isDisplayed());
    assertEquals("", whyOn(bob, pythonLater), "the maximum does not stop a swap");
    assertTrue(button(bob, pythonLater, "swap").isDisplayed());
    bob.screenshot("catalog-why-limit");
    bob.checkAccessibility("catalog at the maximum");

    logIn(alice, incomplete, false);
    assertTrue(whyOn(alice, python).startsWith("请先完善个人信息再选课"), whyOn(alice, python));
    assertFalse(button(alice, python, "select").isDisplayed());
    alice.screenshot("catalog-why-profile");
    alice.checkAccessibility("catalog with an incomplete profile");
    card(alice, python).findElement(By.cssSelector(".why a")).click();
    waitIn(alice).until(ExpectedConditions.urlToBe(url("/profile")));

    Instant now = Instant.now();
    moveWindow(now.plus(Duration.ofDays(1)), now.plus(Duration.ofDays(2)));
    alice.driver.get(url("/"));
    assertEquals("选课尚未开始，开始后即可选。", whyOn(alice, python));
    assertFalse(button(alice, python, "select").isDisplayed());
    alice.screenshot("catalog-why-upcoming");
    alice.checkAccessibility("catalog before the window opens");

    moveWindow(now.minus(Duration.ofDays(2)), now.minus(Duration.ofDays(1)));
    alice.driver.get(url("/"));
    assertEquals("选课已结束。", whyOn(alice, python));
    assertFalse(button(alice, python, "select").isDisplayed());
    alice.screenshot("catalog-why-closed");
  }

  /** The office moves the term's selection window (and drop deadline) through the admin API. */
  private void moveWindow(Instant opens, Instant closes) {
    var moved = service.http.put("/api/admin/terms/" + termId).bearerTokenAuthentication(service.login("office"))
      .sendJsonObject(new io.vertx.core.json.JsonObject().put("selectionOpensAt", opens.toString())
        .put("selectionClosesAt", closes.toString()).put("dropClosesAt", closes.toString())).await();
    assertEquals(200, moved.statusCode(), moved.bodyAsString());
  }

  /** At 390×844 the first section's button is on the first screen, dates do not wrap, and the timetable stays usable. */
  @Test
  void thePhoneLayout() {
    logIn(alice, students.get(0), false);
    alice.driver.manage().window().setSize(new org.openqa.selenium.Dimension(390, 844));
    alice.driver.navigate().refresh();
    WebElement first = alice.driver.findElements(By.cssSelector(".card button[data-action='select']")).stream()
      .filter(WebElement::isDisplayed).findFirst().orElseThrow();
    long bottom = ((Number) ((JavascriptExecutor) alice.driver).executeScript(
      "return arguments[0].getBoundingClientRect().bottom;", first)).longValue();
    long screen = ((Number) ((JavascriptExecutor) alice.driver).executeScript("return window.innerHeight;")).longValue();
    assertTrue(bottom <= screen, "the first select button ends at " + bottom + " px of a " + screen + " px screen");
    Object wrapped = ((JavascriptExecutor) alice.driver).executeScript(
      "return [...document.querySelectorAll('.nowrap')].filter(e => e.getClientRects().length > 1).map(e => e.textContent);");
    assertEquals(List.of(), wrapped, "dates and times never wrap mid-value");
    assertFalse(scrollsSideways(alice));
    alice.screenshot("catalog-390x844");
    alice.checkAccessibility("catalog at 390 px");
    click(alice, python, "select");
    waitIn(alice).until(d -> resultOf(alice, python).equals("已选上"));

    alice.driver.get(url("/timetable"));
    WebElement slot = alice.driver.findElement(By.cssSelector("[data-grid-section='" + python + "']"));
    assertTrue(slot.getText().contains("第 1 阶段"), slot.getText());
    assertFalse(scrollsSideways(alice), "only the grid's own region scrolls");
    alice.screenshot("timetable-390x844");
    alice.checkAccessibility("timetable at 390 px");
  }

  @Test
  void profileErrorsPasswordPageAndLanguage() {
    logIn(alice, students.get(0), false);
    alice.driver.get(url("/profile"));
    WebElement email = alice.driver.findElement(By.id("email"));
    email.clear();
    email.sendKeys("not-an-email");
    alice.driver.findElement(By.id("profile-save")).click();
    WebElement error = waitIn(alice).until(ExpectedConditions.presenceOfElementLocated(By.id("email-error")));
    assertEquals("邮箱格式不正确，如 zhangsan@example.edu.cn。", error.getText(), "the error says the expected format");
    assertEquals("true", alice.driver.findElement(By.id("email")).getAttribute("aria-invalid"));
    alice.screenshot("profile-error");
    alice.checkAccessibility("profile with a field error");

    alice.driver.get(url("/password"));
    WebElement send = alice.driver.findElement(By.id("send-code"));
    send.click();
    waitIn(alice).until(d -> d.findElement(By.id("code-status")).getText().equals("验证码已发送，请查收邮件。"));
    assertFalse(send.isEnabled(), "disabled while the limit lasts");
    assertTrue(send.getText().matches("\\d+ 秒后可重新发送"), send.getText());
    alice.screenshot("password");
    alice.checkAccessibility("password");
    alice.driver.navigate().refresh();
    alice.driver.findElement(By.id("send-code")).click();
    waitIn(alice).until(d -> d.findElement(By.id("send-code")).getText().matches("\\d+ 秒后可重新发送"));
    assertFalse(alice.driver.findElement(By.id("code-status")).getText().isEmpty(), "the limit's message is shown");

    alice.driver.findElement(By.id("lang-switch")).click();
    waitIn(alice).until(d -> "en".equals(d.findElement(By.tagName("html")).getAttribute("lang")));
    assertEquals("Change password", alice.driver.findElement(By.tagName("h1")).getText());
    alice.driver.get(url("/"));
    assertTrue(alice.driver.findElement(By.className("nav")).getText().contains("Courses"));
    alice.screenshot("catalog-en");
    alice.checkAccessibility("catalog in English");

    bob.driver.get(url("/activate?token=from-a-mail"));
    bob.screenshot("activate");
    bob.checkAccessibility("activate");
    bob.driver.get(url("/login"));
    bob.driver.findElement(By.id("studentId")).sendKeys(students.get(1));
    bob.driver.findElement(By.id("password")).sendKeys("wrong-password");
    bob.driver.findElement(By.id("login-submit")).click();
    assertEquals("学号或密码错误。", waitIn(bob).until(ExpectedConditions.presenceOfElementLocated(By.id("login-error"))).getText());
    bob.screenshot("login-error");
    bob.checkAccessibility("login with an error");
    bob.driver.get(url("/no-such-page"));
    assertEquals("404", bob.driver.findElement(By.tagName("h1")).getText());
    bob.checkAccessibility("not found");
  }

  @Test
  void aSectionIsSelectedWithTheKeyboardAlone() {
    logIn(alice, students.get(0), false);
    WebElement select = button(alice, python, "select");
    // Tab from the top of the page, as a keyboard user would, until the section's select button has focus.
    // Every stop on the way shows a focus ring that stands out from what surrounds it (WCAG 1.4.11: 3:1).
    Actions keys = new Actions(alice.driver);
    List<String> faintRings = new ArrayList<>();
    int tabs = 0;
    do {
      assertTrue(++tabs < 100, "the select button is reachable with Tab");
      keys.sendKeys(Keys.TAB).perform();
      double contrast = alice.focusRingContrast();
      if (contrast < 3) {
        WebElement focused = alice.driver.switchTo().activeElement();
        faintRings.add(String.format("%s '%s' %.2f:1", focused.getTagName(), focused.getAccessibleName(), contrast));
      }
    } while (!select.equals(alice.driver.switchTo().activeElement()));
    assertEquals(List.of(), faintRings, "focus rings under 3:1");

    keys.sendKeys(Keys.ENTER).perform();
    waitIn(alice).until(d -> resultOf(alice, python).equals("已选上"));
    assertTrue(button(alice, python, "drop").isDisplayed(), "the card now offers the drop, in place");
    assertEquals(Boolean.TRUE, alice.driver.executeScript("return arguments[0].contains(document.activeElement);", card(alice, python)),
      "focus stays in the card whose button went away");
    alice.checkAccessibility("catalog after a keyboard select");
  }

  /** An imported student (one-time password, must change it) replaces it at the first login, then selects. */
  @Test
  void aOneTimePasswordIsReplacedAtTheFirstLogin() throws Exception {
    String imported = students.get(2);
    String oneTime = OneTimePasswords.generate();
    fixture.execute("UPDATE accounts SET password_hash = ?, must_change_password = TRUE WHERE student_id = ?",
      OneTimePasswords.hash(oneTime), imported);
    alice.driver.get(url("/login"));
    submitLogin(alice, imported, oneTime, false);
    waitIn(alice).until(ExpectedConditions.urlToBe(url("/password")));
    assertEquals("设置自己的密码", alice.driver.findElement(By.tagName("h1")).getText());
    assertTrue(alice.driver.findElement(By.id("one-time-why")).getText().contains("一次性密码"));

    alice.driver.get(url("/"));
    assertTrue(alice.driver.findElement(By.id("password-required")).isDisplayed());
    assertTrue(alice.driver.findElements(By.cssSelector("button[data-action]")).isEmpty(), "no selection buttons");
    alice.screenshot("catalog-password-required");
    alice.checkAccessibility("catalog-password-required");
    alice.driver.findElement(By.id("password-required-link")).click();

    waitIn(alice).until(ExpectedConditions.presenceOfElementLocated(By.id("currentPassword")));
    fill(alice, "currentPassword", "not-it-at-all", "newPassword", "mine-now-123", "repeatPassword", "mine-now-123");
    alice.driver.findElement(By.id("password-submit")).click();
    WebElement error = waitIn(alice).until(ExpectedConditions.presenceOfElementLocated(By.id("currentPassword-error")));
    assertEquals("不是你登录时使用的一次性密码。", error.getText());
    assertEquals("true", alice.driver.findElement(By.id("currentPassword")).getAttribute("aria-invalid"));
    alice.screenshot("password-first-login");
    alice.checkAccessibility("password-first-login");

    fill(alice, "currentPassword", oneTime, "newPassword", "mine-now-123", "repeatPassword", "mine-now-123");
    alice.driver.findElement(By.id("password-submit")).click();
    waitIn(alice).until(ExpectedConditions.urlContains("/login"));
    assertEquals("密码已设置，请用新密码登录后选课。", alice.driver.findElement(By.className("notice")).getText());
    alice.checkAccessibility("login-password-set");

    submitLogin(alice, imported, "mine-now-123", false);
    waitIn(alice).until(ExpectedConditions.presenceOfElementLocated(By.id("sections")));
    click(alice, python, "select");
    waitIn(alice).until(d -> resultOf(alice, python).equals("已选上"));
  }
}
