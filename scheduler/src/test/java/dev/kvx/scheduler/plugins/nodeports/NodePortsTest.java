package dev.kvx.scheduler.plugins.nodeports;

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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class NodePortsTest {
  static final Status CONFLICT =
      Status.unschedulable(NodePorts.ERR_REASON).withPlugin(NodePorts.NAME);

  static Stream<Arguments> cases() {
    return Stream.of(
        arguments(
            "nothing running", pod("p").hostPort("TCP", "", 8080).info(), null, Status.success()),
        arguments(
            "other port",
            pod("p").hostPort("TCP", "", 8080).info(),
            pod("e").node("n").hostPort("TCP", "", 8081).info(),
            Status.success()),
        arguments(
            "same port and protocol",
            pod("p").hostPort("TCP", "", 8080).info(),
            pod("e").node("n").hostPort("TCP", "", 8080).info(),
            CONFLICT),
        arguments(
            "same port, other protocol",
            pod("p").hostPort("UDP", "", 8080).info(),
            pod("e").node("n").hostPort("TCP", "", 8080).info(),
            Status.success()),
        arguments(
            "same port on two specific IPs",
            pod("p").hostPort("TCP", "127.0.0.1", 8080).info(),
            pod("e").node("n").hostPort("TCP", "127.0.0.2", 8080).info(),
            Status.success()),
        arguments(
            "specific IP against 0.0.0.0",
            pod("p").hostPort("TCP", "127.0.0.1", 8080).info(),
            pod("e").node("n").hostPort("TCP", "0.0.0.0", 8080).info(),
            CONFLICT),
        arguments(
            "0.0.0.0 against a specific IP",
            pod("p").hostPort("TCP", "", 8080).info(),
            pod("e").node("n").hostPort("TCP", "127.0.0.1", 8080).info(),
            CONFLICT));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void filter(String name, PodInfo pod, PodInfo existing, Status want) {
    Snapshot snapshot =
        existing == null
            ? TestFramework.snapshot(List.of(node("n").obj()))
            : TestFramework.snapshot(List.of(node("n").obj()), existing);
    var fw = TestFramework.of(snapshot, NodePorts.NAME);
    assertThat(TestFramework.filter(fw, snapshot, pod, "n")).isEqualTo(want);
  }

  @Test
  void podWithoutHostPortsSkipsTheFilter() {
    Snapshot snapshot = TestFramework.snapshot(List.of(node("n").obj()));
    var fw = TestFramework.of(snapshot, NodePorts.NAME);
    CycleState state = new CycleState();
    assertThat(fw.runPreFilterPlugins(state, pod("p").info(), snapshot.list()).isSuccess())
        .isTrue();
    assertThat(state.skipFilterPlugins()).containsExactly(NodePorts.NAME);
  }
}
