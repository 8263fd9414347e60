package dev.kvx.scheduler.plugins.noderesources;

import dev.kvx.scheduler.framework.CycleState;
import dev.kvx.scheduler.framework.Handle;
import dev.kvx.scheduler.framework.NodeInfo;
import dev.kvx.scheduler.framework.Plugin;
import dev.kvx.scheduler.framework.PodInfo;
import dev.kvx.scheduler.framework.PreScorePlugin;
import dev.kvx.scheduler.framework.Resource;
import dev.kvx.scheduler.framework.ScorePlugin;
import dev.kvx.scheduler.framework.Status;
import java.util.List;

/**
 * NodeResourcesBalancedAllocation: favours nodes whose cpu and memory would be used in similar
 * fractions after placing the pod: score = (1 − standard deviation of the fractions) × 100, with
 * the pod's actual requests. Best-effort pods are not scored (upstream since 1.32).
 */
public final class BalancedAllocation implements PreScorePlugin, ScorePlugin {
  public static final String NAME = "NodeResourcesBalancedAllocation";
  static final List<String> RESOURCES = List.of(Resource.CPU, Resource.MEMORY);

  public static Plugin create(Handle handle) {
    return new BalancedAllocation();
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public Status preScore(CycleState state, PodInfo pod, List<NodeInfo> feasibleNodes) {
    for (String r : RESOURCES) {
      if (pod.requests().get(r) != 0) {
        return Status.success();
      }
    }
    // Without requests every node would score the same for it, and piling such pods on the
    // emptiest-looking node is what upstream's skip avoids.
    return Status.skip();
  }

  /** (1 − std) × 100 over the cpu and memory fractions; with two resources std = |a − b| / 2. */
  @Override
  public long score(CycleState state, PodInfo pod, NodeInfo nodeInfo) {
    long cpuAllocatable = nodeInfo.allocatable().milliCpu();
    long memAllocatable = nodeInfo.allocatable().memory();
    if (cpuAllocatable == 0 || memAllocatable == 0) {
      return MAX_NODE_SCORE; // one fraction or none: no deviation
    }
    double cpu =
        Math.min(
            1.0,
            (double) (nodeInfo.requested().milliCpu() + pod.requests().milliCpu())
                / cpuAllocatable);
    double mem =
        Math.min(
            1.0,
            (double) (nodeInfo.requested().memory() + pod.requests().memory()) / memAllocatable);
    double std = Math.abs((cpu - mem) / 2);
    return (long) ((1 - std) * MAX_NODE_SCORE);
  }
}
