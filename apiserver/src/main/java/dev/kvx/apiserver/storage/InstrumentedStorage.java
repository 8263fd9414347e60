package dev.kvx.apiserver.storage;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.vertx.core.Future;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Times every request to a {@link Storage} as kube-apiserver's {@code
 * etcd_request_duration_seconds}: tags {@code operation} (get, list, create, update, delete,
 * currentRevision, compact), {@code type} (the resource the key belongs to, e.g. {@code pods} or
 * {@code crontabs.stable.example.com}) and {@code backend} (etcd or embedded), so both backends
 * report under one name. Failed requests are timed too. Watches pass through untimed.
 */
public final class InstrumentedStorage implements Storage {

  public static final String METRIC = "etcd_request_duration_seconds";

  private final Storage delegate;
  private final MeterRegistry registry;
  private final Map<String, Timer> timers = new ConcurrentHashMap<>();

  public InstrumentedStorage(Storage delegate, MeterRegistry registry) {
    this.delegate = delegate;
    this.registry = registry;
  }

  /** The storage this one times. */
  public Storage delegate() {
    return delegate;
  }

  @Override
  public Future<KeyValue> get(String key) {
    return timed("get", key, () -> delegate.get(key));
  }

  @Override
  public Future<RangeResult> list(String prefix) {
    return timed("list", prefix, () -> delegate.list(prefix));
  }

  @Override
  public Future<KeyValue> create(String key, byte[] value) {
    return timed("create", key, () -> delegate.create(key, value));
  }

  @Override
  public Future<KeyValue> update(String key, byte[] value, long expectedModRevision) {
    return timed("update", key, () -> delegate.update(key, value, expectedModRevision));
  }

  @Override
  public Future<KeyValue> delete(String key, long expectedModRevision) {
    return timed("delete", key, () -> delegate.delete(key, expectedModRevision));
  }

  @Override
  public Future<Long> currentRevision() {
    return timed("currentRevision", "", delegate::currentRevision);
  }

  @Override
  public StorageWatch watch(String prefix, long startRevision, WatchListener listener) {
    return delegate.watch(prefix, startRevision, listener);
  }

  @Override
  public Future<Void> compact(long revision) {
    return timed("compact", "", () -> delegate.compact(revision));
  }

  @Override
  public String backendName() {
    return delegate.backendName();
  }

  @Override
  public void close() {
    delegate.close();
  }

  private <T> Future<T> timed(String operation, String key, Supplier<Future<T>> call) {
    Timer timer = timer(operation, resourceType(key));
    long start = System.nanoTime();
    return call.get().andThen(ar -> timer.record(System.nanoTime() - start, TimeUnit.NANOSECONDS));
  }

  private Timer timer(String operation, String type) {
    return timers.computeIfAbsent(
        operation + ' ' + type,
        k ->
            Timer.builder(METRIC)
                .description("Etcd request latency in seconds for each operation and object type.")
                .tag("operation", operation)
                .tag("type", type)
                .tag("backend", delegate.backendName())
                .publishPercentileHistogram()
                .minimumExpectedValue(Duration.ofMillis(1))
                .maximumExpectedValue(Duration.ofSeconds(60))
                .register(registry));
  }

  /**
   * The resource a key (or prefix) belongs to: {@code /registry/pods/ns/name} → {@code pods};
   * custom resources live under {@code /registry/<group>/<resource>/...}, recognised by the dot in
   * the group → {@code <resource>.<group>}, as kube-apiserver's GroupResource label.
   */
  static String resourceType(String key) {
    String prefix = "/registry/";
    if (key == null || !key.startsWith(prefix)) {
      return "unknown";
    }
    String[] parts = key.substring(prefix.length()).split("/", 3);
    String first = parts[0];
    if (first.isEmpty()) {
      return "unknown";
    }
    if (first.indexOf('.') >= 0 && parts.length > 1 && !parts[1].isEmpty()) {
      return parts[1] + "." + first;
    }
    return first;
  }
}
