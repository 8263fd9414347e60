package dev.kvx.apiserver.storage;

import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/** Collects a watch's events and error, and notices calls that overlap or arrive after an error. */
public final class RecordingListener implements WatchListener {

  private final List<WatchEvent> events = new ArrayList<>();
  private final AtomicInteger inCall = new AtomicInteger();
  private volatile Throwable error;
  private volatile String violation;

  @Override
  public void onEvents(List<WatchEvent> batch) {
    enter();
    try {
      if (error != null) {
        violation = "events after onError";
      }
      if (batch.isEmpty()) {
        violation = "empty batch";
      }
      synchronized (events) {
        events.addAll(batch);
      }
    } finally {
      inCall.decrementAndGet();
    }
  }

  @Override
  public void onError(Throwable e) {
    enter();
    try {
      if (error != null) {
        violation = "second onError";
      }
      error = e;
    } finally {
      inCall.decrementAndGet();
    }
  }

  private void enter() {
    if (inCall.incrementAndGet() != 1) {
      violation = "overlapping listener calls";
    }
  }

  public List<WatchEvent> events() {
    synchronized (events) {
      return List.copyOf(events);
    }
  }

  public List<Long> revisions() {
    return events().stream().map(WatchEvent::revision).toList();
  }

  public List<String> keys() {
    return events().stream().map(e -> e.kv().key()).toList();
  }

  public Throwable error() {
    return error;
  }

  /** A broken delivery rule, or null. */
  public String violation() {
    return violation;
  }

  /** Waits until an event at {@code revision} (or later) has arrived. */
  public RecordingListener awaitRevision(long revision) {
    await()
        .pollDelay(Duration.ZERO)
        .pollInterval(Duration.ofMillis(5))
        .atMost(Duration.ofSeconds(10))
        .until(() -> events().stream().anyMatch(e -> e.revision() >= revision) || error != null);
    return this;
  }

  public Throwable awaitError() {
    await()
        .pollDelay(Duration.ZERO)
        .pollInterval(Duration.ofMillis(5))
        .atMost(Duration.ofSeconds(10))
        .until(() -> error != null);
    return error;
  }

  public static List<String> names(List<WatchEvent> events) {
    List<String> out = new ArrayList<>();
    for (WatchEvent e : events) {
      out.add(e.type() + " " + e.kv().key() + "@" + e.revision());
    }
    return out;
  }
}
