package edu.xuanke.http;

import edu.xuanke.core.ErrorCode;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Route;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The paths and methods the router serves, read from the router itself once every route is
 * mounted (sub-routers included), so a route added later is covered without a list to update.
 * Every GET route also answers HEAD; a known path asked with another method is 405
 * METHOD_NOT_ALLOWED with {@code Allow}, before any body is read or any session is checked.
 */
public final class RouteTable {

  /** Paths without parameters, looked up directly: the hottest routes pay one map lookup. */
  private final Map<String, Set<HttpMethod>> exact = new HashMap<>();
  private final List<Template> templates = new ArrayList<>();
  private volatile boolean ready;

  /** A path with parameters ({@code :id}) or a trailing {@code *}, split at its slashes. */
  private record Template(String[] segments, boolean prefix, Set<HttpMethod> methods) {
    boolean matches(String[] path) {
      if (prefix ? path.length < segments.length : path.length != segments.length) return false;
      for (int i = 0; i < segments.length; i++) {
        if (!segments[i].startsWith(":") && !segments[i].equals(path[i])) return false;
      }
      return true;
    }
  }

  /** Installs the check in front of every route; {@link #seal} reads the routes once they are all mounted. */
  public static RouteTable guarding(Router router) {
    RouteTable table = new RouteTable();
    router.route().order(Integer.MIN_VALUE).handler(table::check);
    return table;
  }

  /** Reads the router's routes (and lets every GET route answer HEAD). */
  public void seal(Router router) {
    collect(router, "");
    ready = true;
  }

  private void collect(Router router, String mountPoint) {
    for (Route route : router.getRoutes()) {
      String path = route.getPath();
      if (route.getSubRouter() != null) {
        collect(route.getSubRouter(), mountPoint + (path == null ? "" : path.replaceAll("/?\\*?$", "")));
        continue;
      }
      Set<HttpMethod> methods = route.methods();
      if (path == null || methods == null || methods.isEmpty()) continue;
      if (methods.contains(HttpMethod.GET) && !methods.contains(HttpMethod.HEAD)) route.method(HttpMethod.HEAD);
      add(mountPoint + path, route.isExactPath(), route.methods());
    }
  }

  private void add(String path, boolean exactPath, Collection<HttpMethod> methods) {
    if (exactPath && !path.contains(":")) {
      exact.computeIfAbsent(path, p -> new LinkedHashSet<>()).addAll(methods);
      return;
    }
    String[] segments = path.replaceAll("/?\\*?$", "").split("/", -1);
    for (Template template : templates) {
      if (template.prefix == !exactPath && String.join("/", template.segments).equals(String.join("/", segments))) {
        template.methods.addAll(methods);
        return;
      }
    }
    templates.add(new Template(segments, !exactPath, new LinkedHashSet<>(methods)));
  }

  /** The methods a path takes; empty when no route serves it. */
  public Set<HttpMethod> allowed(String path) {
    Set<HttpMethod> methods = new TreeSet<>((a, b) -> a.name().compareTo(b.name()));
    Set<HttpMethod> direct = exact.get(path);
    if (direct != null) methods.addAll(direct);
    String[] segments = path.split("/", -1);
    for (Template template : templates) {
      if (template.matches(segments)) methods.addAll(template.methods);
    }
    return methods;
  }

  private void check(RoutingContext ctx) {
    String path = ctx.normalizedPath();
    HttpMethod method = ctx.request().method();
    Set<HttpMethod> direct = exact.get(path);
    if (!ready || direct != null && direct.contains(method)) {
      ctx.next();
      return;
    }
    Set<HttpMethod> allowed = allowed(path);
    if (allowed.isEmpty() || allowed.contains(method)) {
      ctx.next();
      return;
    }
    ctx.response().putHeader("Allow", String.join(", ", allowed.stream().map(HttpMethod::name).toList()));
    ctx.fail(ErrorCode.METHOD_NOT_ALLOWED.exception());
  }
}
