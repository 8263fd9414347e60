package dev.kvx.scheduler.plugins.noderesources;

import dev.kvx.scheduler.framework.ClusterEvent;
import dev.kvx.scheduler.framework.ClusterEvent.ActionType;
import dev.kvx.scheduler.framework.ClusterEvent.ResourceKind;
import dev.kvx.scheduler.framework.CycleState;
import dev.kvx.scheduler.framework.EnqueueExtensions;
import dev.kvx.scheduler.framework.FilterPlugin;
import dev.kvx.scheduler.framework.Handle;
import dev.kvx.scheduler.framework.NodeInfo;
import dev.kvx.scheduler.framework.Plugin;
import dev.kvx.scheduler.framework.PodInfo;
import dev.kvx.scheduler.framework.PreFilterPlugin;
import dev.kvx.scheduler.framework.Resource;
import dev.kvx.scheduler.framework.ScorePlugin;
import dev.kvx.scheduler.framework.Status;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * NodeResourcesFit: a node fits when its allocatable minus what its pods request covers the pod's
 * requests (cpu, memory, ephemeral-storage, extended resources) and it has a pod slot left. Scores
 * with upstream's default strategy, LeastAllocated on cpu and memory (weight 1 each), over non-zero
 * requests.
 *
 * <p>A rejection is UnschedulableAndUnresolvable when the pod asks for more than the node has at
 * all (preemption cannot help), otherwise Unschedulable, as upstream since 1.31.
 */
public final class Fit implements PreFilterPlugin, FilterPlugin, ScorePlugin, EnqueueExtensions {
  public static final String NAME = "NodeResourcesFit";
  private static final String PRE_FILTER_STATE_KEY = "PreFilter" + NAME;

  /** The resources LeastAllocated scores, each with upstream's default weight 1. */
  static final List<String> DEFAULT_RESOURCES = List.of(Resource.CPU, Resource.MEMORY);

  /** One resource the node lacks. */
  public record InsufficientResource(
      String resourceName,
      String reason,
      long requested,
      long used,
      long capacity,
      boolean unresolvable) {}

  /** The pod's requests, computed once per cycle. */
  record PreFilterState(Resource requests) implements CycleState.StateData {
    @Override
    public CycleState.StateData copy() {
      return this; // never modified
    }
  }

  public static Plugin create(Handle handle) {
    return new Fit();
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public Status preFilter(CycleState state, PodInfo pod, List<NodeInfo> nodes) {
    state.write(PRE_FILTER_STATE_KEY, new PreFilterState(pod.requests()));
    return Status.success();
  }

  @Override
  public Status filter(CycleState state, PodInfo pod, NodeInfo nodeInfo) {
    PreFilterState s = state.read(PRE_FILTER_STATE_KEY, PreFilterState.class);
    List<InsufficientResource> insufficient = fitsRequest(s.requests(), nodeInfo);
    if (insufficient.isEmpty()) {
      return Status.success();
    }
    String[] reasons = new String[insufficient.size()];
    boolean unresolvable = false;
    for (int i = 0; i < reasons.length; i++) {
      reasons[i] = insufficient.get(i).reason();
      unresolvable |= insufficient.get(i).unresolvable();
    }
    return unresolvable
        ? Status.unschedulableAndUnresolvable(reasons)
        : Status.unschedulable(reasons);
  }

  /** What {@code nodeInfo} lacks for a pod requesting {@code request} (upstream's fitsRequest). */
  public static List<InsufficientResource> fitsRequest(Resource request, NodeInfo nodeInfo) {
    List<InsufficientResource> out = new ArrayList<>(4);
    Resource alloc = nodeInfo.allocatable();
    Resource used = nodeInfo.requested();
    long podCount = nodeInfo.pods().size();
    if (podCount + 1 > alloc.allowedPodNumber()) {
      out.add(
          new InsufficientResource(
              Resource.PODS, "Too many pods", 1, podCount, alloc.allowedPodNumber(), false));
    }
    if (request.isZero()) {
      return out;
    }
    check(out, Resource.CPU, request.milliCpu(), alloc.milliCpu(), used.milliCpu());
    check(out, Resource.MEMORY, request.memory(), alloc.memory(), used.memory());
    check(
        out,
        Resource.EPHEMERAL_STORAGE,
        request.ephemeralStorage(),
        alloc.ephemeralStorage(),
        used.ephemeralStorage());
    for (Map.Entry<String, Long> e : request.scalarResources().entrySet()) {
      String name = e.getKey();
      check(out, name, e.getValue(), alloc.get(name), used.get(name));
    }
    return out;
  }

  private static void check(
      List<InsufficientResource> out, String name, long requested, long allocatable, long used) {
    if (requested > 0 && requested > allocatable - used) {
      out.add(
          new InsufficientResource(
              name, "Insufficient " + name, requested, used, allocatable, requested > allocatable));
    }
  }

  /**
   * LeastAllocated: the weighted mean over cpu and memory (weight 1 each, {@link
   * #DEFAULT_RESOURCES}) of (allocatable − requested) / allocatable × 100.
   */
  @Override
  public long score(CycleState state, PodInfo pod, NodeInfo nodeInfo) {
    // Scored for every feasible node of every cycle: plain field reads, no lookups by name.
    long nodeScore = 0;
    long weightSum = 0;
    long cpu = nodeInfo.allocatable().milliCpu();
    if (cpu != 0) {
      nodeScore +=
          leastRequestedScore(
              nodeInfo.nonZeroRequested().milliCpu() + pod.nonZeroRequests().milliCpu(), cpu);
      weightSum++;
    }
    long memory = nodeInfo.allocatable().memory();
    if (memory != 0) {
      nodeScore +=
          leastRequestedScore(
              nodeInfo.nonZeroRequested().memory() + pod.nonZeroRequests().memory(), memory);
      weightSum++;
    }
    return weightSum == 0 ? 0 : nodeScore / weightSum;
  }

  static long leastRequestedScore(long requested, long capacity) {
    if (capacity == 0 || requested > capacity) {
      return 0;
    }
    return (capacity - requested) * MAX_NODE_SCORE / capacity;
  }

  @Override
  public List<ClusterEvent> eventsToRegister() {
    return List.of(
        ClusterEvent.register(
            ResourceKind.ASSIGNED_POD, ActionType.DELETE, ActionType.UPDATE_POD_SCALE_DOWN),
        ClusterEvent.register(
            ResourceKind.NODE, ActionType.ADD, ActionType.UPDATE_NODE_ALLOCATABLE));
  }
}
