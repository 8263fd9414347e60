package dev.kvx.kubelet.nodestatus;

import io.fabric8.kubernetes.api.model.Quantity;
import java.math.BigDecimal;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A node's capacity and allocatable resources as the kubelet computes them: the machine's (or the
 * flags'), minus upstream's default hard eviction thresholds ({@code memory.available<100Mi},
 * {@code nodefs.available<10%}) for allocatable; {@code pods} is the max-pods setting.
 */
public final class NodeResources {
  static final long EVICTION_MEMORY_BYTES = 100L * 1024 * 1024;

  private NodeResources() {}

  /** Resource name to quantity, for {@code status.capacity}. */
  public static Map<String, String> capacity(
      MachineInfo machine, String cpu, String memory, String ephemeralStorage, int maxPods) {
    Map<String, String> c = new LinkedHashMap<>();
    c.put("cpu", cpu != null ? cpu : Integer.toString(machine.cpuCores()));
    c.put(
        "ephemeral-storage",
        ephemeralStorage != null ? ephemeralStorage : ki(machine.ephemeralStorageBytes()));
    c.put("hugepages-1Gi", "0");
    c.put("hugepages-2Mi", "0");
    c.put("memory", memory != null ? memory : ki(machine.memoryBytes()));
    c.put("pods", Integer.toString(maxPods));
    return c;
  }

  /** Capacity minus the eviction thresholds. */
  public static Map<String, String> allocatable(Map<String, String> capacity) {
    Map<String, String> a = new LinkedHashMap<>(capacity);
    long memory = bytes(capacity.get("memory")) - EVICTION_MEMORY_BYTES;
    a.put("memory", ki(Math.max(0, memory)));
    long storage = bytes(capacity.get("ephemeral-storage"));
    a.put("ephemeral-storage", Long.toString(storage - storage / 10));
    return a;
  }

  static long bytes(String quantity) {
    BigDecimal amount = Quantity.getAmountInBytes(new Quantity(quantity));
    return amount.longValue();
  }

  /** Upstream reports memory and storage in Ki. */
  static String ki(long bytes) {
    return (bytes / 1024) + "Ki";
  }
}
