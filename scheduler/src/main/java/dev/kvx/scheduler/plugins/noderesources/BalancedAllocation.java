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

  @Override
  public long score(CycleState state, PodInfo pod, NodeInfo nodeInfo) {
    double[] fractions = new double[RESOURCES.size()];
    int n = 0;
    double total = 0;
    for (String r : RESOURCES) {
      long allocatable = nodeInfo.allocatable().get(r);
      if (allocatable == 0) {
        continue;
      }
      long requested = nodeInfo.requested().get(r) + pod.requests().get(r);
      double fraction = Math.min(1.0, (double) requested / allocatable);
      fractions[n++] = fraction;
      total += fraction;
    }
    double std = 0;
    if (n == 2) {
      std = Math.abs((fractions[0] - fractions[1]) / 2);
    } else if (n > 2) {
      double mean = total / n;
      double sum = 0;
      for (int i = 0; i < n; i++) {
        sum += (fractions[i] - mean) * (fractions[i] - mean);
      }
      std = Math.sqrt(sum / n);
    }
    return (long) ((1 - std) * MAX_NODE_SCORE);
  }
}
