package edu.xuanke.http.pages;

import edu.xuanke.support.Browser;
import edu.xuanke.support.Eventually;
import edu.xuanke.support.Fixture;
import edu.xuanke.support.Service;
import edu.xuanke.support.TestConfig;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Filing wishes in a pre-selection and reading the lottery's outcome on the plan page, in
 * headless Chromium, in Chinese and English; each visited state checked with axe-core.
 */
class WishesBrowserTest {

  private Service service;
  private Fixture fixture;
  private Browser browser;
  private long termId;
  private long python;
  private long ai;
  private List<String> students;
  private long roundId;
  private String admin;

  @BeforeEach
  void start() throws Exception {
    service = new Service(TestConfig.json());
    fixture = service.freshStores();
    Instant now = Instant.now();
    Fixture.Term term = fixture.term(now.minus(Duration.ofMinutes(10)), now.plus(Duration.ofDays(1)), now.plus(Duration.ofDays(1)), 2, true);
    termId = term.id;
    python = term.section("PY1", 1, 2, "18:45", "21:45");
    ai = term.section("AI1", 30, 3, "18:45", "21:45");
    students = term.students("B", 2);
    fixture.admin("office");
    service.start();
    admin = service.login("office");
    var created = service.http.post("/api/admin/rounds").bearerTokenAuthentication(admin).sendJsonObject(new JsonObject()
      .put("termId", termId).put("kind", "PRESELECT").put("opensAt", now.minus(Duration.ofMinutes(5)).toString())
      .put("closesAt", now.plus(Duration.ofHours(1)).toString()).put("maxWishes", 2)).await();
    assertEquals(201, created.statusCode(), created.bodyAsString());
    roundId = created.bodyAsJsonObject().getLong("id");
    browser = new Browser();
  }

  @AfterEach
  void stop() throws Exception {
    try {
      if (browser != null) {
        browser.assertCleanPages();
      }
    } finally {
      if (browser != null) browser.close();
      if (service != null) service.close();
      if (fixture != null) fixture.close();
    }
  }

  private String url(String path) {
    return "http://localhost:" + service.config.httpPort() + path;
  }

  private WebDriverWait waiting() {
    return new WebDriverWait(browser.driver, Duration.ofSeconds(10));
  }

  @Test
  void fileWishesThenSeeTheLotteryResult() {
    browser.driver.get(url("/wishes"));
    waiting().until(ExpectedConditions.urlContains("/login"));
    browser.driver.findElement(By.id("studentId")).sendKeys(students.get(0));
    browser.driver.findElement(By.id("password")).sendKeys(Fixture.PASSWORD);
    browser.driver.findElement(By.id("login-submit")).click();
    waiting().until(ExpectedConditions.presenceOfElementLocated(By.id("wish-form")));
    browser.checkAccessibility("wishes-empty");

    new Select(browser.driver.findElement(By.id("wish1"))).selectByValue(Long.toString(python));
    new Select(browser.driver.findElement(By.id("wish2"))).selectByValue(Long.toString(ai));
    browser.driver.findElement(By.id("save-wishes")).click();
    waiting().until(ExpectedConditions.presenceOfElementLocated(By.id("saved")));
    assertEquals("志愿已保存。", browser.driver.findElement(By.id("saved")).getText());
    String first = browser.driver.findElement(By.cssSelector("#wishes li[data-section='" + python + "']")).getText();
    assertTrue(first.contains("第 1 志愿") && first.contains("1 人填报 / 1 个名额"), first);
    browser.screenshot("wishes-filed");
    browser.checkAccessibility("wishes-filed");

    // Another student wants the one-seat section too, then the office closes, draws and publishes.
    String other = service.login(students.get(1));
    assertEquals(200, service.http.put("/api/wishes").bearerTokenAuthentication(other).sendJsonObject(new JsonObject()
      .put("termId", termId).put("sectionIds", new io.vertx.core.json.JsonArray().add(python))).await().statusCode());
    assertEquals(200, service.http.put("/api/admin/rounds/" + roundId).bearerTokenAuthentication(admin)
      .sendJsonObject(new JsonObject().put("closesAt", Instant.now().toString())).await().statusCode());
    String jobId = service.http.post("/api/admin/rounds/" + roundId + "/lottery").bearerTokenAuthentication(admin)
      .sendJsonObject(new JsonObject().put("seed", 2026)).await().bodyAsJsonObject().getString("jobId");
    Eventually.holds(() -> "DONE".equals(service.http.get("/api/admin/jobs/" + jobId).bearerTokenAuthentication(admin)
      .send().await().bodyAsJsonObject().getString("state")), 20_000, "the lottery is drawn");
    String publishing = service.http.post("/api/admin/rounds/" + roundId + "/publish").bearerTokenAuthentication(admin)
      .sendJsonObject(new JsonObject()).await().bodyAsJsonObject().getString("jobId");
    Eventually.holds(() -> "DONE".equals(service.http.get("/api/admin/jobs/" + publishing).bearerTokenAuthentication(admin)
      .send().await().bodyAsJsonObject().getString("state")), 20_000, "the results are published");

    browser.driver.get(url("/wishes"));
    waiting().until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("[data-outcome]")));
    String pythonOutcome = browser.driver.findElement(By.cssSelector("#wishes li[data-section='" + python + "'] [data-outcome]")).getText();
    String aiOutcome = browser.driver.findElement(By.cssSelector("#wishes li[data-section='" + ai + "'] [data-outcome]")).getText();
    // One seat, two applicants: the draw number says where this student came.
    assertTrue(pythonOutcome.matches("第 1 志愿：(已选上|未中签，名额已满)（抽签序号 [12] / 2）"), pythonOutcome);
    assertEquals("第 2 志愿：已选上（抽签序号 1 / 1）", aiOutcome);
    browser.screenshot("wishes-result");
    browser.checkAccessibility("wishes-result");

    browser.driver.findElement(By.id("lang-switch")).click();
    waiting().until(ExpectedConditions.textToBePresentInElementLocated(By.cssSelector("h1"), "Plan and wishes"));
    String english = browser.driver.findElement(By.cssSelector("#wishes li[data-section='" + ai + "'] [data-outcome]")).getText();
    assertEquals("Wish 2: enrolled (draw number 1 of 1)", english);
    browser.checkAccessibility("wishes-result-en");
  }

  /** The office draws and publishes from the rounds page: both run as jobs whose progress and outcome the page shows. */
  @Test
  void theOfficeDrawsAndPublishesFromTheRoundsPage() {
    for (String student : students) {
      assertEquals(200, service.http.put("/api/wishes").bearerTokenAuthentication(service.login(student)).sendJsonObject(new JsonObject()
        .put("termId", termId).put("sectionIds", new io.vertx.core.json.JsonArray().add(python).add(ai))).await().statusCode());
    }
    assertEquals(200, service.http.put("/api/admin/rounds/" + roundId).bearerTokenAuthentication(admin)
      .sendJsonObject(new JsonObject().put("closesAt", Instant.now().toString())).await().statusCode());

    browser.driver.get(url("/admin/rounds?termId=" + termId));
    waiting().until(ExpectedConditions.urlContains("/login"));
    browser.driver.findElement(By.id("studentId")).sendKeys("office");
    browser.driver.findElement(By.id("password")).sendKeys(Fixture.PASSWORD);
    browser.driver.findElement(By.id("login-submit")).click();
    waiting().until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("form[data-lottery='" + roundId + "']")));
    String form = "form[data-lottery='" + roundId + "'] ";
    browser.driver.findElement(By.cssSelector(form + "button[type='submit']")).click();
    new WebDriverWait(browser.driver, Duration.ofSeconds(30)).until(ExpectedConditions.textToBePresentInElementLocated(
      By.cssSelector(form + ".result"), "抽签完成：4 个志愿中 3 个中签"));
    browser.driver.findElement(By.cssSelector(form + "[data-publish]")).click();
    new WebDriverWait(browser.driver, Duration.ofSeconds(30)).until(ExpectedConditions.textToBePresentInElementLocated(
      By.cssSelector(form + ".result"), "已公布：3 个选课结果"));
    assertEquals("result ok", browser.driver.findElement(By.cssSelector(form + ".result")).getDomAttribute("class"));
    assertTrue(browser.driver.findElement(By.cssSelector(form + "a[href$='/export?format=xlsx&lang=zh-CN']")).isDisplayed());
    browser.screenshot("admin-rounds-published");
    browser.checkAccessibility("admin-rounds-published");
    assertEquals(List.of(), service.audit(termId));
  }
}
