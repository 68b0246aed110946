package edu.xuanke.http.pages;

import edu.xuanke.core.ErrorCode;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Every text a page, a mail or the API can show exists in zh-CN and in English: each API error
 * code, each key the templates and page handlers ask for, and each field or row error code the
 * services put into details.fields or import errors (found in the sources: a new code without a
 * sentence fails here, so no raw code reaches a page).
 */
class TranslationsUnitTest {

  private static final Path MAIN = Path.of("src", "main");
  /** Upper-case literals of the sources that are not shown to anyone: states, Redis words, script replies. */
  private static final Set<String> NOT_SHOWN = Set.of(
    "ENROLLED", "WAITLISTED", "DROPPED", "LEFT_WAITLIST", "STUDENT", "ADMIN", "RUNNING", "DONE",
    "STREAM", "STREAMS", "MKSTREAM", "JUSTID", "CREATE", "BUSYGROUP", "NOSCRIPT", "UPDATED", "PROMOTE",
    "PROMOTED", "UNWAITLIST", "WAITING", "SKIPPED", "SEAT", "WAITLIST", "HELD", "STARTTLS", "MAJOR",
    "GENERAL", "DOWN", "BELOW_ROSTER", "XUANKE_", "XUANKE_CONFIG", "XUANKE_EVENT_LOOPS", "NONE", "REQUIRED_TLS",
    "LEFT", "SELECT", "SWAP", "DROP", "TERM_NOT_READY", "LIMIT", "COUNT", "MATCH", "TYPE", "NULL", "INFO", "WARN",
    "ERROR", "DEBUG", "TRACE", "HTTP", "HEAD", "POST", "DELETE", "PATCH", "OPTIONS", "CONNECT", "UTF_8",
    "PRESELECT", "FIRST_COME", "ADD_DROP", "UNKNOWN_ROLE", "CSV", "XLSX", "HTML", "JSON", "TEXT", "SMTP",
    "GB18030", "BLOCK", "DENY", "ENROLL", "GROUP", "HS256", "LOAD", "SKIP",
    // Redis error prefixes, job kinds and script replies the services turn into API codes.
    "CLUSTERDOWN", "CONNECTION_CLOSED", "HOLD", "IMPORT", "LOADING", "LOTTERY", "MASTERDOWN", "PUBLISH", "NOREPLICAS", "PLAN",
    "READONLY", "REFUSED", "TRYAGAIN", "CANCELLED",
    // Redis commands and replies of the stream reader and the cluster key lookup, the idempotency
    // script's reply, and the reason a 503 carries in its details (the page shows UNAVAILABLE's text).
    "NOGROUP", "UNBLOCK", "KEYSLOT", "GETKEYSINSLOT", "IN_FLIGHT", "DEADLINE",
    // The persister's transaction statements.
    "BEGIN", "COMMIT", "ROLLBACK");

  private static Properties load(String resource) {
    Properties properties = new Properties();
    try (InputStream in = TranslationsUnitTest.class.getClassLoader().getResourceAsStream(resource)) {
      properties.load(new InputStreamReader(in, StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return properties;
  }

  private static Set<String> keys(Properties p) {
    return p.stringPropertyNames().stream().collect(Collectors.toCollection(TreeSet::new));
  }

  @Test
  void everyErrorCodeHasAMessageInBothLanguages() {
    Set<String> codes = Arrays.stream(ErrorCode.values()).map(Enum::name).collect(Collectors.toCollection(TreeSet::new));
    assertEquals(codes, keys(load("i18n/errors.properties")), "English error messages");
    assertEquals(codes, keys(load("i18n/errors_zh_CN.properties")), "Chinese error messages");
  }

  @Test
  void bothLanguagesHaveTheSameTexts() {
    assertEquals(keys(load("i18n/pages.properties")), keys(load("i18n/pages_zh_CN.properties")), "page texts");
    assertEquals(keys(load("i18n/mail.properties")), keys(load("i18n/mail_zh_CN.properties")), "mail texts");
    assertEquals(keys(load("i18n/export.properties")), keys(load("i18n/export_zh_CN.properties")), "texts of exported files");
  }

  @Test
  void everyTextTheTemplatesAndHandlersAskForExists() throws IOException {
    Set<String> known = keys(load("i18n/pages.properties"));
    Set<String> missing = new TreeSet<>();
    // t("key") / t('key') in templates; a dynamic key (t("weekday." ~ day)) needs at least one key under its prefix.
    Pattern template = Pattern.compile("\\bt\\(\\s*[\"']([A-Za-z0-9_.]+)[\"']\\s*(~)?");
    askedFor(files(MAIN.resolve("resources/pages"), ".peb"), template, known, missing);
    Pattern handler = Pattern.compile("Pages\\.text\\(ctx, \"([A-Za-z0-9_.]+)\"(\\s*\\+)?");
    askedFor(files(MAIN.resolve("java"), ".java"), handler, known, missing);
    assertEquals(Set.of(), missing, "texts asked for but missing");
  }

  /** Adds to {@code missing} each key {@code asking} finds in the files that is not known (group 2: a dynamic key's prefix). */
  private static void askedFor(Set<Path> files, Pattern asking, Set<String> known, Set<String> missing) throws IOException {
    for (Path file : files) {
      Matcher m = asking.matcher(Files.readString(file));
      while (m.find()) {
        String key = m.group(1);
        boolean found = m.group(2) == null ? known.contains(key) : known.stream().anyMatch(k -> k.startsWith(key));
        if (!found) missing.add(file.getFileName() + ": " + key);
      }
    }
  }

  /** Every upper-case code in the sources is an API error code, has a field-error sentence, or is listed as never shown. */
  @Test
  void everyFieldAndRowCodeHasASentence() throws IOException {
    Set<String> known = keys(load("i18n/pages.properties"));
    Set<String> errorCodes = Arrays.stream(ErrorCode.values()).map(Enum::name).collect(Collectors.toSet());
    Pattern literal = Pattern.compile("\"([A-Z][A-Z0-9]*(?:_[A-Z0-9]+)*_?)\"");
    Set<String> untranslated = new TreeSet<>();
    for (Path file : files(MAIN.resolve("java"), ".java")) {
      // The bench prints to its operator, in English; the demo's course codes are data.
      if (file.toString().contains("/bench/") || file.toString().contains("/demo/")) continue;
      Matcher m = literal.matcher(Files.readString(file));
      while (m.find()) {
        String code = m.group(1);
        if (code.length() < 4 || errorCodes.contains(code) || NOT_SHOWN.contains(code)) continue;
        if (!known.contains("fieldError." + code)) untranslated.add(code + " (" + file.getFileName() + ")");
      }
    }
    assertEquals(Set.of(), untranslated, "codes without a fieldError.* sentence (or add them to NOT_SHOWN when no one sees them)");
  }

  private static Set<Path> files(Path dir, String suffix) throws IOException {
    try (Stream<Path> all = Files.walk(dir)) {
      return all.filter(p -> p.toString().endsWith(suffix)).collect(Collectors.toCollection(TreeSet::new));
    }
  }
}
