package dev.kvx.component.server;

import io.vertx.core.Future;
import java.util.function.BooleanSupplier;

/**
 * One health check, as k8s.io/apiserver's {@code healthz.HealthChecker}: the future succeeds when
 * healthy and fails with the reason otherwise (the reason is logged and shown only on the check's
 * own path, never on /healthz, /livez or /readyz).
 *
 * <p>Runs on the HTTP server's event loop: it must return at once and never block. Wrap blocking
 * probes in {@code vertx.executeBlocking}.
 */
@FunctionalInterface
public interface HealthCheck {

  Future<Void> check();

  /** A check that passes while {@code healthy} returns true; it must be cheap and non-blocking. */
  static HealthCheck of(BooleanSupplier healthy) {
    return () ->
        healthy.getAsBoolean()
            ? Future.succeededFuture()
            : Future.failedFuture("check returned false");
  }
}
