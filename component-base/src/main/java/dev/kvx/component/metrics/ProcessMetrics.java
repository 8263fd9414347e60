package dev.kvx.component.metrics;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.OperatingSystemMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The Prometheus client libraries' standard process series that Kubernetes components expose and
 * dashboards query (process_cpu_seconds_total, process_open_fds, process_max_fds,
 * process_resident_memory_bytes, process_virtual_memory_bytes); Micrometer's own binders name
 * these differently. Series the platform cannot measure are left out.
 */
final class ProcessMetrics implements MeterBinder {
  private static final Path STATM = Path.of("/proc/self/statm");
  private static final long PAGE_SIZE = 4096; // Linux on x86-64 and arm64

  @Override
  public void bindTo(MeterRegistry registry) {
    OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
    if (os instanceof com.sun.management.OperatingSystemMXBean sun) {
      FunctionCounter.builder("process.cpu", sun, b -> b.getProcessCpuTime() / 1e9)
          .description("Total user and system CPU time spent in seconds.")
          .baseUnit("seconds")
          .register(registry);
    }
    if (os instanceof com.sun.management.UnixOperatingSystemMXBean unix) {
      Gauge.builder("process.open.fds", unix, u -> u.getOpenFileDescriptorCount())
          .description("Number of open file descriptors.")
          .register(registry);
      Gauge.builder("process.max.fds", unix, u -> u.getMaxFileDescriptorCount())
          .description("Maximum number of open file descriptors.")
          .register(registry);
    }
    if (Files.isReadable(STATM)) {
      Gauge.builder("process.resident.memory", () -> statm(1))
          .description("Resident memory size in bytes.")
          .baseUnit("bytes")
          .register(registry);
      Gauge.builder("process.virtual.memory", () -> statm(0))
          .description("Virtual memory size in bytes.")
          .baseUnit("bytes")
          .register(registry);
    }
  }

  // /proc/self/statm: "size resident shared text lib data dt", in pages.
  private static double statm(int field) {
    try {
      List<String> lines = Files.readAllLines(STATM);
      return Long.parseLong(lines.get(0).split(" ")[field]) * PAGE_SIZE;
    } catch (IOException | RuntimeException e) {
      return Double.NaN;
    }
  }
}
