package edu.xuanke.core;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import io.vertx.serviceproxy.ServiceBinder;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;

/**
 * Where a domain's service meets the event bus, and the one place its failures are mapped: every
 * call's outcome passes {@link Failures#fromStore}, so a store failure leaves any service as 503
 * UNAVAILABLE (never an unknown failure the HTTP layer would answer with 500), without each
 * implementation having to remember it call by call. Every service is registered here;
 * {@code ServiceBoundaryUnitTest} fails when a verticle binds one elsewhere.
 */
public final class ServiceBoundary {

  private ServiceBoundary() {
  }

  /** Registers {@code impl} at {@code address} for the whole cluster. */
  public static <T> MessageConsumer<JsonObject> register(Vertx vertx, String address, Class<T> type, T impl) {
    return new ServiceBinder(vertx).setAddress(address).register(type, mapped(type, impl));
  }

  /** Registers {@code impl} at {@code address} for this process only. */
  public static <T> MessageConsumer<JsonObject> registerLocal(Vertx vertx, String address, Class<T> type, T impl) {
    return new ServiceBinder(vertx).setAddress(address).registerLocal(type, mapped(type, impl));
  }

  /**
   * {@code impl} seen through {@code type}, with each returned future's failure, and any exception a
   * method throws, passed through {@link Failures#fromStore}.
   */
  static <T> T mapped(Class<T> type, T impl) {
    Object proxy = Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type}, (self, method, args) -> {
      if (method.getDeclaringClass() == Object.class) return method.invoke(impl, args);
      Object result;
      try {
        result = method.invoke(impl, args);
      } catch (InvocationTargetException thrown) {
        if (!Future.class.isAssignableFrom(method.getReturnType())) throw thrown.getCause();
        return Failures.fromStore(thrown.getCause());
      }
      return result instanceof Future<?> future ? future.recover(Failures::fromStore) : result;
    });
    return type.cast(proxy);
  }
}
