package edu.xuanke.auth;

import io.vertx.core.Future;
import edu.xuanke.core.ErrorCode;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.json.JsonObject;

import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * PBKDF2-HMAC-SHA256 from the JDK's own provider. A stored hash reads
 * {@code pbkdf2_sha256$<iterations>$<salt>$<hash>}, so it carries its own cost and old hashes
 * keep verifying when the configured cost changes. Hashing runs on worker threads only.
 */
public final class PasswordHasher {

  private static final String PREFIX = "pbkdf2_sha256";
  private static final int SALT_BYTES = 16;
  private static final int HASH_BITS = 256;
  private static final SecureRandom RANDOM = new SecureRandom();

  private final WorkerExecutor workers;
  private final int iterations;
  private final int queueLimit;
  private final AtomicInteger queued = new AtomicInteger();

  /**
   * {@code workers}: a pool sized so that hashing cannot take every core from the event loops.
   * {@code queueLimit}: hashes waiting or running beyond which new ones are refused at once
   * (UNAVAILABLE with Retry-After), so a flood of logins cannot queue work for minutes.
   */
  public PasswordHasher(WorkerExecutor workers, int iterations, int queueLimit) {
    this.workers = workers;
    this.iterations = iterations;
    this.queueLimit = queueLimit;
  }

  public Future<String> hash(String password) {
    return bounded(() -> hashNow(password, iterations));
  }

  /** False for a malformed stored hash as for a wrong password, and as slow. */
  public Future<Boolean> verify(String password, String stored) {
    return bounded(() -> verifyNow(password, stored));
  }

  /** Other password work (e.g. hashing a one-time password) on the same bounded workers. */
  public <T> Future<T> run(Callable<T> work) {
    return bounded(work);
  }

  private <T> Future<T> bounded(Callable<T> work) {
    if (queued.incrementAndGet() > queueLimit) {
      queued.decrementAndGet();
      return ErrorCode.UNAVAILABLE.fail(new JsonObject().put("retryAfterSeconds", 5));
    }
    return workers.executeBlocking(work, false).andThen(done -> queued.decrementAndGet());
  }

  /** Whether a stored hash is one this hasher can check (else checking it would answer at once). */
  public static boolean wellFormed(String stored) {
    return stored != null && stored.startsWith(PREFIX + "$") && stored.split("\\$").length == 4;
  }

  /** Blocking; for worker threads and tools that are not on an event loop. */
  public static String hashNow(String password, int iterations) {
    byte[] salt = new byte[SALT_BYTES];
    RANDOM.nextBytes(salt);
    byte[] hash = pbkdf2(password, salt, iterations);
    Base64.Encoder b64 = Base64.getEncoder().withoutPadding();
    return PREFIX + "$" + iterations + "$" + b64.encodeToString(salt) + "$" + b64.encodeToString(hash);
  }

  static boolean verifyNow(String password, String stored) {
    String[] parts = stored == null ? new String[0] : stored.split("\\$");
    if (parts.length != 4 || !PREFIX.equals(parts[0])) return false;
    try {
      int iterations = Integer.parseInt(parts[1]);
      byte[] salt = Base64.getDecoder().decode(parts[2]);
      byte[] expected = Base64.getDecoder().decode(parts[3]);
      return MessageDigest.isEqual(expected, pbkdf2(password, salt, iterations));
    } catch (IllegalArgumentException malformed) {
      return false;
    }
  }

  private static byte[] pbkdf2(String password, byte[] salt, int iterations) {
    PBEKeySpec spec = new PBEKeySpec(password.toCharArray(), salt, iterations, HASH_BITS);
    try {
      return SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256").generateSecret(spec).getEncoded();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    } finally {
      spec.clearPassword();
    }
  }
}
