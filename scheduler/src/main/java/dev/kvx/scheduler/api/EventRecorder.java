package dev.kvx.scheduler.api;

import dev.kvx.component.clock.Clock;
import io.fabric8.kubernetes.api.model.Pod;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Records core/v1 Events about pods from {@code default-scheduler}, as client-go's event recorder
 * does for the scheduler: {@code involvedObject} the pod, {@code source.component}
 * default-scheduler, so {@code kubectl describe pod} lists them.
 *
 * <p>Like client-go's event correlator, an event repeating (same pod, reason and message) within 10
 * minutes bumps the count of the existing Event instead of creating another. Events are best
 * effort: fire and forget, and dropped when too many are in flight, so they never slow the
 * scheduler down. Thread-safe.
 */
final class EventRecorder {
  static final String COMPONENT = "default-scheduler";
  private static final Logger LOG = LoggerFactory.getLogger(EventRecorder.class);
  // As client-go's broadcaster: up to 1000 events wait, beyond that they are dropped.
  private static final int MAX_IN_FLIGHT = 8;
  private static final int MAX_QUEUED = 1000;
  private static final int MAX_REMEMBERED = 4096;
  private static final Duration AGGREGATION_WINDOW = Duration.ofMinutes(10);

  private final KubeClusterApi api;
  private final Clock clock;
  private final String reportingInstance;
  private final RequestLimiter limiter = new RequestLimiter(MAX_IN_FLIGHT, MAX_QUEUED);
  private final AtomicLong lastNanos = new AtomicLong();
  private final Map<String, Seen> seen =
      new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Seen> eldest) {
          return size() > MAX_REMEMBERED;
        }
      };

  private record Seen(String namespace, String name, int count, Instant first, Instant last) {}

  EventRecorder(KubeClusterApi api, Clock clock, String reportingInstance) {
    this.api = api;
    this.clock = clock;
    this.reportingInstance = reportingInstance;
  }

  void record(Pod pod, String type, String reason, String action, String message) {
    Instant now = clock.now().truncatedTo(ChronoUnit.SECONDS);
    String ns = pod.getMetadata().getNamespace();
    String key = pod.getMetadata().getUid() + "\u0000" + reason + "\u0000" + message;
    Seen previous;
    Seen current;
    synchronized (seen) {
      previous = seen.get(key);
      if (previous != null
          && Duration.between(previous.last(), now).compareTo(AGGREGATION_WINDOW) <= 0) {
        current = new Seen(ns, previous.name(), previous.count() + 1, previous.first(), now);
      } else {
        previous = null;
        current =
            new Seen(
                ns,
                pod.getMetadata().getName() + "." + Long.toHexString(uniqueNanos()),
                1,
                now,
                now);
      }
      seen.put(key, current);
    }
    boolean repeat = previous != null;
    CompletableFuture<Void> sent =
        limiter.submit(
            () ->
                repeat
                    ? api.send(
                        "PATCH",
                        "/api/v1/namespaces/"
                            + KubeClusterApi.encode(ns)
                            + "/events/"
                            + KubeClusterApi.encode(current.name()),
                        KubeClusterApi.STRATEGIC_MERGE_PATCH,
                        Map.of("count", current.count(), "lastTimestamp", now.toString()))
                    : api.send(
                        "POST",
                        "/api/v1/namespaces/" + KubeClusterApi.encode(ns) + "/events",
                        KubeClusterApi.JSON,
                        event(pod, type, reason, action, message, current)));
    sent.whenComplete(
        (v, e) -> {
          if (e != null) {
            LOG.debug(
                "Event {} for {}/{} not recorded: {}",
                reason,
                ns,
                pod.getMetadata().getName(),
                e.toString());
            synchronized (seen) {
              if (Objects.equals(seen.get(key), current)) {
                seen.remove(key);
              }
            }
          }
        });
  }

  /** Upstream names events {@code <pod>.<unix nanos in hex>}; kept strictly increasing here. */
  private long uniqueNanos() {
    Instant now = Instant.now();
    long nanos = now.getEpochSecond() * 1_000_000_000L + now.getNano();
    return lastNanos.updateAndGet(prev -> Math.max(prev + 1, nanos));
  }

  private Map<String, Object> event(
      Pod pod, String type, String reason, String action, String message, Seen s) {
    Map<String, Object> involved = new LinkedHashMap<>();
    involved.put("kind", "Pod");
    involved.put("namespace", pod.getMetadata().getNamespace());
    involved.put("name", pod.getMetadata().getName());
    involved.put("uid", pod.getMetadata().getUid());
    involved.put("apiVersion", "v1");
    if (pod.getMetadata().getResourceVersion() != null) {
      involved.put("resourceVersion", pod.getMetadata().getResourceVersion());
    }
    Map<String, Object> e = new LinkedHashMap<>();
    e.put("apiVersion", "v1");
    e.put("kind", "Event");
    e.put("metadata", Map.of("name", s.name(), "namespace", pod.getMetadata().getNamespace()));
    e.put("involvedObject", involved);
    e.put("reason", reason);
    e.put("message", message);
    e.put("source", Map.of("component", COMPONENT));
    e.put("firstTimestamp", s.first().toString());
    e.put("lastTimestamp", s.last().toString());
    e.put("count", s.count());
    e.put("type", type);
    e.put("action", action);
    e.put("reportingComponent", COMPONENT);
    e.put("reportingInstance", reportingInstance);
    return e;
  }
}
