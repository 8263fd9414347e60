package dev.kvx.bench.apiserver;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.concurrent.TimeUnit;

/**
 * Where a request's time goes inside the API server, from its own metrics: {@code
 * apiserver_request_duration_seconds} (from the first route handler to the end of the response) and
 * {@code etcd_request_duration_seconds} (the storage call), both for ConfigMaps. Set against the
 * latency the client sees, they show whether time is spent before the server's handlers
 * (connection, TLS, event-loop queue), in the handlers, or in storage.
 */
final class ServerTimings {

  private final MeterRegistry registry;
  private final String verb;
  private final String operation;

  /**
   * @param verb the request metric's verb ({@code POST}, {@code GET})
   * @param operation the storage metric's operation ({@code create}, {@code get})
   */
  ServerTimings(MeterRegistry registry, String verb, String operation) {
    this.registry = registry;
    this.verb = verb;
    this.operation = operation;
  }

  /** Counts and total times so far. */
  Snapshot snapshot() {
    Totals requests =
        totals(
            registry
                .find("apiserver_request_duration_seconds")
                .tag("verb", verb)
                .tag("resource", "configmaps")
                .timers());
    Totals storage =
        totals(
            registry
                .find("etcd_request_duration_seconds")
                .tag("operation", operation)
                .tag("type", "configmaps")
                .timers());
    return new Snapshot(requests, storage);
  }

  private static Totals totals(Iterable<Timer> timers) {
    long count = 0;
    double seconds = 0;
    for (Timer t : timers) {
      count += t.count();
      seconds += t.totalTime(TimeUnit.SECONDS);
    }
    return new Totals(count, seconds);
  }

  record Totals(long count, double seconds) {
    /** Mean milliseconds of what was recorded since {@code earlier}, NaN when nothing was. */
    double meanMillisSince(Totals earlier) {
      long n = count - earlier.count;
      return n == 0 ? Double.NaN : (seconds - earlier.seconds) * 1000 / n;
    }
  }

  record Snapshot(Totals requests, Totals storage) {}
}
