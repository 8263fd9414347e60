package dev.kvx.kubelet.nodestatus;

import dev.kvx.kubelet.runtime.ContainerRuntime;
import java.io.IOException;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The health of a real node: the runtime must answer a ping, and the pressure conditions follow
 * upstream's default hard eviction thresholds ({@code memory.available<100Mi}, {@code
 * nodefs.available<10%}). PID pressure is not measured.
 */
public final class HostNodeHealth implements NodeHealth {
  private final ContainerRuntime runtime;
  private final Path rootDir;

  public HostNodeHealth(ContainerRuntime runtime, Path rootDir) {
    this.runtime = runtime;
    this.rootDir = rootDir;
  }

  @Override
  public String runtimeProblem() {
    try {
      runtime.ping();
      return null;
    } catch (RuntimeException e) {
      return "container runtime is down: " + e.getMessage();
    }
  }

  @Override
  public boolean memoryPressure() {
    long available = MachineInfo.memAvailableBytes();
    return available >= 0 && available < NodeResources.EVICTION_MEMORY_BYTES;
  }

  @Override
  public boolean diskPressure() {
    try {
      FileStore store = Files.getFileStore(rootDir);
      long total = store.getTotalSpace();
      return total > 0 && store.getUsableSpace() * 10 < total;
    } catch (IOException e) {
      return false;
    }
  }

  @Override
  public boolean pidPressure() {
    return false;
  }
}
