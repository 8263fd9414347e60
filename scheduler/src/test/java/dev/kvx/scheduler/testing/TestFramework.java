package dev.kvx.scheduler.testing;

import dev.kvx.scheduler.cache.Snapshot;
import dev.kvx.scheduler.framework.CycleState;
import dev.kvx.scheduler.framework.Framework;
import dev.kvx.scheduler.framework.NodeInfo;
import dev.kvx.scheduler.framework.NodeScore;
import dev.kvx.scheduler.framework.PodInfo;
import dev.kvx.scheduler.framework.PodNominator;
import dev.kvx.scheduler.framework.PreScorePlugin;
import dev.kvx.scheduler.framework.Profile;
import dev.kvx.scheduler.framework.ScoreExtensions;
import dev.kvx.scheduler.framework.ScorePlugin;
import dev.kvx.scheduler.framework.Status;
import dev.kvx.scheduler.plugins.InTreeRegistry;
import io.fabric8.kubernetes.api.model.Node;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Runs in-tree plugins over a snapshot, as upstream's plugin tests do through a framework. */
public final class TestFramework {
  private TestFramework() {}

  /** A framework with only {@code plugins} (and DefaultBinder) of the default profile. */
  public static Framework of(Snapshot snapshot, String... plugins) {
    return of(snapshot, PodNominator.none(), new FakeClusterApi(), plugins);
  }

  public static Framework of(
      Snapshot snapshot, PodNominator nominator, FakeClusterApi api, String... plugins) {
    String[] names = new String[plugins.length + 1];
    System.arraycopy(plugins, 0, names, 0, plugins.length);
    names[plugins.length] = "DefaultBinder";
    return Framework.builder(Profile.defaultProfile().only(names), InTreeRegistry.create())
        .snapshot(snapshot)
        .nominator(nominator)
        .api(api)
        .build();
  }

  public static Snapshot snapshot(List<Node> nodes, PodInfo... pods) {
    return Snapshot.of(nodes, List.of(pods));
  }

  /** PreFilter then Filter of the framework's plugins for {@code pod} on {@code nodeName}. */
  public static Status filter(Framework fw, Snapshot snapshot, PodInfo pod, String nodeName) {
    CycleState state = new CycleState();
    Status s = fw.runPreFilterPlugins(state, pod, snapshot.list());
    if (!s.isSuccess()) {
      return s;
    }
    return fw.runFilterPlugins(state, pod, snapshot.get(nodeName));
  }

  /** One score plugin's normalized scores on every node of the snapshot (PreScore Skip: all 0). */
  public static Map<String, Long> scores(
      Framework fw, Snapshot snapshot, String plugin, PodInfo pod) {
    ScorePlugin p = (ScorePlugin) fw.plugins().get(plugin);
    CycleState state = new CycleState();
    List<NodeInfo> nodes = snapshot.list();
    Map<String, Long> out = new LinkedHashMap<>();
    if (p instanceof PreScorePlugin pre) {
      Status s = pre.preScore(state, pod, nodes);
      if (s.isSkip()) {
        nodes.forEach(n -> out.put(n.name(), 0L));
        return out;
      }
      if (!s.isSuccess()) {
        throw new AssertionError("PreScore failed: " + s);
      }
    }
    List<NodeScore> scores = new ArrayList<>();
    for (NodeInfo n : nodes) {
      scores.add(new NodeScore(n.name(), p.score(state, pod, n)));
    }
    ScoreExtensions ext = p.scoreExtensions();
    if (ext != null) {
      Status s = ext.normalizeScore(state, pod, scores);
      if (!s.isSuccess()) {
        throw new AssertionError("NormalizeScore failed: " + s);
      }
    }
    scores.forEach(s -> out.put(s.name(), s.score()));
    return out;
  }
}
