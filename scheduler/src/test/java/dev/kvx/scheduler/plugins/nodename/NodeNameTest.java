package dev.kvx.scheduler.plugins.nodename;

import static dev.kvx.scheduler.testing.MakeNode.node;
import static dev.kvx.scheduler.testing.MakePod.pod;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import dev.kvx.scheduler.cache.Snapshot;
import dev.kvx.scheduler.framework.CycleState;
import dev.kvx.scheduler.framework.PodInfo;
import dev.kvx.scheduler.framework.Status;
import dev.kvx.scheduler.testing.TestFramework;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class NodeNameTest {

  static Stream<Arguments> cases() {
    return Stream.of(
        arguments("no node name", pod("p").info(), Status.success()),
        arguments("same node name", pod("p").node("n").info(), Status.success()),
        arguments(
            "other node name",
            pod("p").node("other").info(),
            Status.unschedulableAndUnresolvable(NodeName.ERR_REASON).withPlugin(NodeName.NAME)));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void filter(String name, PodInfo pod, Status want) {
    Snapshot snapshot = TestFramework.snapshot(List.of(node("n").obj()));
    var fw = TestFramework.of(snapshot, NodeName.NAME);
    assertThat(fw.runFilterPlugins(new CycleState(), pod, snapshot.get("n"))).isEqualTo(want);
  }
}
