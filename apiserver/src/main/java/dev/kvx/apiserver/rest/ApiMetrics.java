package dev.kvx.apiserver.rest;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
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

  /** The labels of one request series; meters are looked up once per series, not per request. */
  private record Series(
      String verb, String group, String version, String resource, String subresource, String scope) {}

  private record CodedSeries(Series series, int code) {}

  private final Map<CodedSeries, Counter> counters = new ConcurrentHashMap<>();
  private final Map<Series, Timer> timers = new ConcurrentHashMap<>();

  /** Records one finished request (apiserver_request_total and apiserver_request_duration_seconds). */
  public void record(RequestInfo info, String scope, int code, long nanos) {
    Series series = new Series(
        info == null ? "GET" : info.metricVerb(),
        info == null ? "" : info.group(),
        info == null ? "" : info.version(),
        info == null ? "" : info.resource(),
        info == null || info.subresource() == null ? "" : info.subresource(),
        scope);
    counters.computeIfAbsent(new CodedSeries(series, code), this::counter).increment();
    timers.computeIfAbsent(series, this::timer).record(nanos, TimeUnit.NANOSECONDS);
  }

  private Counter counter(CodedSeries s) {
    Series l = s.series();
    return Counter.builder("apiserver_request_total")
        .description("Counter of apiserver requests broken out for each verb, dry run value, group, version,"
            + " resource, scope, component, and HTTP response code.")
        .tags("verb", l.verb(), "group", l.group(), "version", l.version(), "resource", l.resource(),
            "subresource", l.subresource(), "scope", l.scope(), "component", "apiserver",
            "code", Integer.toString(s.code()))
        .register(registry);
  }

  private Timer timer(Series l) {
    return Timer.builder("apiserver_request_duration_seconds")
        .description("Response latency distribution in seconds for each verb, group, version, resource,"
            + " subresource, scope and component.")
        .tags("verb", l.verb(), "group", l.group(), "version", l.version(), "resource", l.resource(),
            "subresource", l.subresource(), "scope", l.scope(), "component", "apiserver")
        .publishPercentileHistogram()
        .minimumExpectedValue(Duration.ofMillis(5))
        .maximumExpectedValue(Duration.ofSeconds(60))
        .register(registry);
  }
}
