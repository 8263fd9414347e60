package dev.kvx.component.metrics;

import io.micrometer.core.instrument.binder.MeterBinder;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.FileDescriptorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

/**
 * One Prometheus registry per component. Several components may share a JVM (in {@code kvx up}),
 * each with its own /metrics page, so nothing goes to Micrometer's global registry.
 *
 * <p>Each registry carries the JVM and process series (process_start_time_seconds,
 * process_uptime_seconds, process_files_open_files, jvm_memory_*, jvm_gc_*,
 * jvm_threads_*, jvm_classes_*): in one JVM they describe the shared process on every page, as they
 * would for a Kubernetes component. Not Micrometer's ProcessorMetrics: its process_cpu_time_ns_total
 * and system_cpu_count fail {@code promtool check metrics}, and upstream components have neither
 * (process_cpu_seconds_total comes from {@link ProcessMetrics}).
 */
public final class Metrics implements AutoCloseable {
  private final PrometheusMeterRegistry registry;
  private final JvmGcMetrics gcMetrics;

  private Metrics(PrometheusMeterRegistry registry, JvmGcMetrics gcMetrics) {
    this.registry = registry;
    this.gcMetrics = gcMetrics;
  }

  /** A new registry for one component, with the JVM and process binders bound. */
  public static Metrics create() {
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    JvmGcMetrics gc = new JvmGcMetrics();
    MeterBinder[] binders = {
      new UptimeMetrics(),
      new ProcessMetrics(),
      new FileDescriptorMetrics(),
      new JvmMemoryMetrics(),
      gc,
      new JvmThreadMetrics(),
      new ClassLoaderMetrics(),
    };
    for (MeterBinder binder : binders) {
      binder.bindTo(registry);
    }
    return new Metrics(registry, gc);
  }

  public PrometheusMeterRegistry registry() {
    return registry;
  }

  /** Stops the GC listener and closes the registry. */
  @Override
  public void close() {
    gcMetrics.close();
    registry.close();
  }
}
