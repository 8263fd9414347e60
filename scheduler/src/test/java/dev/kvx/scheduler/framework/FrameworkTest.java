package dev.kvx.scheduler.framework;

import static dev.kvx.scheduler.testing.MakeNode.node;
import static dev.kvx.scheduler.testing.MakePod.pod;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kvx.scheduler.cache.Snapshot;
import dev.kvx.scheduler.plugins.InTreeRegistry;
import dev.kvx.scheduler.testing.FakeClusterApi;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

class FrameworkTest {

  /** A configurable plugin at every extension point, recording its calls. */
  static final class FakePlugin
      implements PreFilterPlugin,
          FilterPlugin,
          PreScorePlugin,
          ScorePlugin,
          ReservePlugin,
          BindPlugin {
    final String name;
    final List<String> calls;
    Status preFilter = Status.success();
    Status filter = Status.success();
    Status preScore = Status.success();
    long score;
    Status reserve = Status.success();
    Status bind = Status.success();

    FakePlugin(String name, List<String> calls) {
      this.name = name;
      this.calls = calls;
    }

    @Override
    public String name() {
      return name;
    }

    @Override
    public Status preFilter(CycleState state, PodInfo pod, List<NodeInfo> nodes) {
      calls.add(name + ".preFilter");
      return preFilter;
    }

    @Override
    public Status filter(CycleState state, PodInfo pod, NodeInfo nodeInfo) {
      calls.add(name + ".filter");
      return filter;
    }

    @Override
    public Status preScore(CycleState state, PodInfo pod, List<NodeInfo> nodes) {
      calls.add(name + ".preScore");
      return preScore;
    }

    @Override
    public long score(CycleState state, PodInfo pod, NodeInfo nodeInfo) {
      calls.add(name + ".score");
      return score;
    }

    @Override
    public Status reserve(CycleState state, PodInfo pod, String nodeName) {
      calls.add(name + ".reserve");
      return reserve;
    }

    @Override
    public void unreserve(CycleState state, PodInfo pod, String nodeName) {
      calls.add(name + ".unreserve");
    }

    @Override
    public CompletableFuture<Status> bind(CycleState state, PodInfo pod, String nodeName) {
      calls.add(name + ".bind");
      return CompletableFuture.completedFuture(bind);
    }
  }

  final List<String> calls = new ArrayList<>();
  final FakePlugin a = new FakePlugin("A", calls);
  final FakePlugin b = new FakePlugin("B", calls);
  final Snapshot snapshot = Snapshot.of(List.of(node("n1").obj(), node("n2").obj()), List.of());

  Framework framework(int weightA, int weightB) {
    Registry registry = new Registry().register("A", h -> a).register("B", h -> b);
    return Framework.builder(
            new Profile(
                "test",
                List.of(new Profile.PluginRef("A", weightA), new Profile.PluginRef("B", weightB))),
            registry)
        .snapshot(snapshot)
        .api(new FakeClusterApi())
        .build();
  }

  @Test
  void filtersRunInOrderAndStopAtTheFirstRejection() {
    Framework fw = framework(1, 1);
    a.filter = Status.unschedulable("no");

    Status s = fw.runFilterPlugins(new CycleState(), pod("p").info(), snapshot.get("n1"));

    assertThat(s).isEqualTo(Status.unschedulable("no").withPlugin("A"));
    assertThat(calls).containsExactly("A.filter");
  }

  @Test
  void preFilterSkipSkipsThatPluginsFilter() {
    Framework fw = framework(1, 1);
    a.preFilter = Status.skip();
    CycleState state = new CycleState();

    assertThat(fw.runPreFilterPlugins(state, pod("p").info(), snapshot.list()).isSuccess())
        .isTrue();
    assertThat(fw.runFilterPlugins(state, pod("p").info(), snapshot.get("n1")).isSuccess())
        .isTrue();
    assertThat(calls).containsExactly("A.preFilter", "B.preFilter", "B.filter");
  }

  @Test
  void aFilterThrowingIsAnErrorOfThatPlugin() {
    Registry registry =
        new Registry()
            .register(
                "Broken",
                h ->
                    new FilterPlugin() {
                      @Override
                      public String name() {
                        return "Broken";
                      }

                      @Override
                      public Status filter(CycleState state, PodInfo pod, NodeInfo nodeInfo) {
                        throw new IllegalStateException("boom");
                      }
                    })
            .register("B", h -> b);
    Framework fw =
        Framework.builder(
                new Profile(
                    "t",
                    List.of(new Profile.PluginRef("Broken", 0), new Profile.PluginRef("B", 0))),
                registry)
            .build();

    Status s = fw.runFilterPlugins(new CycleState(), pod("p").info(), snapshot.get("n1"));

    assertThat(s.code()).isEqualTo(Status.Code.ERROR);
    assertThat(s.plugin()).isEqualTo("Broken");
    assertThat(s.message()).contains("boom");
  }

  @Test
  void scoresAreWeightedAndSummed() throws Exception {
    Framework fw = framework(3, 2);
    a.score = 10;
    b.score = 20;

    long[] totals = fw.runScorePlugins(new CycleState(), pod("p").info(), snapshot.list());

    assertThat(totals).containsExactly(70, 70);
  }

  @Test
  void aScoreOutOfRangeFailsTheCycle() {
    Framework fw = framework(1, 1);
    a.score = 101;

    assertThatThrownBy(() -> fw.runScorePlugins(new CycleState(), pod("p").info(), snapshot.list()))
        .isInstanceOf(Framework.ScoreException.class)
        .hasMessageContaining("invalid score 101");
  }

  @Test
  void preScoreSkipSkipsThatPluginsScore() throws Exception {
    Framework fw = framework(1, 1);
    a.preScore = Status.skip();
    a.score = 50;
    b.score = 5;
    CycleState state = new CycleState();

    assertThat(fw.runPreScorePlugins(state, pod("p").info(), snapshot.list()).isSuccess()).isTrue();
    assertThat(fw.runScorePlugins(state, pod("p").info(), snapshot.list())).containsExactly(5, 5);
  }

  @Test
  void theFirstBinderNotSkippingBinds() {
    Framework fw = framework(1, 1);
    a.bind = Status.skip();

    Status s = fw.runBindPlugins(new CycleState(), pod("p").info(), "n1").join();

    assertThat(s).isEqualTo(Status.success().withPlugin("B"));
    assertThat(calls).containsExactly("A.bind", "B.bind");
  }

  @Test
  void unreserveRunsInReverseOrder() {
    Framework fw = framework(1, 1);

    fw.runReservePluginsUnreserve(new CycleState(), pod("p").info(), "n1");

    assertThat(calls).containsExactly("B.unreserve", "A.unreserve");
  }

  @Test
  void nominatedPodsOfHigherPriorityTakeTheirRoomFirst() {
    Snapshot snap = Snapshot.of(List.of(node("n1").capacity("cpu", "2").obj()), List.of());
    PodInfo nominated = pod("nominated").priority(100).req("cpu", "2").info();
    PodNominator nominator =
        new PodNominator() {
          @Override
          public List<PodInfo> nominatedPodsForNode(String nodeName) {
            return List.of(nominated);
          }

          @Override
          public void addNominatedPod(PodInfo pod, String nodeName) {}

          @Override
          public void deleteNominatedPodIfExists(PodInfo pod) {}
        };
    Framework fw =
        Framework.builder(
                Profile.defaultProfile().only("NodeResourcesFit", "DefaultBinder"),
                InTreeRegistry.create())
            .snapshot(snap)
            .nominator(nominator)
            .api(new FakeClusterApi())
            .build();

    for (int priority : new int[] {10, 200}) {
      PodInfo p = pod("p").priority(priority).req("cpu", "1").info();
      CycleState state = new CycleState();
      fw.runPreFilterPlugins(state, p, snap.list());
      Status s = fw.runFilterPluginsWithNominatedPods(state, p, snap.get("n1"));
      if (priority == 10) {
        assertThat(s.reasons())
            .as("lower priority: the nominated pod's room is taken")
            .containsExactly("Insufficient cpu");
      } else {
        assertThat(s.isSuccess())
            .as("higher priority: nominations of lower pods don't count")
            .isTrue();
      }
    }
  }

  @Test
  void unknownPluginsAndMissingBindersAreRejected() {
    assertThatThrownBy(
            () ->
                Framework.builder(
                        new Profile("t", List.of(new Profile.PluginRef("Nope", 0))),
                        InTreeRegistry.create())
                    .build())
        .hasMessageContaining("plugin Nope does not exist");
    assertThatThrownBy(
            () ->
                Framework.builder(
                        Profile.defaultProfile().only("NodeName"), InTreeRegistry.create())
                    .build())
        .hasMessageContaining("has no bind plugin");
  }

  @Test
  void theDefaultProfileBuildsWithUpstreamWeights() {
    Framework fw =
        Framework.builder(Profile.defaultProfile(), InTreeRegistry.create())
            .snapshot(snapshot)
            .api(new FakeClusterApi())
            .build();
    assertThat(fw.plugins().keySet())
        .containsExactly(
            "SchedulingGates",
            "NodeUnschedulable",
            "NodeName",
            "TaintToleration",
            "NodeAffinity",
            "NodePorts",
            "NodeResourcesFit",
            "PodTopologySpread",
            "InterPodAffinity",
            "DefaultPreemption",
            "NodeResourcesBalancedAllocation",
            "ImageLocality",
            "DefaultBinder");
    assertThat(fw.eventsToRegister())
        .containsKeys("NodeResourcesFit", "TaintToleration", "SchedulingGates");
  }
}
