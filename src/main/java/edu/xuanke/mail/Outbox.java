package edu.xuanke.mail;

/**
 * The Redis keys of the mail outbox, shared by every instance. One hash tag, {mail}: the
 * scripts that queue (with a once-marker) and that move due retries touch several of them, so
 * on Redis Cluster they share a slot.
 */
public final class Outbox {

  /** New mails and mails due for another try: a stream read by the "mailer" consumer group. */
  public static final String STREAM = "xk:{mail}:outbox";
  public static final String GROUP = "mailer";
  /** Mails waiting to be retried: member = the mail as JSON, score = when (epoch ms). */
  public static final String RETRY = "xk:{mail}:retry";
  /** Mails given up on, newest first, as JSON with the last error. */
  public static final String DEAD = "xk:{mail}:dead";
  /** Counters: sent, retried, failed. */
  public static final String STATS = "xk:{mail}:stats";
  /** Prefix of the markers of mails queued once per key (e.g. per promotion event). */
  public static final String ONCE = "xk:{mail}:once:";

  private Outbox() {
  }
}
