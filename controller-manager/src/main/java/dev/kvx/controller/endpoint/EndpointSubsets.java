package dev.kvx.controller.endpoint;

import dev.kvx.controller.common.Pods;
import dev.kvx.controller.common.ServicePods;
import io.fabric8.kubernetes.api.model.EndpointAddress;
import io.fabric8.kubernetes.api.model.EndpointAddressBuilder;
import io.fabric8.kubernetes.api.model.EndpointPort;
import io.fabric8.kubernetes.api.model.EndpointPortBuilder;
import io.fabric8.kubernetes.api.model.EndpointSubset;
import io.fabric8.kubernetes.api.model.EndpointSubsetBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The subsets of a Service's Endpoints (upstream's endpoints controller {@code syncService} with
 * {@code RepackSubsets}): one address per addressable pod, ready or not ready, grouped into one
 * subset per distinct set of resolved ports. Pure.
 */
final class EndpointSubsets {
  private EndpointSubsets() {}

  static List<EndpointSubset> subsets(Service svc, List<Pod> pods) {
    boolean publishNotReady = Boolean.TRUE.equals(svc.getSpec().getPublishNotReadyAddresses());
    Map<List<EndpointPort>, List<EndpointAddress>> ready = new LinkedHashMap<>();
    Map<List<EndpointPort>, List<EndpointAddress>> notReady = new LinkedHashMap<>();
    for (Pod pod : pods) {
      if (!ServicePods.addressable(pod)) {
        continue;
      }
      if (pod.getMetadata().getDeletionTimestamp() != null && !publishNotReady) {
        continue;
      }
      List<EndpointPort> ports = new ArrayList<>();
      for (ServicePort sp : svc.getSpec().getPorts() == null ? List.<ServicePort>of() : svc.getSpec().getPorts()) {
        Integer port = ServicePods.targetPort(sp, pod);
        if (port == null) {
          continue; // a named port this pod does not have
        }
        ports.add(new EndpointPortBuilder().withName(sp.getName()).withPort(port)
            .withProtocol(sp.getProtocol() == null ? "TCP" : sp.getProtocol()).withAppProtocol(sp.getAppProtocol()).build());
      }
      if (ports.isEmpty()) {
        continue;
      }
      ports.sort(Comparator.comparing((EndpointPort p) -> p.getName() == null ? "" : p.getName()));
      EndpointAddress address = new EndpointAddressBuilder()
          .withIp(pod.getStatus().getPodIP())
          .withNodeName(pod.getSpec().getNodeName())
          .withNewTargetRef().withKind("Pod").withNamespace(pod.getMetadata().getNamespace())
          .withName(pod.getMetadata().getName()).withUid(pod.getMetadata().getUid()).endTargetRef()
          .build();
      boolean isReady = publishNotReady || Pods.isReady(pod);
      (isReady ? ready : notReady).computeIfAbsent(ports, k -> new ArrayList<>()).add(address);
    }
    Map<List<EndpointPort>, EndpointSubset> subsets = new LinkedHashMap<>();
    ready.forEach((ports, addrs) -> subsets.computeIfAbsent(ports, EndpointSubsets::subset).setAddresses(sorted(addrs)));
    notReady.forEach((ports, addrs) -> subsets.computeIfAbsent(ports, EndpointSubsets::subset).setNotReadyAddresses(sorted(addrs)));
    return new ArrayList<>(subsets.values());
  }

  private static EndpointSubset subset(List<EndpointPort> ports) {
    return new EndpointSubsetBuilder().withPorts(ports).build();
  }

  private static List<EndpointAddress> sorted(List<EndpointAddress> addrs) {
    addrs.sort(Comparator.comparing(EndpointAddress::getIp).thenComparing(a -> a.getTargetRef().getUid()));
    return addrs;
  }
}
