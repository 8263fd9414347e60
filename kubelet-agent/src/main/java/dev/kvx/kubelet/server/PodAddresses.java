package dev.kvx.kubelet.server;

import dev.kvx.kubelet.pod.PodSpecs;
import dev.kvx.kubelet.runtime.RuntimeLabels;
import dev.kvx.kubelet.runtime.simulated.SimulatedRuntime;
import java.util.Map;

/**
 * Where a pod's ports are reachable from the node, for port forwarding. Upstream's runtimes enter
 * the pod's network namespace and dial {@code localhost:PORT}; the agent cannot enter namespaces,
 * so it dials the pod's IP instead (a Docker bridge IP is reachable from the host), or the node's
 * loopback for a host-network pod. The difference: a server that listens only on 127.0.0.1 inside
 * the pod is not reachable.
 */
@FunctionalInterface
interface PodAddresses {

  /**
   * The host to dial for {@code pod}'s ports. Blocking (a runtime round trip): call off the event
   * loop. Throws {@link IllegalStateException} with a message for the client when there is none.
   */
  Target resolve(KubeletRoutes.Located pod);

  /**
   * @param host what to dial
   * @param sandboxId the pod's sandbox, which upstream's CRI streaming server names the pod by in
   *     its errors; null when there is none
   */
  record Target(String host, String sandboxId) {}

  /** The default: the pod's ready sandbox's IP as its runtime reports it. */
  static PodAddresses fromRuntime() {
    return located -> {
      if (SimulatedRuntime.RUNTIME_NAME.equals(located.runtime().version().name())) {
        throw new IllegalStateException(
            "the node's runtime ("
                + SimulatedRuntime.RUNTIME_NAME
                + ") runs no containers: there is nothing to connect to");
      }
      if (PodSpecs.hostNetwork(located.pod())) {
        return new Target("127.0.0.1", null);
      }
      return located
          .runtime()
          .listSandboxes(Map.of(RuntimeLabels.POD_UID, PodSpecs.uid(located.pod())))
          .stream()
          .filter(s -> s.ready() && s.ip() != null && !s.ip().isEmpty())
          .map(s -> new Target(s.ip(), s.id()))
          .findFirst()
          .orElseThrow(() -> new IllegalStateException("the pod's sandbox is not running"));
    };
  }
}
