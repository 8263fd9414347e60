package dev.kvx.component.workqueue;

import dev.kvx.component.clock.Clock;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Objects;

/**
 * How a queue is built: its {@code name} (the {@code name} tag of the workqueue_* metrics, e.g.
 * {@code replicaset}), the registry those metrics go to (null: no metrics) and its clock.
 *
 * <p>Names must be unique within one registry: two live queues with one name would share series.
 */
public record QueueConfig(String name, MeterRegistry meterRegistry, Clock clock) {

  public QueueConfig {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(clock, "clock");
  }

  /** A queue called {@code name}, without metrics, on the system clock. */
  public static QueueConfig named(String name) {
    return new QueueConfig(name, null, Clock.system());
  }

  public QueueConfig withMeterRegistry(MeterRegistry registry) {
    return new QueueConfig(name, registry, clock);
  }

  public QueueConfig withClock(Clock clock) {
    return new QueueConfig(name, meterRegistry, clock);
  }
}
