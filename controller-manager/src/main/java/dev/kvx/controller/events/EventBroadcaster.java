package dev.kvx.controller.events;

import dev.kvx.component.clock.Clock;
import dev.kvx.controller.common.Times;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectReferenceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import java.net.InetAddress;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes the events of a component's recorders to the API server, as client-go's {@code
 * EventBroadcaster} with its {@code EventCorrelator}: events go out on one background thread
 * through a bounded queue (1000, excess dropped as upstream does rather than slowing controllers),
 * and a repeat of an event already written (same source, object, type, reason and message) bumps
 * its {@code count} and {@code lastTimestamp} with a patch instead of creating a new Event.
 */
public final class EventBroadcaster implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(EventBroadcaster.class);
  static final int QUEUE_SIZE = 1000;
  static final int CACHE_SIZE = 4096; // upstream's maxLruCacheEntries

  private final KubernetesClient client;
  private final Clock clock;
  private final ExecutorService writer;
  private final String host;
  // Event names are <object>.<hex nanos>, as upstream; two events in the same nanosecond (or under a
  // clock that stands still) would collide, and the second create would fail with AlreadyExists.
  private final AtomicLong lastNameNanos = new AtomicLong();
  // Correlation cache: key of an event -> the Event last written for it (LRU, writer thread only).
  private final Map<String, Event> written =
      new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Event> eldest) {
          return size() > CACHE_SIZE;
        }
      };

  public EventBroadcaster(KubernetesClient client, Clock clock) {
    this.client = client;
    this.clock = clock;
    this.writer =
        new ThreadPoolExecutor(
            1,
            1,
            0,
            TimeUnit.SECONDS,
            new ArrayBlockingQueue<>(QUEUE_SIZE),
            r -> {
              Thread t = new Thread(r, "event-broadcaster");
              t.setDaemon(true);
              return t;
            },
            (r, e) -> LOG.debug("event queue full, dropping an event"));
    this.host = hostname();
  }

  /** A recorder whose events carry {@code source.component = component}. */
  public EventRecorder newRecorder(String component) {
    return (obj, type, reason, message) -> submit(component, obj, type, reason, message);
  }

  private void submit(String component, HasMetadata obj, String type, String reason, String message) {
    if (obj == null || obj.getMetadata() == null) {
      return;
    }
    Instant now = clock.now();
    Event event = build(component, obj, type, reason, message, now);
    try {
      writer.execute(() -> write(event));
    } catch (RejectedExecutionException e) {
      LOG.debug("event broadcaster closed, dropping event {}", reason);
    }
  }

  Event build(
      String component, HasMetadata obj, String type, String reason, String message, Instant now) {
    String namespace = obj.getMetadata().getNamespace();
    if (namespace == null || namespace.isEmpty()) {
      namespace = "default"; // events about cluster-scoped objects live in default, as upstream
    }
    String ts = Times.format(now);
    long clockNanos = now.getEpochSecond() * 1_000_000_000L + now.getNano();
    long nanos = lastNameNanos.updateAndGet(last -> Math.max(last + 1, clockNanos));
    return new EventBuilder()
        .withNewMetadata()
        .withNamespace(namespace)
        .withName(obj.getMetadata().getName() + "." + Long.toHexString(nanos))
        .endMetadata()
        .withInvolvedObject(
            new ObjectReferenceBuilder()
                .withApiVersion(obj.getApiVersion())
                .withKind(obj.getKind())
                .withNamespace(obj.getMetadata().getNamespace())
                .withName(obj.getMetadata().getName())
                .withUid(obj.getMetadata().getUid())
                .withResourceVersion(obj.getMetadata().getResourceVersion())
                .build())
        .withType(type)
        .withReason(reason)
        .withMessage(message)
        .withNewSource()
        .withComponent(component)
        .endSource()
        .withReportingComponent(component)
        .withReportingInstance(host)
        .withFirstTimestamp(ts)
        .withLastTimestamp(ts)
        .withCount(1)
        .build();
  }

  static String correlationKey(Event e) {
    var o = e.getInvolvedObject();
    return String.join(
        "\u0000",
        e.getSource().getComponent(),
        Objects.toString(o.getKind()),
        Objects.toString(o.getNamespace()),
        Objects.toString(o.getName()),
        Objects.toString(o.getUid()),
        Objects.toString(o.getApiVersion()),
        e.getType(),
        e.getReason(),
        e.getMessage());
  }

  // Writer thread only.
  private void write(Event event) {
    String key = correlationKey(event);
    Event previous = written.get(key);
    try {
      if (previous != null) {
        int count = (previous.getCount() == null ? 1 : previous.getCount()) + 1;
        String patch =
            "{\"count\":" + count + ",\"lastTimestamp\":\"" + event.getLastTimestamp() + "\"}";
        try {
          Event patched =
              client
                  .v1()
                  .events()
                  .inNamespace(previous.getMetadata().getNamespace())
                  .withName(previous.getMetadata().getName())
                  .patch(PatchContext.of(PatchType.JSON_MERGE), patch);
          written.put(key, patched);
          return;
        } catch (KubernetesClientException e) {
          if (e.getCode() != 404) {
            throw e;
          }
          // The aggregated event expired or was deleted: start a new one.
        }
      }
      Event created = client.v1().events().resource(event).create();
      written.put(key, created);
    } catch (KubernetesClientException e) {
      LOG.debug("could not write event {} about {}: {}", event.getReason(), event.getInvolvedObject().getName(), e.getMessage());
    } catch (RuntimeException e) {
      LOG.warn("could not write event {}", event.getReason(), e);
    }
  }

  /** Stops the writer after the queued events (up to 5 s). */
  @Override
  public void close() {
    writer.shutdown();
    try {
      writer.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static String hostname() {
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (Exception e) {
      return "localhost";
    }
  }
}
