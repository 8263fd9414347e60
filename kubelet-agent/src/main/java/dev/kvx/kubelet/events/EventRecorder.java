package dev.kvx.kubelet.events;

import dev.kvx.component.clock.Clock;
import dev.kvx.kubelet.KubeTime;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.ObjectReferenceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Records pod events (core/v1 Events, source {@code kubelet} on the node) the way client-go's
 * recorder does for the kubelet: written asynchronously on the recorder's own thread so a slow API
 * never holds a pod worker, and a repeat of the same event (same object, field, reason and message)
 * bumps the earlier event's {@code count} and {@code lastTimestamp} instead of creating another.
 * Recording never fails the caller; errors are logged.
 */
public class EventRecorder {
  private static final Logger LOG = LoggerFactory.getLogger(EventRecorder.class);
  private static final int CACHE_SIZE = 4096;

  public static final String NORMAL = "Normal";
  public static final String WARNING = "Warning";

  private final KubernetesClient client;
  private final String node;
  private final Clock clock;
  private final ExecutorService executor;
  // key → the event written for it (name and count); touched only on the executor thread
  private final Map<String, Event> recent =
      new LinkedHashMap<>(256, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Event> eldest) {
          return size() > CACHE_SIZE;
        }
      };

  public EventRecorder(
      KubernetesClient client, String node, Clock clock, ExecutorService executor) {
    this.client = client;
    this.node = node;
    this.clock = clock;
    this.executor = executor;
  }

  /** A recorder that drops everything (simulated nodes emit no events, as KWOK's). */
  public static EventRecorder discarding() {
    return new EventRecorder(null, null, null, null) {
      @Override
      public void event(Pod pod, String fieldPath, String type, String reason, String message) {}
    };
  }

  /**
   * Records an event about {@code pod}; {@code fieldPath} names a container ({@code
   * spec.containers{name}}) or is null for the pod itself.
   */
  public void event(Pod pod, String fieldPath, String type, String reason, String message) {
    Instant now = clock.now();
    try {
      executor.execute(() -> write(pod, fieldPath, type, reason, message, now));
    } catch (RejectedExecutionException e) {
      // shutting down
    }
  }

  /**
   * The field path of a container: {@code spec.containers{name}} or {@code
   * spec.initContainers{name}}.
   */
  public static String containerField(Pod pod, String container) {
    boolean init =
        pod.getSpec().getInitContainers() != null
            && pod.getSpec().getInitContainers().stream()
                .anyMatch(c -> container.equals(c.getName()));
    return (init ? "spec.initContainers{" : "spec.containers{") + container + "}";
  }

  private void write(
      Pod pod, String fieldPath, String type, String reason, String message, Instant at) {
    String ns = pod.getMetadata().getNamespace();
    String key = pod.getMetadata().getUid() + "|" + fieldPath + "|" + reason + "|" + message;
    String time = KubeTime.format(at);
    try {
      Event previous = recent.get(key);
      if (previous != null) {
        int count = (previous.getCount() == null ? 1 : previous.getCount()) + 1;
        String patch = "{\"count\":" + count + ",\"lastTimestamp\":\"" + time + "\"}";
        Event updated =
            client
                .v1()
                .events()
                .inNamespace(ns)
                .withName(previous.getMetadata().getName())
                .patch(PatchContext.of(PatchType.JSON_MERGE), patch);
        if (updated != null) {
          recent.put(key, updated);
          return;
        }
      }
      Event event =
          new EventBuilder()
              .withNewMetadata()
              .withNamespace(ns)
              .withName(
                  pod.getMetadata().getName()
                      + "."
                      + Long.toHexString(
                          at.toEpochMilli() * 1_000_000 + System.nanoTime() % 1_000_000))
              .endMetadata()
              .withInvolvedObject(
                  new ObjectReferenceBuilder()
                      .withApiVersion("v1")
                      .withKind("Pod")
                      .withNamespace(ns)
                      .withName(pod.getMetadata().getName())
                      .withUid(pod.getMetadata().getUid())
                      .withResourceVersion(pod.getMetadata().getResourceVersion())
                      .withFieldPath(fieldPath)
                      .build())
              .withReason(reason)
              .withMessage(message)
              .withType(type)
              .withNewSource()
              .withComponent("kubelet")
              .withHost(node)
              .endSource()
              .withFirstTimestamp(time)
              .withLastTimestamp(time)
              .withCount(1)
              .withReportingComponent("kubelet")
              .withReportingInstance(node)
              .build();
      recent.put(key, client.v1().events().inNamespace(ns).resource(event).create());
    } catch (RuntimeException e) {
      recent.remove(key);
      LOG.debug(
          "Cannot record event {} for pod {}/{}: {}",
          reason,
          ns,
          pod.getMetadata().getName(),
          e.toString());
    }
  }
}
