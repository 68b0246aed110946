package edu.xuanke.http.pages;

import io.pebbletemplates.pebble.PebbleEngine;
import io.pebbletemplates.pebble.extension.AbstractExtension;
import io.pebbletemplates.pebble.extension.Function;
import io.pebbletemplates.pebble.loader.ClasspathLoader;
import io.pebbletemplates.pebble.template.EvaluationContext;
import io.pebbletemplates.pebble.template.PebbleTemplate;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.text.MessageFormat;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.MissingResourceException;
import java.util.ResourceBundle;

/**
 * The Pebble engine of the pages: templates under src/main/resources/pages (name without the
 * ".peb"), HTML autoescaping on, texts from i18n/pages*.properties through {@code t("key", args…)}
 * and asset URLs with their content hash through {@code asset("app.js")}. Rendering reads
 * templates from the class path on first use, so callers run it on a worker thread.
 */
final class PageEngine {

  private static final ResourceBundle EN = ResourceBundle.getBundle("i18n/pages", Locale.ROOT);
  private static final ResourceBundle ZH = ResourceBundle.getBundle("i18n/pages", Locale.SIMPLIFIED_CHINESE);
  private static final ResourceBundle ERRORS_EN = ResourceBundle.getBundle("i18n/errors", Locale.ROOT);
  private static final ResourceBundle ERRORS_ZH = ResourceBundle.getBundle("i18n/errors", Locale.SIMPLIFIED_CHINESE);
  private static final String FIELD_ERROR = "fieldError.";

  private final PebbleEngine pebble;

  PageEngine(Assets assets) {
    this.pebble = new PebbleEngine.Builder()
      .loader(prefixed())
      .autoEscaping(true)
      .strictVariables(false)
      .extension(new AbstractExtension() {
        @Override
        public Map<String, Function> getFunctions() {
          return Map.of("t", new Translate(), "asset", new AssetUrl(assets), "codeTexts", new CodeTexts());
        }
      })
      .build();
  }

  String render(String template, Map<String, Object> model, Locale locale) {
    StringWriter out = new StringWriter();
    try {
      pebble.getTemplate(template).evaluate(out, model, locale);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toString();
  }

  /** A page text in the page's language; {0}, {1}… are filled from the further arguments. */
  static String text(Locale locale, String key, Object... args) {
    ResourceBundle bundle = "zh".equals(locale.getLanguage()) ? ZH : EN;
    String pattern;
    try {
      pattern = bundle.getString(key);
    } catch (MissingResourceException e) {
      return key;
    }
    return args.length == 0 ? pattern : new MessageFormat(pattern, locale).format(args);
  }

  /**
   * A field's error code as a sentence that says what is expected: "fieldError.<field>.<code>"
   * (e.g. the phone's format), else "fieldError.<code>", else a general "not valid" — never the code.
   */
  static String fieldError(Locale locale, String field, String code) {
    ResourceBundle bundle = bundle(locale);
    for (String key : new String[] {FIELD_ERROR + field + "." + code, FIELD_ERROR + code}) {
      if (bundle.containsKey(key)) return bundle.getString(key);
    }
    return bundle.getString(FIELD_ERROR + "unknown");
  }

  /**
   * Every field and row error code and every API error code with its sentence in the page's
   * language, as JSON, for the admin script: {"fields": {"phone.INVALID_FORMAT": …, "REQUIRED": …},
   * "errors": {"TIME_CONFLICT": …}}. The script shows these, never a code.
   */
  static String codeTexts(Locale locale) {
    ResourceBundle pages = bundle(locale);
    ResourceBundle errors = "zh".equals(locale.getLanguage()) ? ERRORS_ZH : ERRORS_EN;
    JsonObject fields = new JsonObject();
    for (String key : pages.keySet()) {
      if (key.startsWith(FIELD_ERROR)) fields.put(key.substring(FIELD_ERROR.length()), pages.getString(key));
    }
    JsonObject codes = new JsonObject();
    for (String key : errors.keySet()) codes.put(key, errors.getString(key));
    return new JsonObject().put("fields", fields).put("errors", codes).encode();
  }

  private static ResourceBundle bundle(Locale locale) {
    return "zh".equals(locale.getLanguage()) ? ZH : EN;
  }

  /** Json values as the maps and lists Pebble reads attributes from. */
  static Object plain(Object value) {
    if (value instanceof JsonObject o) {
      Map<String, Object> map = new LinkedHashMap<>();
      o.forEach(e -> map.put(e.getKey(), plain(e.getValue())));
      return map;
    }
    if (value instanceof JsonArray a) {
      List<Object> list = new ArrayList<>();
      a.forEach(v -> list.add(plain(v)));
      return list;
    }
    return value;
  }

  private static ClasspathLoader prefixed() {
    ClasspathLoader loader = new ClasspathLoader(PageEngine.class.getClassLoader());
    loader.setPrefix("pages");
    loader.setSuffix(".peb");
    return loader;
  }

  private static final class Translate implements Function {
    @Override
    public Object execute(Map<String, Object> args, PebbleTemplate self, EvaluationContext context, int line) {
      Object[] params = new Object[Math.max(0, args.size() - 1)];
      for (int i = 0; i < params.length; i++) params[i] = args.get(String.valueOf(i + 1));
      return text(context.getLocale(), String.valueOf(args.get("0")), params);
    }

    @Override
    public List<String> getArgumentNames() {
      return null;
    }
  }

  private static final class CodeTexts implements Function {
    @Override
    public Object execute(Map<String, Object> args, PebbleTemplate self, EvaluationContext context, int line) {
      return codeTexts(context.getLocale());
    }

    @Override
    public List<String> getArgumentNames() {
      return List.of();
    }
  }

  private record AssetUrl(Assets assets) implements Function {
    @Override
    public Object execute(Map<String, Object> args, PebbleTemplate self, EvaluationContext context, int line) {
      return assets.url(String.valueOf(args.get("name")));
    }

    @Override
    public List<String> getArgumentNames() {
      return List.of("name");
    }
  }
}
