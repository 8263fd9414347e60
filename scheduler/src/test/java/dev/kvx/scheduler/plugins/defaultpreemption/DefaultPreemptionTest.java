package dev.kvx.scheduler.plugins.defaultpreemption;

import static dev.kvx.scheduler.testing.MakeNode.node;
import static dev.kvx.scheduler.testing.MakePod.pod;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import dev.kvx.scheduler.cache.Snapshot;
import dev.kvx.scheduler.framework.CycleState;
import dev.kvx.scheduler.framework.Framework;
import dev.kvx.scheduler.framework.NodeInfo;
import dev.kvx.scheduler.framework.NodeToStatus;
import dev.kvx.scheduler.framework.PodInfo;
import dev.kvx.scheduler.framework.PodNominator;
import dev.kvx.scheduler.framework.PostFilterResult;
import dev.kvx.scheduler.framework.Status;
import dev.kvx.scheduler.plugins.noderesources.Fit;
import dev.kvx.scheduler.testing.FakeClusterApi;
import dev.kvx.scheduler.testing.MakePod;
import dev.kvx.scheduler.testing.TestFramework;
import io.fabric8.kubernetes.api.model.Node;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class DefaultPreemptionTest {

  static List<Node> twoNodes() {
    return List.of(node("n1").capacity("cpu", "2").obj(), node("n2").capacity("cpu", "2").obj());
  }

  /** Expected outcome: status code and message, nominated node, preempted victims. */
  record Want(Status.Code code, String message, String nominatedNode, List<String> victims) {}

  static Stream<Arguments> cases() {
    return Stream.of(
        arguments(
            "preempts the least important pods, reprieving what it can",
            pod("p").priority(100).req("cpu", "1"),
            List.of(
                pod("low").node("n1").priority(10).req("cpu", "1"),
                pod("mid").node("n1").priority(20).req("cpu", "1"),
                pod("mid2").node("n2").priority(20).req("cpu", "2")),
            new Want(Status.Code.SUCCESS, "", "n1", List.of("default/low"))),
        arguments(
            "fewer victims win when priorities tie",
            pod("p").priority(100).req("cpu", "2"),
            List.of(
                pod("a").node("n1").priority(10).req("cpu", "1"),
                pod("b").node("n1").priority(10).req("cpu", "1"),
                pod("c").node("n2").priority(10).req("cpu", "2")),
            new Want(Status.Code.SUCCESS, "", "n2", List.of("default/c"))),
        arguments(
            "pods of equal or higher priority are never victims",
            pod("p").priority(10).req("cpu", "1"),
            List.of(
                pod("a").node("n1").priority(10).req("cpu", "2"),
                pod("b").node("n2").priority(50).req("cpu", "2")),
            new Want(
                Status.Code.UNSCHEDULABLE,
                "preemption: 0/2 nodes are available: 2 No preemption victims found for incoming"
                    + " pod.",
                "",
                List.of())),
        arguments(
            "a pod asking for more than any node has",
            pod("p").priority(100).req("cpu", "3"),
            List.of(pod("a").node("n1").priority(10).req("cpu", "1")),
            new Want(
                Status.Code.UNSCHEDULABLE,
                "preemption: 0/2 nodes are available: 2 Preemption is not helpful for scheduling.",
                "",
                List.of())),
        arguments(
            "preemptionPolicy Never",
            pod("p").priority(100).preemptionPolicy("Never").req("cpu", "1"),
            List.of(
                pod("a").node("n1").priority(10).req("cpu", "2"),
                pod("b").node("n2").priority(10).req("cpu", "2")),
            new Want(
                Status.Code.UNSCHEDULABLE,
                "preemption: not eligible due to preemptionPolicy=Never.",
                null,
                List.of())),
        arguments(
            "victims of an earlier preemption still terminating on the nominated node",
            pod("p").priority(100).nominatedNodeName("n1").req("cpu", "1"),
            List.of(
                pod("a").node("n1").priority(10).req("cpu", "2").terminating(),
                pod("b").node("n2").priority(10).req("cpu", "2")),
            new Want(
                Status.Code.UNSCHEDULABLE,
                "preemption: not eligible due to a terminating pod on the nominated node.",
                null,
                List.of())));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void postFilter(String name, MakePod preemptor, List<MakePod> existing, Want want) {
    Snapshot snapshot =
        TestFramework.snapshot(
            twoNodes(), existing.stream().map(MakePod::info).toArray(PodInfo[]::new));
    FakeClusterApi api = new FakeClusterApi();
    Framework fw =
        TestFramework.of(snapshot, PodNominator.none(), api, Fit.NAME, DefaultPreemption.NAME);
    PodInfo pod = preemptor.info();
    CycleState state = new CycleState();
    assertThat(fw.runPreFilterPlugins(state, pod, snapshot.list()).isSuccess()).isTrue();
    NodeToStatus statuses = new NodeToStatus();
    for (NodeInfo n : snapshot.list()) {
      Status s = fw.runFilterPlugins(state, pod, n);
      assertThat(s.isSuccess()).as("the pod must not fit anywhere").isFalse();
      statuses.set(n.name(), s);
    }

    PostFilterResult r = fw.runPostFilterPlugins(state, pod, statuses);

    assertThat(r.status().code()).isEqualTo(want.code());
    assertThat(r.status().message()).isEqualTo(want.message());
    assertThat(r.nominatedNodeName()).isEqualTo(want.nominatedNode());
    assertThat(api.preemptions)
        .extracting(FakeClusterApi.Preemption::victim)
        .containsExactlyElementsOf(want.victims());
  }
}
