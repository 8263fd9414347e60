package dev.kvx.component.server;

import dev.kvx.component.server.HealthChecks.Group;
import dev.kvx.component.server.HealthChecks.Named;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Future;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The endpoints every Kubernetes component serves, with upstream's exact bodies
 * (k8s.io/apiserver/pkg/server/healthz):
 *
 * <ul>
 *   <li>{@code /healthz}, {@code /livez}, {@code /readyz}: 200 {@code ok}; with {@code ?verbose}
 *       one {@code [+]name ok} line per check and {@code <group> check passed}; when a check fails
 *       500 with {@code [-]name failed: reason withheld} lines and {@code <group> check failed}.
 *       {@code ?exclude=name} (repeatable) skips a check ({@code [+]name excluded: ok}).
 *   <li>{@code /<group>/<name>}: one check, 200 {@code ok} or 500 {@code internal server error:
 *       <reason>}.
 *   <li>{@code /metrics}: Prometheus text format 0.0.4, or OpenMetrics 1.0 when the Accept header
 *       asks for {@code application/openmetrics-text}.
 * </ul>
 */
public final class ComponentRoutes {
  static final String TEXT_PLAIN = "text/plain; charset=utf-8";
  static final String PROMETHEUS_TEXT = "text/plain; version=0.0.4; charset=utf-8";
  static final String OPENMETRICS_TEXT =
      "application/openmetrics-text; version=1.0.0; charset=utf-8";

  private static final Logger LOG = LoggerFactory.getLogger(ComponentRoutes.class);
  // A check that never answers must not hang the probe (kubelet probes time out after 1 s anyway).
  private static final long CHECK_TIMEOUT_SECONDS = 10;

  private ComponentRoutes() {}

  /** Mounts the health endpoints and /metrics on {@code router}. */
  public static void mount(
      Router router, HealthChecks checks, PrometheusMeterRegistry meterRegistry) {
    for (Group group : Group.values()) {
      String path = "/" + group.path();
      router.get(path).handler(ctx -> handleGroup(ctx, group, checks));
      router.get(path + "/*").handler(ctx -> handleOne(ctx, group, checks));
    }
    router.get("/metrics").handler(ctx -> handleMetrics(ctx, meterRegistry));
  }

  private static void handleGroup(RoutingContext ctx, Group group, HealthChecks checks) {
    List<Named> named = checks.group(group);
    Set<String> excluded = new LinkedHashSet<>(ctx.queryParam("exclude"));
    List<Future<Void>> results = new ArrayList<>();
    for (Named n : named) {
      results.add(excluded.contains(n.name()) ? null : run(n.check()));
    }
    Future.join(results.stream().filter(f -> f != null).toList())
        .onComplete(
            ignored -> {
              StringBuilder out = new StringBuilder();
              List<String> failed = new ArrayList<>();
              for (int i = 0; i < named.size(); i++) {
                String name = named.get(i).name();
                Future<Void> result = results.get(i);
                if (result == null) {
                  excluded.remove(name);
                  out.append("[+]").append(name).append(" excluded: ok\n");
                } else if (result.failed()) {
                  // The reason stays out of the public body, as upstream; it goes to the log.
                  out.append("[-]").append(name).append(" failed: reason withheld\n");
                  failed.add(name + ": " + result.cause().getMessage());
                } else {
                  out.append("[+]").append(name).append(" ok\n");
                }
              }
              if (!excluded.isEmpty()) {
                out.append("warn: some health checks cannot be excluded: no matches for ")
                    .append(
                        excluded.stream().map(e -> '"' + e + '"').collect(Collectors.joining(",")))
                    .append('\n');
              }
              if (!failed.isEmpty()) {
                LOG.info("{} check failed: {}", group.path(), failed);
                respond(ctx, 500, out + group.path() + " check failed\n");
              } else if (!ctx.queryParams().contains("verbose")) {
                respond(ctx, 200, "ok");
              } else {
                respond(ctx, 200, out + group.path() + " check passed\n");
              }
            });
  }

  private static void handleOne(RoutingContext ctx, Group group, HealthChecks checks) {
    String name = ctx.normalizedPath().substring(group.path().length() + 2);
    Named check =
        checks.group(group).stream().filter(n -> n.name().equals(name)).findFirst().orElse(null);
    if (check == null) {
      ctx.next(); // 404 as for any unknown path
      return;
    }
    run(check.check())
        .onComplete(
            result -> {
              if (result.succeeded()) {
                respond(ctx, 200, "ok");
              } else {
                respond(ctx, 500, "internal server error: " + result.cause().getMessage() + "\n");
              }
            });
  }

  private static Future<Void> run(HealthCheck check) {
    try {
      Future<Void> f = check.check();
      return f == null
          ? Future.failedFuture("check returned no result")
          : f.timeout(CHECK_TIMEOUT_SECONDS, TimeUnit.SECONDS);
    } catch (RuntimeException e) {
      return Future.failedFuture(e);
    }
  }

  private static void handleMetrics(RoutingContext ctx, PrometheusMeterRegistry registry) {
    String accept = ctx.request().getHeader("Accept");
    String contentType =
        accept != null && accept.contains("application/openmetrics-text")
            ? OPENMETRICS_TEXT
            : PROMETHEUS_TEXT;
    // Rendering takes the meters' locks and grows with the series count: off the event loop.
    ctx.vertx()
        .executeBlocking(() -> registry.scrape(contentType), false)
        .onComplete(
            page -> {
              if (page.failed()) {
                ctx.fail(page.cause());
                return;
              }
              ctx.response().putHeader("Content-Type", contentType).end(page.result());
            });
  }

  private static void respond(RoutingContext ctx, int status, String body) {
    if (ctx.response().ended()) {
      return;
    }
    ctx.response()
        .setStatusCode(status)
        .putHeader("Content-Type", TEXT_PLAIN)
        .putHeader("X-Content-Type-Options", "nosniff")
        .end(body);
  }
}
