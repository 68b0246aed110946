package edu.xuanke.mail;

import io.pebbletemplates.pebble.PebbleEngine;
import io.pebbletemplates.pebble.loader.ClasspathLoader;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.text.MessageFormat;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.ResourceBundle;

/**
 * Renders mails from the Pebble templates under src/main/resources/mail (HTML escaped, plain
 * text not) with the texts of i18n/mail*.properties. Blocking on first use of a template
 * (class-path read): call from a worker thread.
 */
public final class MailTemplates {

  /** A rendered mail. */
  public record Rendered(String subject, String html, String text) {
  }

  private final PebbleEngine html = engine(true);
  private final PebbleEngine text = engine(false);

  public Rendered render(String kind, String lang, Map<String, Object> params) {
    Locale locale = "en".equals(lang) ? Locale.ENGLISH : Locale.SIMPLIFIED_CHINESE;
    ResourceBundle texts = ResourceBundle.getBundle("i18n/mail", locale);
    String subject = MessageFormat.format(texts.getString(kind + ".subject"), params.getOrDefault("courseTitle", ""));
    Map<String, Object> context = new HashMap<>(params);
    context.put("lang", "en".equals(lang) ? "en" : "zh-CN");
    context.put("subject", subject);
    context.putIfAbsent("name", "");
    return new Rendered(subject, evaluate(html, "mail/" + kind + ".html.peb", context, locale),
      evaluate(text, "mail/" + kind + ".txt.peb", context, locale).strip() + "\n");
  }

  private static String evaluate(PebbleEngine engine, String template, Map<String, Object> context, Locale locale) {
    StringWriter out = new StringWriter();
    try {
      engine.getTemplate(template).evaluate(out, context, locale);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toString();
  }

  private static PebbleEngine engine(boolean escapeHtml) {
    return new PebbleEngine.Builder().loader(new ClasspathLoader()).autoEscaping(escapeHtml)
      .newLineTrimming(false).build();
  }
}
