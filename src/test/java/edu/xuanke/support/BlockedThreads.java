package edu.xuanke.support;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;

import java.util.concurrent.atomic.AtomicInteger;

/** A logback appender counting Vert.x's "Thread … has been blocked" warnings in this JVM. */
public final class BlockedThreads extends AppenderBase<ILoggingEvent> {

  private static final AtomicInteger WARNINGS = new AtomicInteger();

  public static int count() {
    return WARNINGS.get();
  }

  @Override
  protected void append(ILoggingEvent event) {
    if (event.getFormattedMessage() != null && event.getFormattedMessage().contains("has been blocked for")) {
      WARNINGS.incrementAndGet();
    }
  }
}
