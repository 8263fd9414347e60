package dev.kvx.controller.nodeipam;

import java.util.Objects;

/**
 * How the node IPAM controller hands out pod CIDRs, as kube-controller-manager's {@code
 * --allocate-node-cidrs}, {@code --cluster-cidr} and {@code --node-cidr-mask-size}.
 *
 * <p>Upstream allocates nothing unless {@code --allocate-node-cidrs} is set; kvx allocates by
 * default, as kind and kubeadm start the controller manager, from kind's default pod subnet
 * {@code 10.244.0.0/16} in /24s (256 nodes of up to 253 pods each).
 *
 * @param allocateNodeCidrs whether nodes get pod CIDRs at all
 * @param clusterCidr the cluster's pod range (IPv4), cut into node blocks
 * @param nodeCidrMaskSize the prefix length of each node's block
 */
public record NodeIpamConfiguration(
    boolean allocateNodeCidrs, String clusterCidr, int nodeCidrMaskSize) {

  public static final String DEFAULT_CLUSTER_CIDR = "10.244.0.0/16";
  public static final int DEFAULT_NODE_CIDR_MASK_SIZE = 24;

  /**
   * @throws IllegalArgumentException naming the flag, when allocation is on and the CIDR or the
   *     mask size is unusable
   */
  public NodeIpamConfiguration {
    if (allocateNodeCidrs) {
      if (clusterCidr == null || clusterCidr.isBlank()) {
        throw new IllegalArgumentException("--allocate-node-cidrs needs a --cluster-cidr");
      }
      try {
        new CidrSet(clusterCidr, nodeCidrMaskSize);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(
            e.getMessage().startsWith("--") ? e.getMessage() : "--cluster-cidr: " + e.getMessage(),
            e);
      }
    }
  }

  /** kvx's default: allocate /24s of 10.244.0.0/16. */
  public static NodeIpamConfiguration defaults() {
    return new NodeIpamConfiguration(true, DEFAULT_CLUSTER_CIDR, DEFAULT_NODE_CIDR_MASK_SIZE);
  }

  /** Upstream's default: no allocation (nodes keep whatever podCIDR they register with). */
  public static NodeIpamConfiguration disabled() {
    return new NodeIpamConfiguration(false, DEFAULT_CLUSTER_CIDR, DEFAULT_NODE_CIDR_MASK_SIZE);
  }

  public NodeIpamConfiguration withClusterCidr(String clusterCidr) {
    return new NodeIpamConfiguration(
        allocateNodeCidrs, Objects.requireNonNull(clusterCidr), nodeCidrMaskSize);
  }

  public NodeIpamConfiguration withNodeCidrMaskSize(int nodeCidrMaskSize) {
    return new NodeIpamConfiguration(allocateNodeCidrs, clusterCidr, nodeCidrMaskSize);
  }
}
