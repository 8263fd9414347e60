package dev.kvx.kubelet.runtime;

import java.util.List;
import java.util.Map;

/**
 * What the sandbox of one pod needs (CRI's {@code PodSandboxConfig}, cut down).
 *
 * @param pod the pod's identity
 * @param attempt 0 for the pod's first sandbox, then one more each time it is recreated
 * @param hostname the pod's host name (containers share the sandbox's UTS namespace)
 * @param hostNetwork share the node's network namespace instead of owning one
 * @param portMappings {@code hostPort}s, published on the sandbox since it owns the network
 * @param restartPolicy the pod's restart policy; the simulated runtime decides from it whether the
 *     pod's containers complete
 * @param labels extra labels recorded on the sandbox
 */
public record SandboxConfig(
    PodRef pod,
    int attempt,
    String hostname,
    boolean hostNetwork,
    List<PortMapping> portMappings,
    String restartPolicy,
    Map<String, String> labels) {

  public SandboxConfig {
    portMappings = portMappings == null ? List.of() : List.copyOf(portMappings);
    labels = labels == null ? Map.of() : Map.copyOf(labels);
  }

  /** A {@code hostPort} of a container: traffic to {@code hostIp:hostPort} reaches the pod. */
  public record PortMapping(int containerPort, int hostPort, String protocol, String hostIp) {}
}
