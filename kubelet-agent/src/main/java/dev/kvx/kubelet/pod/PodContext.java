package dev.kvx.kubelet.pod;

import java.util.Map;

/**
 * Node facts pods see through the downward API and env references.
 *
 * @param nodeName the node's name
 * @param hostIp the node's InternalIP
 * @param allocatable the node's allocatable resources, the default of unset limits
 */
public record PodContext(String nodeName, String hostIp, Map<String, String> allocatable) {
  public PodContext {
    allocatable = Map.copyOf(allocatable);
  }
}
