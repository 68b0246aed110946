package edu.xuanke.http.pages;

import io.vertx.core.http.Cookie;
import io.vertx.ext.web.RoutingContext;

import java.util.Locale;

/** The pages' language: zh-CN unless the visitor chose English (a preference cookie, not a secret). */
final class Lang {

  static final String COOKIE = "xk_lang";

  private Lang() {
  }

  static Locale of(RoutingContext ctx) {
    Cookie chosen = ctx.request().getCookie(COOKIE);
    return chosen != null && "en".equals(chosen.getValue()) ? Locale.ENGLISH : Locale.SIMPLIFIED_CHINESE;
  }

  /** The BCP 47 tag for html lang and the API's Accept-Language. */
  static String tag(Locale locale) {
    return "en".equals(locale.getLanguage()) ? "en" : "zh-CN";
  }
}
