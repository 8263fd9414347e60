package dev.kvx.controller.nodeipam;

/**
 * An IPv4 CIDR block ({@code 10.244.0.0/16}) as the node IPAM controller reads and writes them:
 * the network address as an unsigned 32-bit number and the prefix length. Parsing masks off host
 * bits as Go's {@code net.ParseCIDR} does ({@code 10.244.3.7/16} is {@code 10.244.0.0/16}).
 */
record Ipv4Cidr(long network, int prefix) {

  Ipv4Cidr {
    if (prefix < 0 || prefix > 32) {
      throw new IllegalArgumentException("prefix length must be in [0, 32]: " + prefix);
    }
    network = network & mask(prefix);
  }

  /**
   * Parses {@code a.b.c.d/n}.
   *
   * @throws IllegalArgumentException for anything else, IPv6 included (kvx allocates IPv4 only)
   */
  static Ipv4Cidr parse(String cidr) {
    if (cidr == null) {
      throw new IllegalArgumentException("invalid CIDR address: null");
    }
    int slash = cidr.indexOf('/');
    if (cidr.contains(":")) {
      throw new IllegalArgumentException("IPv6 CIDRs are not supported: " + cidr);
    }
    if (slash < 0) {
      throw new IllegalArgumentException("invalid CIDR address: " + cidr);
    }
    String[] octets = cidr.substring(0, slash).split("\\.", -1);
    if (octets.length != 4) {
      throw new IllegalArgumentException("invalid CIDR address: " + cidr);
    }
    long address = 0;
    try {
      for (String o : octets) {
        int v = Integer.parseInt(o);
        if (v < 0 || v > 255 || o.isEmpty() || o.startsWith("+")) {
          throw new IllegalArgumentException("invalid CIDR address: " + cidr);
        }
        address = (address << 8) | v;
      }
      int prefix = Integer.parseInt(cidr.substring(slash + 1));
      return new Ipv4Cidr(address, prefix);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("invalid CIDR address: " + cidr, e);
    }
  }

  /** How many addresses the block holds. */
  long size() {
    return 1L << (32 - prefix);
  }

  /** Whether {@code other} lies wholly inside this block. */
  boolean contains(Ipv4Cidr other) {
    return other.prefix >= prefix && (other.network & mask(prefix)) == network;
  }

  private static long mask(int prefix) {
    return prefix == 0 ? 0 : (0xFFFFFFFFL << (32 - prefix)) & 0xFFFFFFFFL;
  }

  @Override
  public String toString() {
    return ((network >> 24) & 0xFF)
        + "."
        + ((network >> 16) & 0xFF)
        + "."
        + ((network >> 8) & 0xFF)
        + "."
        + (network & 0xFF)
        + "/"
        + prefix;
  }
}
