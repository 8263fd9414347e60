package dev.kvx.scheduler.plugins.tainttoleration;

import static dev.kvx.scheduler.testing.MakeNode.node;
import static dev.kvx.scheduler.testing.MakePod.pod;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import dev.kvx.scheduler.cache.Snapshot;
import dev.kvx.scheduler.framework.Status;
import dev.kvx.scheduler.testing.MakeNode;
import dev.kvx.scheduler.testing.MakePod;
import dev.kvx.scheduler.testing.TestFramework;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class TaintTolerationTest {

  static MakeNode nodeWithTaints(String name) {
    return node(name);
  }

  static Status untolerated(String key, String value) {
    return Status.unschedulableAndUnresolvable(
            "node(s) had untolerated taint {" + key + ": " + value + "}")
        .withPlugin(TaintToleration.NAME);
  }

  static Stream<Arguments> filterCases() {
    return Stream.of(
        arguments("no taints", pod("p"), node("n"), Status.success()),
        arguments(
            "NoSchedule taint not tolerated",
            pod("p"),
            node("n").taint("dedicated", "gpu", "NoSchedule"),
            untolerated("dedicated", "gpu")),
        arguments(
            "NoExecute taint not tolerated",
            pod("p"),
            node("n").taint("k", "v", "NoExecute"),
            untolerated("k", "v")),
        arguments(
            "PreferNoSchedule does not filter",
            pod("p"),
            node("n").taint("k", "v", "PreferNoSchedule"),
            Status.success()),
        arguments(
            "Equal toleration",
            pod("p").toleration("dedicated", "Equal", "gpu", "NoSchedule"),
            node("n").taint("dedicated", "gpu", "NoSchedule"),
            Status.success()),
        arguments(
            "Equal toleration with another value",
            pod("p").toleration("dedicated", "Equal", "cpu", "NoSchedule"),
            node("n").taint("dedicated", "gpu", "NoSchedule"),
            untolerated("dedicated", "gpu")),
        arguments(
            "Exists toleration without effect",
            pod("p").toleration("dedicated", "Exists", null, null),
            node("n").taint("dedicated", "gpu", "NoExecute"),
            Status.success()),
        arguments(
            "toleration for another effect",
            pod("p").toleration("dedicated", "Exists", null, "NoSchedule"),
            node("n").taint("dedicated", "gpu", "NoExecute"),
            untolerated("dedicated", "gpu")),
        arguments(
            "the first untolerated taint is reported",
            pod("p").toleration("a", "Exists", null, null),
            node("n")
                .taint("a", "1", "NoSchedule")
                .taint("b", "2", "NoSchedule")
                .taint("c", "3", "NoSchedule"),
            untolerated("b", "2")),
        arguments(
            "empty value shows as empty",
            pod("p"),
            node("n").taint("node-role.kubernetes.io/control-plane", null, "NoSchedule"),
            untolerated("node-role.kubernetes.io/control-plane", "")));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("filterCases")
  void filter(String name, MakePod pod, MakeNode node, Status want) {
    Snapshot snapshot = TestFramework.snapshot(List.of(node.obj()));
    var fw = TestFramework.of(snapshot, TaintToleration.NAME);
    assertThat(TestFramework.filter(fw, snapshot, pod.info(), "n")).isEqualTo(want);
  }

  static Stream<Arguments> scoreCases() {
    return Stream.of(
        arguments(
            "fewer intolerable PreferNoSchedule taints score higher",
            pod("p"),
            Map.of("n1", 100L, "n2", 50L, "n3", 0L)),
        arguments(
            "tolerated PreferNoSchedule taints do not count",
            pod("p").toleration("a", "Exists", null, "PreferNoSchedule"),
            Map.of("n1", 100L, "n2", 100L, "n3", 0L)),
        arguments(
            "NoSchedule tolerations do not count for scoring",
            pod("p").toleration("a", "Exists", null, "NoSchedule"),
            Map.of("n1", 100L, "n2", 50L, "n3", 0L)));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("scoreCases")
  void score(String name, MakePod pod, Map<String, Long> want) {
    Snapshot snapshot =
        TestFramework.snapshot(
            List.of(
                node("n1").taint("x", "1", "NoSchedule").obj(),
                node("n2").taint("a", "1", "PreferNoSchedule").obj(),
                node("n3")
                    .taint("a", "1", "PreferNoSchedule")
                    .taint("b", "1", "PreferNoSchedule")
                    .obj()));
    var fw = TestFramework.of(snapshot, TaintToleration.NAME);
    assertThat(TestFramework.scores(fw, snapshot, TaintToleration.NAME, pod.info()))
        .isEqualTo(want);
  }
}
