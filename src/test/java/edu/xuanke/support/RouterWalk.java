package edu.xuanke.support;

import edu.xuanke.core.AppConfig;
import edu.xuanke.http.ApiRouter;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Route;
import io.vertx.ext.web.Router;

import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The routes the service's router serves, read from the router itself (sub-routers included), so
 * a test that walks them covers a route added later without a list to update.
 */
public final class RouterWalk {

  private RouterWalk() {
  }

  /** Path template (":id" parameters) → its methods, HEAD left out (every GET answers it). */
  public static Map<String, Set<String>> routes(AppConfig config) {
    Vertx vertx = Vertx.vertx();
    try {
      Map<String, Set<String>> routes = new TreeMap<>();
      collect(ApiRouter.create(vertx, config), "", routes);
      return routes;
    } finally {
      vertx.close().await();
    }
  }

  private static void collect(Router router, String mountPoint, Map<String, Set<String>> routes) {
    for (Route route : router.getRoutes()) {
      String path = route.getPath();
      if (route.getSubRouter() != null) {
        collect(route.getSubRouter(), mountPoint + (path == null ? "" : path.replaceAll("/?\\*?$", "")), routes);
        continue;
      }
      if (path == null || route.methods() == null || route.methods().isEmpty()) continue;
      for (HttpMethod method : route.methods()) {
        if (method != HttpMethod.HEAD) routes.computeIfAbsent(mountPoint + path, p -> new TreeSet<>()).add(method.name());
      }
    }
  }

  /** The template with each parameter replaced by {@code value}. */
  public static String fill(String template, String value) {
    return template.replaceAll(":\\w+", value);
  }
}
