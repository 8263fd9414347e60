package dev.kvx.kubelet.runtime.simulated;

import java.util.BitSet;

/**
 * A node's pod IPs for the simulated runtime: one /24 per node ({@code 10.<244+i/256>.<i%256>.0/24}
 * for node index {@code i}, like a cluster CIDR of 10.244.0.0/14 split per node), hosts .2 to .254.
 * Thread-safe.
 */
public final class PodIpRange {
  private static final int FIRST = 2;
  private static final int LAST = 254;

  private final String prefix;
  private final BitSet used = new BitSet(256);

  /** The range of the node with index {@code nodeIndex} (0 to 1023). */
  public PodIpRange(int nodeIndex) {
    if (nodeIndex < 0 || nodeIndex >= 1024) {
      throw new IllegalArgumentException("node index must be in [0, 1024): " + nodeIndex);
    }
    this.prefix = "10." + (244 + nodeIndex / 256) + "." + (nodeIndex % 256) + ".";
  }

  /** The node's pod CIDR, for {@code spec.podCIDR}. */
  public String cidr() {
    return prefix + "0/24";
  }

  /** A free IP; throws when all are taken. */
  public synchronized String allocate() {
    int next = used.nextClearBit(FIRST);
    if (next > LAST) {
      throw new IllegalStateException("no free pod IP in " + cidr());
    }
    used.set(next);
    return prefix + next;
  }

  /** Returns {@code ip} to the range (ignored when it is not from it). */
  public synchronized void release(String ip) {
    if (ip != null && ip.startsWith(prefix)) {
      try {
        used.clear(Integer.parseInt(ip.substring(prefix.length())));
      } catch (NumberFormatException e) {
        // not ours
      }
    }
  }
}
