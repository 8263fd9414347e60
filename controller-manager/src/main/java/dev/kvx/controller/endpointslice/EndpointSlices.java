package dev.kvx.controller.endpointslice;

import dev.kvx.controller.common.Pods;
import dev.kvx.controller.common.ServicePods;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.discovery.v1.Endpoint;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointPort;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointPortBuilder;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The endpoints a Service's EndpointSlices should hold (upstream's {@code podToEndpoint} and the
 * grouping of its reconciler): one endpoint per pod with an IP that has not terminated, with
 * ready/serving/terminating conditions, grouped by the set of ports resolved on that pod and cut
 * into slices of at most {@link #MAX_ENDPOINTS_PER_SLICE}. Pure.
 */
final class EndpointSlices {
  /** Upstream's --max-endpoints-per-slice default. */
  static final int MAX_ENDPOINTS_PER_SLICE = 100;

  private EndpointSlices() {}

  /** One desired slice: its ports and endpoints. */
  record Desired(List<EndpointPort> ports, List<Endpoint> endpoints) {}

  static List<Desired> desired(Service svc, List<Pod> pods) {
    boolean publishNotReady = Boolean.TRUE.equals(svc.getSpec().getPublishNotReadyAddresses());
    Map<List<EndpointPort>, List<Endpoint>> byPorts = new LinkedHashMap<>();
    for (Pod pod : pods) {
      if (!ServicePods.addressable(pod)) {
        continue;
      }
      List<EndpointPort> ports = new ArrayList<>();
      for (ServicePort sp : svc.getSpec().getPorts() == null ? List.<ServicePort>of() : svc.getSpec().getPorts()) {
        Integer port = ServicePods.targetPort(sp, pod);
        if (port == null) {
          continue;
        }
        ports.add(new EndpointPortBuilder().withName(sp.getName() == null ? "" : sp.getName()).withPort(port)
            .withProtocol(sp.getProtocol() == null ? "TCP" : sp.getProtocol()).withAppProtocol(sp.getAppProtocol()).build());
      }
      ports.sort(Comparator.comparing(EndpointPort::getName));
      boolean terminating = pod.getMetadata().getDeletionTimestamp() != null;
      boolean serving = publishNotReady || Pods.isReady(pod);
      boolean ready = publishNotReady || (Pods.isReady(pod) && !terminating);
      Endpoint e = new EndpointBuilder()
          .withAddresses(pod.getStatus().getPodIP())
          .withNewConditions().withReady(ready).withServing(serving).withTerminating(terminating).endConditions()
          .withNodeName(pod.getSpec().getNodeName())
          .withNewTargetRef().withKind("Pod").withNamespace(pod.getMetadata().getNamespace())
          .withName(pod.getMetadata().getName()).withUid(pod.getMetadata().getUid()).endTargetRef()
          .build();
      byPorts.computeIfAbsent(ports, k -> new ArrayList<>()).add(e);
    }
    List<Desired> out = new ArrayList<>();
    byPorts.forEach((ports, endpoints) -> {
      endpoints.sort(Comparator.comparing((Endpoint e) -> e.getAddresses().get(0)).thenComparing(e -> e.getTargetRef().getUid()));
      for (int i = 0; i < endpoints.size(); i += MAX_ENDPOINTS_PER_SLICE) {
        out.add(new Desired(ports, List.copyOf(endpoints.subList(i, Math.min(endpoints.size(), i + MAX_ENDPOINTS_PER_SLICE)))));
      }
    });
    if (out.isEmpty()) {
      out.add(new Desired(List.of(), List.of())); // upstream's placeholder slice
    }
    return out;
  }
}
