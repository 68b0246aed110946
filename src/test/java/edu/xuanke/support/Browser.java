package edu.xuanke.support;

import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.support.ui.WebDriverWait;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Debian's headless Chromium driven by its own /usr/bin/chromedriver (bin/prereqs.sh installs both),
 * so Selenium Manager never needs to download anything. Each browser has a fresh profile.
 */
public final class Browser implements AutoCloseable {

  public static final String CHROMIUM = "/usr/bin/chromium";
  public static final String CHROMEDRIVER = "/usr/bin/chromedriver";
  private static final Path SCREENSHOTS = Path.of("target", "screenshots");
  /** axe-core, fetched with npm by bin/axe-core.sh (the Maven build runs it before the tests). */
  private static final Path AXE = Path.of("target", "axe-core", "axe.min.js");
  /**
   * The axe rules run: WCAG 2.0, 2.1 and 2.2 at levels A and AA, plus axe's best practices (landmarks,
   * one h1, heading order, unique labels of regions).
   */
  private static final List<String> AXE_RULE_TAGS =
    List.of("wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice");
  /**
   * Runs axe on the page and answers its violations, each as {id, impact, help, targets}. WebDriver's
   * scripts are not bound by the page's Content-Security-Policy, so axe runs although the pages allow
   * no inline script.
   */
  private static final String RUN_AXE = """
    const done = arguments[arguments.length - 1];
    axe.run(document, { runOnly: { type: 'tag', values: arguments[0] }, resultTypes: ['violations'] })
      .then(r => done(r.violations.map(v => ({
        id: v.id, impact: v.impact, help: v.help, targets: v.nodes.map(n => n.target.join(' ')) }))))
      .catch(e => done([{ id: 'axe-failed', impact: 'unknown', help: String(e), targets: [] }]));
    """;

  /** The contrast ratio of the focused element's outline, see {@link #focusRingContrast()}. */
  private static final String FOCUS_RING_CONTRAST = """
    const el = document.activeElement;
    const style = getComputedStyle(el);
    if (style.outlineStyle === 'none' || parseFloat(style.outlineWidth) === 0) return 0;
    const rgba = c => c.match(/[\\d.]+/g).map(Number);
    const opaque = c => rgba(c).length < 4 || rgba(c)[3] > 0;
    const luminance = c => {
      const [r, g, b] = rgba(c).map(v => (v /= 255) <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4);
      return 0.2126 * r + 0.7152 * g + 0.0722 * b;
    };
    const box = el.getBoundingClientRect();
    const x = box.left + box.width / 2;
    const y = box.bottom + 4 < innerHeight ? box.bottom + 4 : box.top - 4;
    let under = document.elementsFromPoint(x, y).find(e => e !== el && !el.contains(e)) || document.documentElement;
    while (under.parentElement && !opaque(getComputedStyle(under).backgroundColor)) under = under.parentElement;
    const [a, b] = [luminance(style.outlineColor), luminance(getComputedStyle(under).backgroundColor)];
    return (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
    """;

  /** Upper-case codes (SECTION_FULL) and dotted words (admin.saved) in the page's visible text and in its script texts. */
  private static final String SUSPECTS = """
    const texts = [document.body.innerText, document.title];
    document.querySelectorAll('#texts, #admin-texts').forEach(el => texts.push(...Object.values(el.dataset)));
    const found = new Set();
    for (const text of texts) {
      for (const m of text.matchAll(/\\b[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+\\b/g)) found.add(m[0]);
      for (const m of text.matchAll(/\\b[a-z][a-zA-Z]*(?:\\.[a-zA-Z0-9_]+)+\\b/g)) found.add(m[0]);
    }
    return [...found];
    """;

  public final ChromeDriver driver;
  private final Path profile;
  private final List<String> accessibilityViolations = new ArrayList<>();

  public Browser() {
    try {
      profile = Files.createTempDirectory("xuanke-chromium-");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    System.setProperty("webdriver.chrome.driver", CHROMEDRIVER);
    ChromeOptions options = new ChromeOptions().setBinary(CHROMIUM).addArguments(
      "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
      "--disable-background-networking", "--disable-component-update", "--disable-sync",
      "--disable-dev-shm-usage", "--window-size=1280,900", "--user-data-dir=" + profile);
    options.setCapability("goog:loggingPrefs", Map.of(LogType.BROWSER, "ALL"));
    ChromeDriverService service = new ChromeDriverService.Builder()
      .usingDriverExecutable(new File(CHROMEDRIVER)).usingAnyFreePort().build();
    driver = new ChromeDriver(service, options);
    driver.manage().timeouts().scriptTimeout(Duration.ofSeconds(30));
  }

  /** Waits up to 15 s for a condition on the page. */
  public WebDriverWait waiting() {
    return new WebDriverWait(driver, Duration.ofSeconds(15));
  }

  public WebElement byId(String id) {
    return driver.findElement(By.id(id));
  }

  /** Logs in through the login form of the service at {@code origin} and waits to leave the form. */
  public void logIn(String origin, String studentId, String password) {
    driver.get(origin + "/login");
    byId("studentId").sendKeys(studentId);
    byId("password").sendKeys(password);
    byId("login-submit").click();
    waiting().until(d -> !d.getCurrentUrl().contains("/login"));
  }

  public static boolean available() {
    return new File(CHROMIUM).canExecute() && new File(CHROMEDRIVER).canExecute();
  }

  /** What every browser test asserts at its end: no script error or CSP violation, and axe-core finds nothing. */
  public void assertCleanPages() {
    org.junit.jupiter.api.Assertions.assertEquals(List.of(), pageProblems(), "no script errors or CSP violations");
    List<String> violations = accessibilityViolations();
    org.junit.jupiter.api.Assertions.assertTrue(violations.isEmpty(),
      () -> "axe-core found accessibility violations:\n" + String.join("\n", violations));
  }

  /**
   * What the browser's console reported against the pages: script errors and Content-Security-Policy
   * violations (failed requests the pages expect, such as a 409 refusal, are left out).
   */
  public List<String> pageProblems() {
    return driver.manage().logs().get(LogType.BROWSER).getAll().stream()
      .map(LogEntry::getMessage)
      .filter(m -> m.contains("Content Security Policy") || m.contains("Uncaught") || m.contains("TypeError"))
      .toList();
  }

  /**
   * Checks the page as it is now with axe-core (WCAG 2 A/AA and best practices) and remembers each violation as
   * "page: rule (impact) help at [selectors]"; {@link #accessibilityViolations()} answers them all.
   */
  @SuppressWarnings("unchecked")
  public void checkAccessibility(String page) {
    if (!Boolean.TRUE.equals(driver.executeScript("return typeof window.axe === 'object';"))) {
      try {
        driver.executeScript(Files.readString(AXE));
      } catch (IOException e) {
        throw new UncheckedIOException("axe-core is fetched by bin/axe-core.sh (run by the Maven build)", e);
      }
    }
    List<Map<String, Object>> violations = (List<Map<String, Object>>) driver.executeAsyncScript(RUN_AXE, AXE_RULE_TAGS);
    for (Map<String, Object> v : violations) {
      accessibilityViolations.add(page + ": " + v.get("id") + " (" + v.get("impact") + ") " + v.get("help")
        + " at " + v.get("targets"));
    }
  }

  /**
   * The contrast ratio between the focused element's outline and what it is drawn on, just below the
   * element (0 without an outline). axe does not judge focus indicators; WCAG 1.4.11 asks for 3:1.
   */
  public double focusRingContrast() {
    return ((Number) driver.executeScript(FOCUS_RING_CONTRAST)).doubleValue();
  }

  /**
   * What on the page as it is now looks like a text that was never translated: a raw code
   * (SECTION_FULL, OUT_OF_RANGE) or one of {@code keys} (a message key such as admin.saved).
   */
  @SuppressWarnings("unchecked")
  public List<String> untranslated(java.util.Set<String> keys) {
    List<String> suspects = (List<String>) driver.executeScript(SUSPECTS);
    return suspects.stream().filter(s -> s.contains("_") && s.equals(s.toUpperCase()) || keys.contains(s)).toList();
  }

  /** Every violation {@link #checkAccessibility} found so far, on any page. */
  public List<String> accessibilityViolations() {
    return List.copyOf(accessibilityViolations);
  }

  /** Saves the visible page as target/screenshots/{name}.png. */
  public void screenshot(String name) {
    try {
      Files.createDirectories(SCREENSHOTS);
      File shot = ((TakesScreenshot) driver).getScreenshotAs(OutputType.FILE);
      Files.copy(shot.toPath(), SCREENSHOTS.resolve(name + ".png"), StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Runs the checks with the window 360 px wide, then restores its size. */
  public void atPhoneWidth(Runnable checks) {
    Dimension before = driver.manage().window().getSize();
    driver.manage().window().setSize(new Dimension(360, 780));
    try {
      checks.run();
    } finally {
      driver.manage().window().setSize(before);
    }
  }

  @Override
  public void close() {
    try {
      driver.quit();
    } finally {
      try (Stream<Path> files = Files.walk(profile)) {
        files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      } catch (IOException ignored) {
        // a temporary profile left behind is harmless
      }
    }
  }
}
