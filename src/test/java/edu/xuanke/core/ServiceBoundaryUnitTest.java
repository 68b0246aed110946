package edu.xuanke.core;

import io.vertx.core.Future;
import io.vertx.serviceproxy.ServiceException;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.ConnectException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

/** The failure boundary every service is registered behind. */
class ServiceBoundaryUnitTest {

  /** A service as the domains write them: futures only. */
  public interface Echo {
    Future<String> call(Throwable failure);

    Future<String> throwing(RuntimeException thrown);
  }

  private static final Echo IMPL = new Echo() {
    @Override
    public Future<String> call(Throwable failure) {
      return failure == null ? Future.succeededFuture("ok") : Future.failedFuture(failure);
    }

    @Override
    public Future<String> throwing(RuntimeException thrown) {
      throw thrown;
    }
  };

  private final Echo echo = ServiceBoundary.mapped(Echo.class, IMPL);

  @Test
  void answersPassUnchanged() {
    assertEquals("ok", echo.call(null).result());
  }

  @Test
  void ownRefusalsPassUnchanged() {
    ServiceException full = ErrorCode.SECTION_FULL.exception();
    assertSame(full, echo.call(full).cause());
  }

  @Test
  void aStoreOutOfReachIsUnavailable() {
    assertEquals(ErrorCode.UNAVAILABLE, ErrorCode.of(echo.call(new ConnectException("Connection refused")).cause()));
    assertEquals(ErrorCode.UNAVAILABLE, ErrorCode.of(echo.call(new IOException("Connection reset")).cause()));
  }

  @Test
  void aDefectIsInternalNotUnavailable() {
    assertEquals(ErrorCode.INTERNAL, ErrorCode.of(echo.call(new NullPointerException()).cause()));
    assertEquals(ErrorCode.INTERNAL, ErrorCode.of(echo.throwing(new ClassCastException()).cause()));
  }

  @Test
  void aThrownStoreFailureBecomesAFailedFuture() {
    Future<String> answer = echo.throwing(new IllegalStateException("Pool closed"));
    assertEquals(ErrorCode.UNAVAILABLE, ErrorCode.of(answer.cause()));
  }

  /** So a service added later cannot bypass the boundary: no other class binds one. */
  @Test
  void everyServiceIsRegisteredThroughTheBoundary() throws IOException {
    try (Stream<Path> sources = Files.walk(Path.of("src/main/java"))) {
      List<String> binding = sources.filter(p -> p.toString().endsWith(".java"))
        .filter(p -> !p.endsWith(Path.of("edu/xuanke/core/ServiceBoundary.java")))
        .filter(p -> read(p).contains("ServiceBinder")).map(Path::toString).toList();
      assertEquals(List.of(), binding);
    }
  }

  private static String read(Path path) {
    try {
      return Files.readString(path);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
