package dev.kvx.controller.common;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.client.informers.cache.Lister;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * What the endpoints and EndpointSlice controllers share: which Services select a pod, and a
 * Service port's target port on one pod ({@code podutil.FindPort}: a number, or a container
 * port's name).
 */
public final class ServicePods {
  private ServicePods() {}

  /** The pod's port for {@code port}; null when a named target port is not on the pod. */
  public static Integer targetPort(ServicePort port, Pod pod) {
    IntOrString target = port.getTargetPort();
    if (target == null) {
      return port.getPort();
    }
    if (target.getIntVal() != null) {
      return target.getIntVal();
    }
    String name = target.getStrVal();
    if (name == null || name.isEmpty()) {
      return port.getPort();
    }
    for (Container c : pod.getSpec().getContainers()) {
      if (c.getPorts() == null) {
        continue;
      }
      for (ContainerPort cp : c.getPorts()) {
        String protocol = cp.getProtocol() == null ? "TCP" : cp.getProtocol();
        String want = port.getProtocol() == null ? "TCP" : port.getProtocol();
        if (name.equals(cp.getName()) && protocol.equals(want)) {
          return cp.getContainerPort();
        }
      }
    }
    try {
      return Integer.parseInt(name);
    } catch (NumberFormatException e) {
      return null;
    }
  }

  /** The pods a Service with a selector routes to (any phase; callers filter). */
  public static List<Pod> selected(Service svc, Lister<Pod> pods) {
    Map<String, String> selector = svc.getSpec() == null ? null : svc.getSpec().getSelector();
    if (selector == null || selector.isEmpty()) {
      return List.of();
    }
    List<Pod> out = new ArrayList<>();
    for (Pod p : pods.namespace(svc.getMetadata().getNamespace()).list()) {
      if (LabelSelectors.matchesMap(selector, p.getMetadata().getLabels())) {
        out.add(p);
      }
    }
    return out;
  }

  /** Calls {@code enqueue} with each Service in the pod's namespace selecting it. */
  public static void forEachSelecting(Pod pod, Lister<Service> services, Consumer<Service> enqueue) {
    for (Service s : services.namespace(pod.getMetadata().getNamespace()).list()) {
      Map<String, String> selector = s.getSpec() == null ? null : s.getSpec().getSelector();
      if (LabelSelectors.matchesMap(selector, pod.getMetadata().getLabels())) {
        enqueue.accept(s);
      }
    }
  }

  /** Whether a Service's endpoints are managed from its selector. */
  public static boolean hasSelector(Service svc) {
    return svc.getSpec() != null && svc.getSpec().getSelector() != null && !svc.getSpec().getSelector().isEmpty();
  }

  /** An address for the pod: it has an IP and has not terminated. */
  public static boolean addressable(Pod pod) {
    return pod.getStatus() != null
        && pod.getStatus().getPodIP() != null
        && !pod.getStatus().getPodIP().isEmpty()
        && !Pods.isTerminated(pod);
  }
}
