package dev.kvx.kubelet.pod;

import dev.kvx.component.clock.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * client-go's {@code flowcontrol.Backoff} as the kubelet uses it for CrashLoopBackOff and image
 * pulls: per key, the delay starts at {@code initial} and doubles up to {@code max} each time the
 * keyed thing fails again; an entry not updated for twice {@code max} (10 min with upstream's 5
 * min) starts over. Times are event times (when the container finished), read on the injected
 * clock. Thread-safe.
 */
public final class BackOff {
  private final Clock clock;
  private final Duration initial;
  private final Duration max;
  private final Map<String, Entry> entries = new ConcurrentHashMap<>();

  public BackOff(Clock clock, Duration initial, Duration max) {
    this.clock = clock;
    this.initial = initial;
    this.max = max;
  }

  /** The current delay of {@code key} (zero when none). */
  public Duration get(String key) {
    Entry e = entries.get(key);
    return e == null ? Duration.ZERO : e.backoff;
  }

  /** Counts one more failure of {@code key} at {@code eventTime}. */
  public synchronized void next(String key, Instant eventTime) {
    Entry e = entries.get(key);
    if (e == null || expired(eventTime, e.lastUpdate)) {
      entries.put(key, new Entry(initial, eventTime));
      return;
    }
    Duration doubled = e.backoff.multipliedBy(2);
    entries.put(key, new Entry(doubled.compareTo(max) > 0 ? max : doubled, eventTime));
  }

  /** Whether {@code key} is still backing off from a failure at {@code eventTime}. */
  public boolean isInBackOffSince(String key, Instant eventTime) {
    Entry e = entries.get(key);
    if (e == null) {
      return false;
    }
    Instant now = clock.now();
    if (expired(now, e.lastUpdate)) {
      return false;
    }
    return Duration.between(eventTime, now).compareTo(e.backoff) < 0;
  }

  /** How long until a back-off from {@code eventTime} ends (zero when it has). */
  public Duration remaining(String key, Instant eventTime) {
    Duration left = Duration.between(clock.now(), eventTime.plus(get(key)));
    return left.isNegative() ? Duration.ZERO : left;
  }

  /** Drops {@code key} (its next failure starts from {@code initial}). */
  public void reset(String key) {
    entries.remove(key);
  }

  /** Drops every key starting with {@code prefix} (a pod's keys when it goes). */
  public void resetPrefix(String prefix) {
    entries.keySet().removeIf(k -> k.startsWith(prefix));
  }

  private boolean expired(Instant eventTime, Instant lastUpdate) {
    return Duration.between(lastUpdate, eventTime).compareTo(max.multipliedBy(2)) > 0;
  }

  private record Entry(Duration backoff, Instant lastUpdate) {}
}
