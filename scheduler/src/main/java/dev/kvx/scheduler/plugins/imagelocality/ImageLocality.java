package dev.kvx.scheduler.plugins.imagelocality;

import dev.kvx.scheduler.framework.CycleState;
import dev.kvx.scheduler.framework.Handle;
import dev.kvx.scheduler.framework.NodeInfo;
import dev.kvx.scheduler.framework.Plugin;
import dev.kvx.scheduler.framework.PodInfo;
import dev.kvx.scheduler.framework.PreScorePlugin;
import dev.kvx.scheduler.framework.ScorePlugin;
import dev.kvx.scheduler.framework.SharedLister;
import dev.kvx.scheduler.framework.Status;
import io.fabric8.kubernetes.api.model.Container;
import java.util.ArrayList;
import java.util.List;

/**
 * ImageLocality: favours nodes that already have the pod's images (as reported in {@code
 * status.images}), by their size scaled by how widely the image is spread (an image on every node
 * says little), between 23 MB and 1000 MB per container.
 */
public final class ImageLocality implements PreScorePlugin, ScorePlugin {
  public static final String NAME = "ImageLocality";
  static final long MB = 1024L * 1024;
  static final long MIN_THRESHOLD = 23 * MB;
  static final long MAX_CONTAINER_THRESHOLD = 1000 * MB;
  private static final String PRE_SCORE_STATE_KEY = "PreScore" + NAME;

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

  /** The pod's images, normalized once per cycle, and how widely each is spread. */
  record PreScoreState(List<String> images, double[] spread, int numContainers)
      implements CycleState.StateData {
    @Override
    public CycleState.StateData copy() {
      return this;
    }
  }

  @Override
  public Status preScore(CycleState state, PodInfo pod, List<NodeInfo> feasibleNodes) {
    SharedLister snapshot = handle.snapshot();
    int totalNumNodes = snapshot.numNodes();
    List<String> images = new ArrayList<>();
    addImages(images, pod.pod().getSpec().getInitContainers());
    addImages(images, pod.pod().getSpec().getContainers());
    double[] spread = new double[images.size()];
    for (int i = 0; i < spread.length; i++) {
      spread[i] =
          totalNumNodes == 0 ? 0 : (double) snapshot.imageNumNodes(images.get(i)) / totalNumNodes;
    }
    int numContainers =
        size(pod.pod().getSpec().getInitContainers()) + size(pod.pod().getSpec().getContainers());
    state.write(PRE_SCORE_STATE_KEY, new PreScoreState(List.copyOf(images), spread, numContainers));
    return Status.success();
  }

  @Override
  public long score(CycleState state, PodInfo pod, NodeInfo nodeInfo) {
    PreScoreState s = state.read(PRE_SCORE_STATE_KEY, PreScoreState.class);
    long sum = 0;
    if (!nodeInfo.imageSizes().isEmpty()) {
      for (int i = 0; i < s.images().size(); i++) {
        Long size = nodeInfo.imageSizes().get(s.images().get(i));
        if (size != null) {
          sum += (long) (size * s.spread()[i]);
        }
      }
    }
    return calculatePriority(sum, s.numContainers());
  }

  private static void addImages(List<String> out, List<Container> containers) {
    if (containers != null) {
      for (Container c : containers) {
        if (c.getImage() != null) {
          out.add(NodeInfo.normalizedImageName(c.getImage()));
        }
      }
    }
  }

  private static int size(List<Container> l) {
    return l == null ? 0 : l.size();
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
}
