package dev.kvx.controller.nodeipam;

/** Every node block of the cluster CIDR is taken (upstream's ErrCIDRRangeNoCIDRsRemaining). */
final class CidrRangeFullException extends RuntimeException {
  CidrRangeFullException(String clusterCidr) {
    super(
        "CIDR allocation failed; there are no remaining CIDRs left to allocate in the accepted"
            + " range "
            + clusterCidr);
  }
}
