package dev.kvx.scheduler.priority;

import dev.kvx.scheduler.framework.PodInfo;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.scheduling.v1.PriorityClass;
import java.util.Collection;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * A pod's priority and preemption policy, as the Priority admission plugin would have set them:
 * {@code spec.priority} if present; else the value of the {@code scheduling.k8s.io/v1}
 * PriorityClass named by {@code spec.priorityClassName} (including the built-in {@code
 * system-cluster-critical} and {@code system-node-critical}); else the global default class (the
 * lowest-valued one if several claim it); else 0. The policy comes from the pod, else its class,
 * else PreemptLowerPriority.
 *
 * <p>The scheduler resolves priorities itself because the API server may store pods without the
 * admission step having filled them in. Reads only the informer cache; thread-safe.
 */
public final class PriorityResolver {
  public static final String SYSTEM_CLUSTER_CRITICAL = "system-cluster-critical";
  public static final String SYSTEM_NODE_CRITICAL = "system-node-critical";
  static final Map<String, Integer> SYSTEM_PRIORITIES =
      Map.of(SYSTEM_CLUSTER_CRITICAL, 2_000_000_000, SYSTEM_NODE_CRITICAL, 2_000_001_000);

  private final Function<String, PriorityClass> byName;
  private final Supplier<Collection<PriorityClass>> all;

  /**
   * @param byName a PriorityClass by name (null if absent), e.g. the informer store's getByKey
   * @param all every PriorityClass, e.g. the informer store's list
   */
  public PriorityResolver(
      Function<String, PriorityClass> byName, Supplier<Collection<PriorityClass>> all) {
    this.byName = byName;
    this.all = all;
  }

  /** A resolver that knows no PriorityClass objects (only spec.priority and the built-ins). */
  public static PriorityResolver none() {
    return new PriorityResolver(name -> null, java.util.List::of);
  }

  /** The pod with its priority and preemption policy resolved. */
  public PodInfo podInfo(Pod pod) {
    var spec = pod.getSpec();
    Integer priority = spec == null ? null : spec.getPriority();
    String policy = spec == null ? null : spec.getPreemptionPolicy();
    if (priority != null && policy != null) {
      return PodInfo.of(pod, priority, policy);
    }
    PriorityClass pc = classOf(pod);
    if (priority == null) {
      String className = spec == null ? null : spec.getPriorityClassName();
      if (className != null && SYSTEM_PRIORITIES.containsKey(className) && pc == null) {
        priority = SYSTEM_PRIORITIES.get(className);
      } else {
        priority = pc == null || pc.getValue() == null ? 0 : pc.getValue();
      }
    }
    if (policy == null && pc != null) {
      policy = pc.getPreemptionPolicy();
    }
    return PodInfo.of(pod, priority, policy);
  }

  private PriorityClass classOf(Pod pod) {
    String name = pod.getSpec() == null ? null : pod.getSpec().getPriorityClassName();
    if (name != null && !name.isEmpty()) {
      return byName.apply(name);
    }
    PriorityClass best = null;
    for (PriorityClass pc : all.get()) {
      if (Boolean.TRUE.equals(pc.getGlobalDefault()) && (best == null || value(pc) < value(best))) {
        best = pc;
      }
    }
    return best;
  }

  private static int value(PriorityClass pc) {
    return pc.getValue() == null ? 0 : pc.getValue();
  }
}
