package dev.kvx.scheduler.plugins.nodeunschedulable;

import static dev.kvx.scheduler.testing.MakeNode.node;
import static dev.kvx.scheduler.testing.MakePod.pod;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import dev.kvx.scheduler.cache.Snapshot;
import dev.kvx.scheduler.framework.PodInfo;
import dev.kvx.scheduler.framework.Status;
import dev.kvx.scheduler.testing.MakeNode;
import dev.kvx.scheduler.testing.TestFramework;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class NodeUnschedulableTest {

  static Stream<Arguments> cases() {
    return Stream.of(
        arguments("schedulable node", pod("p").info(), node("n"), Status.success()),
        arguments(
            "cordoned node",
            pod("p").info(),
            node("n").unschedulable(),
            Status.unschedulableAndUnresolvable(NodeUnschedulable.ERR_REASON_UNSCHEDULABLE)
                .withPlugin(NodeUnschedulable.NAME)),
        arguments(
            "cordoned node, pod tolerates the unschedulable taint",
            pod("p")
                .toleration(
                    NodeUnschedulable.TAINT_NODE_UNSCHEDULABLE, "Exists", null, "NoSchedule")
                .info(),
            node("n").unschedulable(),
            Status.success()),
        arguments(
            "cordoned node, pod tolerates everything",
            pod("p").toleration(null, "Exists", null, null).info(),
            node("n").unschedulable(),
            Status.success()),
        arguments(
            "cordoned node, toleration for another effect",
            pod("p")
                .toleration(NodeUnschedulable.TAINT_NODE_UNSCHEDULABLE, "Exists", null, "NoExecute")
                .info(),
            node("n").unschedulable(),
            Status.unschedulableAndUnresolvable(NodeUnschedulable.ERR_REASON_UNSCHEDULABLE)
                .withPlugin(NodeUnschedulable.NAME)));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void filter(String name, PodInfo pod, MakeNode node, Status want) {
    Snapshot snapshot = TestFramework.snapshot(List.of(node.obj()));
    var fw = TestFramework.of(snapshot, NodeUnschedulable.NAME);
    assertThat(TestFramework.filter(fw, snapshot, pod, "n")).isEqualTo(want);
  }
}
