package dev.kvx.kubelet.runtime.simulated;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;

/**
 * A node's pod IPs for the simulated runtime: the hosts of the node's pod CIDR ({@code
 * spec.podCIDR}, given to the node by the controller manager's node IPAM controller), as a bridge
 * CNI plugin hands them out: the network address and the first host (the bridge's gateway) and the
 * broadcast address are never given to a pod, so a /24 holds .2 to .254. IPv4, prefix /16 to /28.
 * Thread-safe.
 */
public final class PodIpRange {
  private static final int MIN_PREFIX = 16;
  private static final int MAX_PREFIX = 28;

  private final String cidr;
  private final long network;
  private final int first;
  private final int last;
  private final BitSet used;

  /**
   * The range of {@code cidr} ({@code 10.244.7.0/24}); host bits are masked off as Go's
   * ParseCIDR does.
   *
   * @throws IllegalArgumentException when {@code cidr} is not an IPv4 CIDR with a /16 to /28 prefix
   */
  public PodIpRange(String cidr) {
    int slash = cidr == null ? -1 : cidr.indexOf('/');
    if (slash < 0) {
      throw new IllegalArgumentException("invalid pod CIDR: " + cidr);
    }
    long address = parseAddress(cidr.substring(0, slash), cidr);
    int prefix;
    try {
      prefix = Integer.parseInt(cidr.substring(slash + 1));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("invalid pod CIDR: " + cidr, e);
    }
    if (prefix < MIN_PREFIX || prefix > MAX_PREFIX) {
      throw new IllegalArgumentException(
          "pod CIDR " + cidr + " must have a prefix from /" + MIN_PREFIX + " to /" + MAX_PREFIX);
    }
    int size = 1 << (32 - prefix);
    this.network = address & ~((long) size - 1);
    this.cidr = format(network) + "/" + prefix;
    this.first = 2;
    this.last = size - 2;
    this.used = new BitSet(size);
  }

  /**
   * The pod CIDRs of {@code nodes} simulated nodes sharing {@code cidr} without a controller
   * manager (kubelet's {@code --pod-cidr}, for standalone mode): one node gets all of it; several
   * get its consecutive /24 blocks, the first nodes the first blocks.
   *
   * @throws IllegalArgumentException when {@code cidr} is invalid or too small for {@code nodes}
   */
  public static List<String> perNode(String cidr, int nodes) {
    PodIpRange whole = new PodIpRange(cidr);
    if (nodes == 1) {
      return List.of(whole.cidr());
    }
    int prefix = Integer.parseInt(whole.cidr().substring(whole.cidr().indexOf('/') + 1));
    long blocks = prefix <= 24 ? 1L << (24 - prefix) : 0;
    if (nodes > blocks) {
      throw new IllegalArgumentException(
          "pod CIDR " + whole.cidr() + " holds " + blocks + " /24 block(s), not one per node for "
              + nodes + " nodes");
    }
    List<String> cidrs = new ArrayList<>(nodes);
    for (int i = 0; i < nodes; i++) {
      cidrs.add(format(whole.network + 256L * i) + "/24");
    }
    return cidrs;
  }

  /** The node's pod CIDR, normalised. */
  public String cidr() {
    return cidr;
  }

  /** How many pod IPs the range holds. */
  public int capacity() {
    return last - first + 1;
  }

  /** A free IP, the lowest; throws when all are taken. */
  public synchronized String allocate() {
    int next = used.nextClearBit(first);
    if (next > last) {
      throw new IllegalStateException("no free pod IP in " + cidr);
    }
    used.set(next);
    return format(network + next);
  }

  /** Returns {@code ip} to the range (ignored when it is not from it). */
  public synchronized void release(String ip) {
    if (ip == null) {
      return;
    }
    long address;
    try {
      address = parseAddress(ip, ip);
    } catch (IllegalArgumentException e) {
      return;
    }
    long offset = address - network;
    if (offset >= first && offset <= last) {
      used.clear((int) offset);
    }
  }

  private static long parseAddress(String address, String what) {
    String[] octets = address.split("\\.", -1);
    if (octets.length != 4) {
      throw new IllegalArgumentException("invalid pod CIDR: " + what);
    }
    long value = 0;
    for (String o : octets) {
      int v;
      try {
        v = Integer.parseInt(o);
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("invalid pod CIDR: " + what, e);
      }
      if (v < 0 || v > 255 || o.startsWith("+")) {
        throw new IllegalArgumentException("invalid pod CIDR: " + what);
      }
      value = (value << 8) | v;
    }
    return value;
  }

  private static String format(long address) {
    return ((address >> 24) & 0xFF)
        + "."
        + ((address >> 16) & 0xFF)
        + "."
        + ((address >> 8) & 0xFF)
        + "."
        + (address & 0xFF);
  }

  @Override
  public String toString() {
    return "PodIpRange(" + cidr + ")";
  }
}
