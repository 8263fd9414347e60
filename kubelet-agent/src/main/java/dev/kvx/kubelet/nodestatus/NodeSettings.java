package dev.kvx.kubelet.nodestatus;

import dev.kvx.kubelet.runtime.RuntimeVersion;
import java.util.Map;

/**
 * What one node reports about itself, fixed at start.
 *
 * @param name the Node's name
 * @param internalIp the InternalIP address (where the API server reaches the agent)
 * @param hostname the Hostname address
 * @param labels labels beyond the well-known ones
 * @param capacity resource name to quantity ({@code cpu}, {@code memory}, {@code pods}, …)
 * @param allocatable what pods may use
 * @param podCidr the node's pod range, or null
 * @param runtimeVersion the container runtime, for {@code nodeInfo.containerRuntimeVersion}
 * @param kubeletPort the agent's HTTPS port ({@code daemonEndpoints.kubeletEndpoint.Port})
 * @param machine the machine's info
 */
public record NodeSettings(
    String name,
    String internalIp,
    String hostname,
    Map<String, String> labels,
    Map<String, String> capacity,
    Map<String, String> allocatable,
    String podCidr,
    RuntimeVersion runtimeVersion,
    int kubeletPort,
    MachineInfo machine) {

  /** The kubelet version nodes report. */
  public static final String KUBELET_VERSION = "v1.32.0-kvx";

  public NodeSettings {
    labels = Map.copyOf(labels);
    capacity = Map.copyOf(capacity);
    allocatable = Map.copyOf(allocatable);
  }
}
