package dev.kvx.scheduler.plugins.imagelocality;

import dev.kvx.scheduler.framework.CycleState;
import dev.kvx.scheduler.framework.Handle;
import dev.kvx.scheduler.framework.NodeInfo;
import dev.kvx.scheduler.framework.Plugin;
import dev.kvx.scheduler.framework.PodInfo;
import dev.kvx.scheduler.framework.ScorePlugin;
import dev.kvx.scheduler.framework.SharedLister;
import io.fabric8.kubernetes.api.model.Container;
import java.util.List;

/**
 * ImageLocality: favours nodes that already have the pod's images (as reported in {@code
 * status.images}), by their size scaled by how widely the image is spread (an image on every node
 * says little), between 23 MB and 1000 MB per container.
 */
public final class ImageLocality implements ScorePlugin {
  public static final String NAME = "ImageLocality";
  static final long MB = 1024L * 1024;
  static final long MIN_THRESHOLD = 23 * MB;
  static final long MAX_CONTAINER_THRESHOLD = 1000 * MB;

  private final Handle handle;

  private ImageLocality(Handle handle) {
    this.handle = handle;
  }

  public static Plugin create(Handle handle) {
    return new ImageLocality(handle);
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public long score(CycleState state, PodInfo pod, NodeInfo nodeInfo) {
    SharedLister snapshot = handle.snapshot();
    int totalNumNodes = snapshot.numNodes();
    List<Container> init = pod.pod().getSpec().getInitContainers();
    List<Container> containers = pod.pod().getSpec().getContainers();
    long sum = sumImageScores(nodeInfo, init, snapshot, totalNumNodes)
        + sumImageScores(nodeInfo, containers, snapshot, totalNumNodes);
    int numContainers = (init == null ? 0 : init.size()) + (containers == null ? 0 : containers.size());
    return calculatePriority(sum, numContainers);
  }

  static long calculatePriority(long sumScores, int numContainers) {
    long maxThreshold = MAX_CONTAINER_THRESHOLD * numContainers;
    if (sumScores < MIN_THRESHOLD) {
      sumScores = MIN_THRESHOLD;
    } else if (sumScores > maxThreshold) {
      sumScores = maxThreshold;
    }
    if (maxThreshold <= MIN_THRESHOLD) {
      return 0;
    }
    return MAX_NODE_SCORE * (sumScores - MIN_THRESHOLD) / (maxThreshold - MIN_THRESHOLD);
  }

  private static long sumImageScores(NodeInfo nodeInfo, List<Container> containers, SharedLister snapshot, int totalNumNodes) {
    if (containers == null || totalNumNodes == 0) {
      return 0;
    }
    long sum = 0;
    for (Container c : containers) {
      if (c.getImage() == null) {
        continue;
      }
      String image = NodeInfo.normalizedImageName(c.getImage());
      Long size = nodeInfo.imageSizes().get(image);
      if (size != null) {
        double spread = (double) snapshot.imageNumNodes(image) / totalNumNodes;
        sum += (long) (size * spread);
      }
    }
    return sum;
  }
}
