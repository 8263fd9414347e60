package dev.kvx.kubelet.pleg;

import dev.kvx.kubelet.metrics.KubeletMetrics;
import dev.kvx.kubelet.runtime.ContainerRuntime;
import dev.kvx.kubelet.runtime.ContainerState;
import dev.kvx.kubelet.runtime.RuntimeContainer;
import dev.kvx.kubelet.runtime.RuntimeSandbox;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Consumer;

/**
 * The kubelet's generic pod lifecycle event generator: relists the node's sandboxes and containers
 * each period, compares each one's state with the previous relist, and hands the UIDs of pods with
 * a change (a container started, exited or vanished; a sandbox died) to their pod workers. Also
 * finds containers of pods the agent does not know (orphans), and feeds the running pod and
 * container gauges.
 *
 * <p>{@link #relist()} blocks (runtime calls); one thread drives it.
 */
public final class Pleg {
  private final ContainerRuntime runtime;
  private final String node;
  private final KubeletMetrics metrics;
  private final Consumer<String> podChanged;
  private Map<String, String> lastStates = new HashMap<>();
  private Map<String, String> lastOwners = new HashMap<>();
  private volatile Set<String> podUids = Set.of();

  public Pleg(
      ContainerRuntime runtime, String node, KubeletMetrics metrics, Consumer<String> podChanged) {
    this.runtime = runtime;
    this.node = node;
    this.metrics = metrics;
    this.podChanged = podChanged;
  }

  /** One relist; the first one reports every pod found (adoption and orphan removal). */
  public void relist() {
    List<RuntimeSandbox> sandboxes = runtime.listSandboxes(Map.of());
    List<RuntimeContainer> containers = runtime.listContainers(Map.of());
    Map<String, String> states = new HashMap<>();
    Map<String, String> owners = new HashMap<>();
    Set<String> uids = new HashSet<>();
    Set<String> runningPods = new HashSet<>();
    int[] byState = new int[KubeletMetrics.CONTAINER_STATES.length];
    for (RuntimeSandbox s : sandboxes) {
      states.put(s.id(), s.ready() ? "ready" : "notready");
      owners.put(s.id(), s.pod().uid());
      uids.add(s.pod().uid());
      if (s.ready()) {
        runningPods.add(s.pod().uid());
      }
    }
    for (RuntimeContainer c : containers) {
      states.put(c.id(), c.state().name());
      owners.put(c.id(), c.pod().uid());
      uids.add(c.pod().uid());
      byState[stateIndex(c.state())]++;
    }
    Set<String> changed = new HashSet<>();
    for (Map.Entry<String, String> e : states.entrySet()) {
      if (!Objects.equals(lastStates.get(e.getKey()), e.getValue())) {
        changed.add(owners.get(e.getKey()));
      }
    }
    for (Map.Entry<String, String> e : lastStates.entrySet()) {
      if (!states.containsKey(e.getKey())) {
        changed.add(lastOwners.get(e.getKey()));
      }
    }
    lastStates = states;
    lastOwners = owners;
    podUids = Set.copyOf(uids);
    metrics.setNodeCounts(node, runningPods.size(), byState);
    changed.forEach(podChanged);
  }

  /** The UIDs of the pods the runtime held at the last relist. */
  public Set<String> podUids() {
    return podUids;
  }

  private static int stateIndex(ContainerState s) {
    return switch (s) {
      case CREATED -> 0;
      case RUNNING -> 1;
      case EXITED -> 2;
      case UNKNOWN -> 3;
    };
  }
}
