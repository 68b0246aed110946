package edu.xuanke.auth;

import edu.xuanke.core.Hmac;
import io.vertx.core.json.JsonObject;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.HexFormat;

/**
 * HMAC-SHA256 signatures with the service's secret: activation links ({student, nonce,
 * expiry} signed) and the hashes under which email codes are kept.
 */
public final class ActivationTokens {

  private final byte[] secret;

  public ActivationTokens(String secret) {
    this.secret = secret.getBytes(StandardCharsets.UTF_8);
  }

  public String sign(JsonObject claims) {
    String payload = Base64.getUrlEncoder().withoutPadding().encodeToString(claims.toBuffer().getBytes());
    return payload + "." + Base64.getUrlEncoder().withoutPadding().encodeToString(mac(payload));
  }

  /** The claims of a well-signed token, or null. */
  public JsonObject verify(String token) {
    int dot = token == null ? -1 : token.indexOf('.');
    if (dot <= 0) return null;
    String payload = token.substring(0, dot);
    try {
      byte[] given = Base64.getUrlDecoder().decode(token.substring(dot + 1));
      if (!MessageDigest.isEqual(given, mac(payload))) return null;
      return new JsonObject(new String(Base64.getUrlDecoder().decode(payload), StandardCharsets.UTF_8));
    } catch (RuntimeException malformed) {
      return null;
    }
  }

  /** A keyed hash: what is stored in place of a short secret such as an email code. */
  public String hash(String value) {
    return HexFormat.of().formatHex(mac(value));
  }

  private byte[] mac(String value) {
    return Hmac.sha256(secret, value);
  }
}
