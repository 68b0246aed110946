package edu.xuanke.auth;

/**
 * Names of the accounts domain's Redis keys (sessions are in {@code core/SessionKeys}, shared
 * with the selection scripts). The login limiter's keys carry the client IP as hash tag
 * {@code {ip:<address>}}, so that lua/login_attempt.lua's two keys share a slot on Redis Cluster.
 */
public final class AuthKeys {

  private AuthKeys() {
  }

  /** Counter: password checks of one account (canonical id) from one client IP in the window. */
  public static String loginAttempts(String loginId, String clientIp) {
    return ipTag(clientIp) + "login-attempts:" + loginId;
  }

  /** Counter: failed (or not yet decided) password checks from one client IP in the window, over all accounts. */
  public static String loginFailures(String clientIp) {
    return ipTag(clientIp) + "login-failures";
  }

  /** Sorted set: when email codes were sent to one account (the rolling window of lua/email_code.lua). */
  public static String emailCodesOfAccount(String studentId) {
    return "xk:email-codes:account:" + studentId;
  }

  /** Sorted set: when email codes were asked for from one client IP. */
  public static String emailCodesOfIp(String clientIp) {
    return "xk:email-codes:ip:" + clientIp;
  }

  /** Hash: the account's live email code (its HMAC) and its wrong guesses. */
  public static String emailCode(String studentId) {
    return "xk:email-code:" + studentId;
  }

  /** String: the nonce of the account's one live activation link. */
  public static String activation(String studentId) {
    return "xk:activation:" + studentId;
  }

  private static String ipTag(String clientIp) {
    return "xk:{ip:" + clientIp + "}:";
  }
}
