package dev.kvx.scheduler.framework;

import io.fabric8.kubernetes.api.model.Quantity;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.Collections;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Amounts of compute resources (upstream {@code framework.Resource}): CPU in millicores, memory and
 * ephemeral storage in bytes, a pod count, and scalar resources (extended resources such as {@code
 * example.com/gpu}, hugepages) in their integer unit.
 *
 * <p>Mutable, for accumulating a node's requests; not thread-safe.
 */
public final class Resource {
  public static final String CPU = "cpu";
  public static final String MEMORY = "memory";
  public static final String EPHEMERAL_STORAGE = "ephemeral-storage";
  public static final String PODS = "pods";

  private long milliCpu;
  private long memory;
  private long ephemeralStorage;
  private long allowedPodNumber;
  private Map<String, Long> scalarResources;

  public Resource() {}

  public Resource(long milliCpu, long memory) {
    this.milliCpu = milliCpu;
    this.memory = memory;
  }

  /** A resource list ({@code requests}, {@code allocatable}) converted with fabric8's Quantity. */
  public static Resource of(Map<String, Quantity> list) {
    Resource r = new Resource();
    if (list != null) {
      list.forEach(r::set);
    }
    return r;
  }

  /** CPU in millicores, rounded up as Kubernetes' {@code MilliValue}. */
  public static long milliValue(Quantity q) {
    return Quantity.getAmountInBytes(q)
        .movePointRight(3)
        .setScale(0, RoundingMode.CEILING)
        .longValueExact();
  }

  /** Any other quantity in its base unit, rounded up as Kubernetes' {@code Value}. */
  public static long value(Quantity q) {
    BigDecimal amount = Quantity.getAmountInBytes(q);
    return amount.setScale(0, RoundingMode.CEILING).longValueExact();
  }

  /** Sets the amount of {@code name} from a quantity. */
  public void set(String name, Quantity q) {
    if (q == null) {
      return;
    }
    switch (name) {
      case CPU -> milliCpu = milliValue(q);
      case MEMORY -> memory = value(q);
      case EPHEMERAL_STORAGE -> ephemeralStorage = value(q);
      case PODS -> allowedPodNumber = value(q);
      default -> setScalar(name, value(q));
    }
  }

  /** The amount of {@code name} (CPU in millicores). */
  public long get(String name) {
    return switch (name) {
      case CPU -> milliCpu;
      case MEMORY -> memory;
      case EPHEMERAL_STORAGE -> ephemeralStorage;
      case PODS -> allowedPodNumber;
      default -> scalarResources == null ? 0 : scalarResources.getOrDefault(name, 0L);
    };
  }

  public long milliCpu() {
    return milliCpu;
  }

  public long memory() {
    return memory;
  }

  public long ephemeralStorage() {
    return ephemeralStorage;
  }

  public long allowedPodNumber() {
    return allowedPodNumber;
  }

  /** Scalar (extended, hugepages, …) resources; read-only view. */
  public Map<String, Long> scalarResources() {
    return scalarResources == null ? Map.of() : Collections.unmodifiableMap(scalarResources);
  }

  public void setScalar(String name, long amount) {
    if (scalarResources == null) {
      scalarResources = new HashMap<>();
    }
    scalarResources.put(name, amount);
  }

  /** Adds {@code other} to this. */
  public Resource add(Resource other) {
    milliCpu += other.milliCpu;
    memory += other.memory;
    ephemeralStorage += other.ephemeralStorage;
    allowedPodNumber += other.allowedPodNumber;
    if (other.scalarResources != null) {
      other.scalarResources.forEach((k, v) -> setScalar(k, get(k) + v));
    }
    return this;
  }

  /** Subtracts {@code other} from this. */
  public Resource subtract(Resource other) {
    milliCpu -= other.milliCpu;
    memory -= other.memory;
    ephemeralStorage -= other.ephemeralStorage;
    allowedPodNumber -= other.allowedPodNumber;
    if (other.scalarResources != null) {
      other.scalarResources.forEach((k, v) -> setScalar(k, get(k) - v));
    }
    return this;
  }

  /**
   * Raises every amount of this to at least {@code other}'s (upstream's {@code SetMaxResource}).
   */
  public Resource max(Resource other) {
    milliCpu = Math.max(milliCpu, other.milliCpu);
    memory = Math.max(memory, other.memory);
    ephemeralStorage = Math.max(ephemeralStorage, other.ephemeralStorage);
    allowedPodNumber = Math.max(allowedPodNumber, other.allowedPodNumber);
    if (other.scalarResources != null) {
      other.scalarResources.forEach((k, v) -> setScalar(k, Math.max(get(k), v)));
    }
    return this;
  }

  /** Whether nothing at all is requested (no CPU, memory, storage or scalar resource). */
  public boolean isZero() {
    return milliCpu == 0
        && memory == 0
        && ephemeralStorage == 0
        && (scalarResources == null || scalarResources.values().stream().allMatch(v -> v == 0));
  }

  public Resource copy() {
    Resource r = new Resource();
    r.milliCpu = milliCpu;
    r.memory = memory;
    r.ephemeralStorage = ephemeralStorage;
    r.allowedPodNumber = allowedPodNumber;
    if (scalarResources != null) {
      r.scalarResources = new HashMap<>(scalarResources);
    }
    return r;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Resource r
        && r.milliCpu == milliCpu
        && r.memory == memory
        && r.ephemeralStorage == ephemeralStorage
        && r.allowedPodNumber == allowedPodNumber
        && r.scalarResources().equals(scalarResources());
  }

  @Override
  public int hashCode() {
    return Objects.hash(milliCpu, memory, ephemeralStorage, allowedPodNumber, scalarResources());
  }

  @Override
  public String toString() {
    return "Resource{cpu="
        + milliCpu
        + "m, memory="
        + memory
        + ", ephemeral-storage="
        + ephemeralStorage
        + ", pods="
        + allowedPodNumber
        + ", scalar="
        + scalarResources()
        + "}";
  }
}
