package dev.kvx.apiserver.service;

import dev.kvx.apiserver.errors.Statuses;

/** An IPv4 CIDR block: membership and the n-th address. */
record Ipv4Range(long base, int prefix) {

  static Ipv4Range parse(String cidr) {
    String[] parts = cidr.split("/");
    if (parts.length != 2) {
      throw Statuses.badRequest("invalid CIDR " + cidr);
    }
    int prefix = Integer.parseInt(parts[1]);
    long addr = toLong(parts[0]);
    long mask = prefix == 0 ? 0 : (0xFFFFFFFFL << (32 - prefix)) & 0xFFFFFFFFL;
    return new Ipv4Range(addr & mask, prefix);
  }

  long size() {
    return 1L << (32 - prefix);
  }

  String address(long offset) {
    long a = base + offset;
    return ((a >> 24) & 255) + "." + ((a >> 16) & 255) + "." + ((a >> 8) & 255) + "." + (a & 255);
  }

  boolean contains(String ip) {
    try {
      long a = toLong(ip);
      return a >= base && a < base + size();
    } catch (RuntimeException e) {
      return false;
    }
  }

  static long toLong(String ip) {
    String[] o = ip.split("\\.");
    if (o.length != 4) {
      throw new IllegalArgumentException("not an IPv4 address: " + ip);
    }
    long v = 0;
    for (String s : o) {
      int n = Integer.parseInt(s);
      if (n < 0 || n > 255) {
        throw new IllegalArgumentException("not an IPv4 address: " + ip);
      }
      v = (v << 8) | n;
    }
    return v;
  }

  @Override
  public String toString() {
    return address(0) + "/" + prefix;
  }
}
