package dev.kvx.scheduler.framework;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceRequirements;
import java.util.HashMap;
import java.util.Map;

/**
 * A pod's resource requests as the scheduler counts them (k8s.io/component-helpers' {@code
 * resource.PodRequests}): the sum over containers, raised to the largest init container (init
 * containers run one after another), where restartable (sidecar) init containers keep running and
 * so add to both, plus the pod overhead.
 */
public final class PodRequests {
  /**
   * Upstream's {@code DefaultMilliCPURequest}: what scoring assumes for a container without one.
   */
  public static final long DEFAULT_MILLI_CPU_REQUEST = 100;

  /** Upstream's {@code DefaultMemoryRequest}: 200 MiB. */
  public static final long DEFAULT_MEMORY_REQUEST = 200L * 1024 * 1024;

  private PodRequests() {}

  /** The pod's effective requests, used by NodeResourcesFit's filter and a node's accounting. */
  public static Resource of(Pod pod) {
    return compute(pod, false);
  }

  /**
   * The requests scoring uses (upstream's non-zero requests): a container without a CPU or memory
   * request counts as 100m / 200Mi, so spreading still sees best-effort pods.
   */
  public static Resource nonZero(Pod pod) {
    return compute(pod, true);
  }

  private static Resource compute(Pod pod, boolean nonZero) {
    PodSpec spec = pod.getSpec();
    Resource total = new Resource();
    if (spec == null) {
      return total;
    }
    if (spec.getContainers() != null) {
      for (Container c : spec.getContainers()) {
        total.add(containerRequests(c, nonZero));
      }
    }
    if (spec.getInitContainers() != null) {
      Resource sidecars = new Resource();
      Resource initMax = new Resource();
      for (Container c : spec.getInitContainers()) {
        Resource r = containerRequests(c, nonZero);
        if ("Always".equals(c.getRestartPolicy())) {
          // A sidecar runs beside the app containers and beside every later init container.
          total.add(r);
          sidecars.add(r);
          initMax.max(sidecars);
        } else {
          initMax.max(r.add(sidecars));
        }
      }
      total.max(initMax);
    }
    if (spec.getOverhead() != null) {
      total.add(Resource.of(spec.getOverhead()));
    }
    return total;
  }

  /**
   * A container's requests. A resource with a limit and no request is requested at its limit, as
   * the API server's defaulting makes it (in case the object was stored without defaulting).
   */
  static Resource containerRequests(Container c, boolean nonZero) {
    ResourceRequirements rr = c.getResources();
    Map<String, Quantity> merged = new HashMap<>();
    if (rr != null) {
      if (rr.getLimits() != null) {
        merged.putAll(rr.getLimits());
      }
      if (rr.getRequests() != null) {
        merged.putAll(rr.getRequests());
      }
    }
    Resource r = Resource.of(merged);
    if (nonZero) {
      if (!merged.containsKey(Resource.CPU)) {
        r = r.add(new Resource(DEFAULT_MILLI_CPU_REQUEST, 0));
      }
      if (!merged.containsKey(Resource.MEMORY)) {
        r = r.add(new Resource(0, DEFAULT_MEMORY_REQUEST));
      }
    }
    return r;
  }
}
