package dev.kvx.scheduler.framework;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.Pod;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The host ports in use on a node (upstream {@code HostPortInfo}), by host IP then protocol/port. A
 * port on {@code 0.0.0.0} conflicts with the same protocol/port on any IP.
 *
 * <p>Counts uses, so removing one of two pods using a port keeps it taken. Not thread-safe.
 */
public final class HostPortInfo {
  public static final String DEFAULT_BIND_ALL_HOST_IP = "0.0.0.0";

  /** One wanted or used host port. */
  public record HostPort(String ip, String protocol, int port) {
    ProtocolPort protocolPort() {
      return new ProtocolPort(protocol, port);
    }
  }

  private record ProtocolPort(String protocol, int port) {}

  private final Map<String, Map<ProtocolPort, Integer>> ports = new HashMap<>();

  /** The host ports {@code pod}'s containers ask for (hostPort &gt; 0), defaults filled in. */
  public static List<HostPort> of(Pod pod) {
    List<HostPort> out = new ArrayList<>();
    if (pod.getSpec() == null) {
      return out;
    }
    addAll(out, pod.getSpec().getContainers());
    addAll(out, pod.getSpec().getInitContainers());
    return out;
  }

  private static void addAll(List<HostPort> out, List<Container> containers) {
    if (containers == null) {
      return;
    }
    for (Container c : containers) {
      if (c.getPorts() == null) {
        continue;
      }
      for (ContainerPort p : c.getPorts()) {
        if (p.getHostPort() == null || p.getHostPort() <= 0) {
          continue;
        }
        String ip =
            p.getHostIP() == null || p.getHostIP().isEmpty()
                ? DEFAULT_BIND_ALL_HOST_IP
                : p.getHostIP();
        String protocol =
            p.getProtocol() == null || p.getProtocol().isEmpty() ? "TCP" : p.getProtocol();
        out.add(new HostPort(ip, protocol, p.getHostPort()));
      }
    }
  }

  public void add(HostPort hp) {
    ports.computeIfAbsent(hp.ip(), k -> new HashMap<>()).merge(hp.protocolPort(), 1, Integer::sum);
  }

  public void remove(HostPort hp) {
    Map<ProtocolPort, Integer> m = ports.get(hp.ip());
    if (m == null) {
      return;
    }
    m.computeIfPresent(hp.protocolPort(), (k, n) -> n <= 1 ? null : n - 1);
    if (m.isEmpty()) {
      ports.remove(hp.ip());
    }
  }

  /** Whether {@code hp} conflicts with a port in use. */
  public boolean conflicts(HostPort hp) {
    ProtocolPort pp = hp.protocolPort();
    if (DEFAULT_BIND_ALL_HOST_IP.equals(hp.ip())) {
      for (Map<ProtocolPort, Integer> m : ports.values()) {
        if (m.containsKey(pp)) {
          return true;
        }
      }
      return false;
    }
    Map<ProtocolPort, Integer> same = ports.get(hp.ip());
    Map<ProtocolPort, Integer> any = ports.get(DEFAULT_BIND_ALL_HOST_IP);
    return (same != null && same.containsKey(pp)) || (any != null && any.containsKey(pp));
  }

  public boolean isEmpty() {
    return ports.isEmpty();
  }

  public HostPortInfo copy() {
    HostPortInfo c = new HostPortInfo();
    ports.forEach((ip, m) -> c.ports.put(ip, new HashMap<>(m)));
    return c;
  }
}
