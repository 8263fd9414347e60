package dev.kvx.apiserver.rest;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/** The API server's request metrics under upstream names. */
public final class ApiMetrics {

  private final MeterRegistry registry;

  public ApiMetrics(MeterRegistry registry) {
    this.registry = registry;
  }

  public MeterRegistry registry() {
    return registry;
  }

  /** Records one finished request (apiserver_request_total and apiserver_request_duration_seconds). */
  public void record(RequestInfo info, String scope, int code, long nanos) {
    String group = info == null ? "" : info.group();
    String version = info == null ? "" : info.version();
    String resource = info == null ? "" : info.resource();
    String subresource = info == null || info.subresource() == null ? "" : info.subresource();
    String verb = info == null ? "GET" : info.metricVerb();
    Counter.builder("apiserver_request_total")
        .description("Counter of apiserver requests broken out for each verb, dry run value, group, version,"
            + " resource, scope, component, and HTTP response code.")
        .tags("verb", verb, "group", group, "version", version, "resource", resource,
            "subresource", subresource, "scope", scope, "component", "apiserver", "code", Integer.toString(code))
        .register(registry)
        .increment();
    Timer.builder("apiserver_request_duration_seconds")
        .description("Response latency distribution in seconds for each verb, group, version, resource,"
            + " subresource, scope and component.")
        .tags("verb", verb, "group", group, "version", version, "resource", resource,
            "subresource", subresource, "scope", scope, "component", "apiserver")
        .publishPercentileHistogram()
        .minimumExpectedValue(Duration.ofMillis(5))
        .maximumExpectedValue(Duration.ofSeconds(60))
        .register(registry)
        .record(nanos, TimeUnit.NANOSECONDS);
  }
}
