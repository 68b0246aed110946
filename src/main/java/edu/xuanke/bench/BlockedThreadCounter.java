package edu.xuanke.bench;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;
import org.slf4j.LoggerFactory;

import java.util.concurrent.atomic.AtomicInteger;

/** Counts Vert.x's "Thread … has been blocked" warnings logged while the harness runs. */
final class BlockedThreadCounter extends AppenderBase<ILoggingEvent> {

  private final AtomicInteger warnings = new AtomicInteger();

  static BlockedThreadCounter attach() {
    LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
    BlockedThreadCounter counter = new BlockedThreadCounter();
    counter.setContext(context);
    counter.start();
    context.getLogger(Logger.ROOT_LOGGER_NAME).addAppender(counter);
    return counter;
  }

  int count() {
    return warnings.get();
  }

  @Override
  protected void append(ILoggingEvent event) {
    String message = event.getFormattedMessage();
    if (message != null && message.contains("has been blocked for")) warnings.incrementAndGet();
  }
}
