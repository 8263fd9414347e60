package dev.kvx.controller.nodeipam;

import java.util.BitSet;

/**
 * The node-sized blocks of one cluster CIDR and which of them are taken (upstream's {@code
 * cidrset.CidrSet}): {@code 10.244.0.0/16} cut into /24s gives 256 blocks. {@link #allocateNext}
 * hands out the next free one after the last handed out, wrapping around, so a block that was just
 * released is not given to the next node at once. Thread-safe.
 */
final class CidrSet {
  /** Upstream's limit: more than 2^16 node blocks per cluster CIDR is refused. */
  static final int MAX_SUBNET_BITS = 16;

  private final Ipv4Cidr cluster;
  private final int nodeMaskSize;
  private final int maxBlocks;
  private final BitSet used;
  private int nextCandidate;
  private int allocated;

  /**
   * @throws IllegalArgumentException unless {@code nodeMaskSize} is at least the cluster CIDR's
   *     prefix length and at most 16 bits longer
   */
  CidrSet(String clusterCidr, int nodeMaskSize) {
    this.cluster = Ipv4Cidr.parse(clusterCidr);
    if (nodeMaskSize < cluster.prefix() || nodeMaskSize > 32) {
      throw new IllegalArgumentException(
          "--node-cidr-mask-size ("
              + nodeMaskSize
              + ") must be between the --cluster-cidr's prefix length ("
              + cluster.prefix()
              + ") and 32");
    }
    if (nodeMaskSize - cluster.prefix() > MAX_SUBNET_BITS) {
      throw new IllegalArgumentException(
          "--node-cidr-mask-size ("
              + nodeMaskSize
              + ") is more than "
              + MAX_SUBNET_BITS
              + " bits longer than the --cluster-cidr's prefix ("
              + cluster
              + ")");
    }
    this.nodeMaskSize = nodeMaskSize;
    this.maxBlocks = 1 << (nodeMaskSize - cluster.prefix());
    this.used = new BitSet(maxBlocks);
  }

  /** The cluster CIDR, normalised ({@code 10.244.0.0/16}). */
  String clusterCidr() {
    return cluster.toString();
  }

  int nodeMaskSize() {
    return nodeMaskSize;
  }

  /** How many node blocks the cluster CIDR holds. */
  int capacity() {
    return maxBlocks;
  }

  synchronized int allocatedCount() {
    return allocated;
  }

  /**
   * Takes the next free block.
   *
   * @throws CidrRangeFullException when every block is taken
   */
  synchronized String allocateNext() {
    if (allocated == maxBlocks) {
      throw new CidrRangeFullException(cluster.toString());
    }
    int i = used.nextClearBit(nextCandidate);
    if (i >= maxBlocks) {
      i = used.nextClearBit(0);
    }
    used.set(i);
    allocated++;
    nextCandidate = (i + 1) % maxBlocks;
    return block(i).toString();
  }

  /**
   * Marks {@code cidr} (a node's podCIDR) as taken; a block larger than the node size takes every
   * node block it covers. Idempotent.
   *
   * @return false (and changes nothing) when {@code cidr} is not inside the cluster CIDR
   * @throws IllegalArgumentException when {@code cidr} is not an IPv4 CIDR
   */
  synchronized boolean occupy(String cidr) {
    int[] range = blocks(Ipv4Cidr.parse(cidr));
    if (range == null) {
      return false;
    }
    for (int i = range[0]; i <= range[1]; i++) {
      if (!used.get(i)) {
        used.set(i);
        allocated++;
      }
    }
    return true;
  }

  /** Frees {@code cidr}'s blocks; a CIDR outside the cluster CIDR or not taken is ignored. */
  synchronized void release(String cidr) {
    int[] range;
    try {
      range = blocks(Ipv4Cidr.parse(cidr));
    } catch (IllegalArgumentException e) {
      return;
    }
    if (range == null) {
      return;
    }
    for (int i = range[0]; i <= range[1]; i++) {
      if (used.get(i)) {
        used.clear(i);
        allocated--;
      }
    }
  }

  /** Whether {@code cidr}'s first block is taken (for tests and logs). */
  synchronized boolean isOccupied(String cidr) {
    int[] range = blocks(Ipv4Cidr.parse(cidr));
    return range != null && used.get(range[0]);
  }

  /** The indexes of the node blocks {@code cidr} covers, or null when it is not ours. */
  private int[] blocks(Ipv4Cidr cidr) {
    if (!cluster.contains(cidr)) {
      return null;
    }
    long offset = cidr.network() - cluster.network();
    int first = (int) (offset >> (32 - nodeMaskSize));
    if (cidr.prefix() >= nodeMaskSize) {
      return new int[] {first, first};
    }
    int count = 1 << (nodeMaskSize - cidr.prefix());
    return new int[] {first, first + count - 1};
  }

  private Ipv4Cidr block(int index) {
    return new Ipv4Cidr(cluster.network() + ((long) index << (32 - nodeMaskSize)), nodeMaskSize);
  }
}
