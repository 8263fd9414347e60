package dev.kvx.scheduler.plugins.podtopologyspread;

import static dev.kvx.scheduler.testing.MakeNode.node;
import static dev.kvx.scheduler.testing.MakePod.pod;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import dev.kvx.scheduler.cache.Snapshot;
import dev.kvx.scheduler.framework.CycleState;
import dev.kvx.scheduler.framework.PodInfo;
import dev.kvx.scheduler.framework.Status;
import dev.kvx.scheduler.testing.MakePod;
import dev.kvx.scheduler.testing.TestFramework;
import io.fabric8.kubernetes.api.model.Node;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class PodTopologySpreadTest {
  static final String ZONE = "topology.kubernetes.io/zone";
  static final String HOST = "kubernetes.io/hostname";

  /** node-a, node-b in zone1; node-x, node-y in zone2. */
  static List<Node> nodes() {
    return List.of(
        node("node-a").label(ZONE, "zone1").obj(),
        node("node-b").label(ZONE, "zone1").obj(),
        node("node-x").label(ZONE, "zone2").obj(),
        node("node-y").label(ZONE, "zone2").obj());
  }

  static List<MakePod> fooPods(String... nodes) {
    List<MakePod> out = new ArrayList<>();
    for (int i = 0; i < nodes.length; i++) {
      out.add(pod("foo-" + i).label("foo", "").node(nodes[i]));
    }
    return out;
  }

  static Stream<Arguments> filterCases() {
    return Stream.of(
        arguments(
            "no constraints",
            pod("p").label("foo", ""),
            fooPods("node-a"),
            Map.of("node-a", true, "node-b", true, "node-x", true, "node-y", true)),
        arguments(
            "zone skew: only the empty zone fits",
            pod("p").label("foo", "").spreadConstraint(1, ZONE, "DoNotSchedule", "foo", null),
            fooPods("node-a", "node-a", "node-b"),
            Map.of("node-a", false, "node-b", false, "node-x", true, "node-y", true)),
        arguments(
            "zone skew within maxSkew",
            pod("p").label("foo", "").spreadConstraint(2, ZONE, "DoNotSchedule", "foo", null),
            fooPods("node-a"),
            Map.of("node-a", true, "node-b", true, "node-x", true, "node-y", true)),
        arguments(
            "hostname skew",
            pod("p").label("foo", "").spreadConstraint(1, HOST, "DoNotSchedule", "foo", null),
            fooPods("node-a", "node-a", "node-b"),
            Map.of("node-a", false, "node-b", false, "node-x", true, "node-y", true)),
        arguments(
            "pod not matching its own selector adds nothing",
            pod("p").spreadConstraint(1, HOST, "DoNotSchedule", "foo", null),
            fooPods("node-a", "node-a", "node-b"),
            Map.of("node-a", false, "node-b", true, "node-x", true, "node-y", true)),
        arguments(
            "minDomains above the domain count makes the minimum 0",
            pod("p").label("foo", "").spreadConstraint(1, ZONE, "DoNotSchedule", "foo", 3),
            fooPods("node-a", "node-x"),
            Map.of("node-a", false, "node-b", false, "node-x", false, "node-y", false)),
        arguments(
            "without minDomains the same spread fits",
            pod("p").label("foo", "").spreadConstraint(1, ZONE, "DoNotSchedule", "foo", null),
            fooPods("node-a", "node-x"),
            Map.of("node-a", true, "node-b", true, "node-x", true, "node-y", true)),
        arguments(
            "ScheduleAnyway does not filter",
            pod("p").label("foo", "").spreadConstraint(1, ZONE, "ScheduleAnyway", "foo", null),
            fooPods("node-a", "node-a", "node-b"),
            Map.of("node-a", true, "node-b", true, "node-x", true, "node-y", true)),
        arguments(
            "terminating pods are not counted",
            pod("p").label("foo", "").spreadConstraint(1, ZONE, "DoNotSchedule", "foo", null),
            List.of(
                pod("t1").label("foo", "").node("node-a").terminating(),
                pod("t2").label("foo", "").node("node-b").terminating()),
            Map.of("node-a", true, "node-b", true, "node-x", true, "node-y", true)),
        arguments(
            "pods of other namespaces are not counted",
            pod("p").label("foo", "").spreadConstraint(1, ZONE, "DoNotSchedule", "foo", null),
            List.of(
                pod("o1").namespace("other").label("foo", "").node("node-a"),
                pod("o2").namespace("other").label("foo", "").node("node-a")),
            Map.of("node-a", true, "node-b", true, "node-x", true, "node-y", true)));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("filterCases")
  void filter(String name, MakePod pod, List<MakePod> existing, Map<String, Boolean> want) {
    Snapshot snapshot =
        TestFramework.snapshot(
            nodes(), existing.stream().map(MakePod::info).toArray(PodInfo[]::new));
    var fw = TestFramework.of(snapshot, PodTopologySpread.NAME);
    Map<String, Boolean> got = new LinkedHashMap<>();
    for (Node n : nodes()) {
      String nodeName = n.getMetadata().getName();
      got.put(nodeName, TestFramework.filter(fw, snapshot, pod.info(), nodeName).isSuccess());
    }
    assertThat(got).isEqualTo(want);
  }

  @Test
  void oneLabelSelectorsCountFromTheLabelIndex() {
    // Same spread as "zone skew: only the empty zone fits", with matchLabels: the index path must
    // agree with the scan, skipping terminating pods and other namespaces.
    List<MakePod> existing =
        List.of(
            pod("a1").label("app", "web").node("node-a"),
            pod("a2").label("app", "web").node("node-a"),
            pod("b1").label("app", "web").node("node-b"),
            pod("x-gone").label("app", "web").node("node-x").terminating(),
            pod("y-other").namespace("other").label("app", "web").node("node-y"),
            pod("y-db").label("app", "db").node("node-y"));
    Snapshot snapshot =
        TestFramework.snapshot(
            nodes(), existing.stream().map(MakePod::info).toArray(PodInfo[]::new));
    var fw = TestFramework.of(snapshot, PodTopologySpread.NAME);
    PodInfo p =
        pod("p")
            .label("app", "web")
            .spreadConstraintMatching(1, ZONE, "DoNotSchedule", "app", "web")
            .info();
    Map<String, Boolean> got = new LinkedHashMap<>();
    for (Node n : nodes()) {
      String nodeName = n.getMetadata().getName();
      got.put(nodeName, TestFramework.filter(fw, snapshot, p, nodeName).isSuccess());
    }
    assertThat(got)
        .isEqualTo(Map.of("node-a", false, "node-b", false, "node-x", true, "node-y", true));
    assertThat(
            snapshot
                .get("node-a")
                .countPodsWithLabel(
                    dev.kvx.scheduler.framework.NodeInfo.labelKey("default", "app", "web")))
        .isEqualTo(2);
  }

  @Test
  void filterReasons() {
    List<Node> withUnlabelled = new ArrayList<>(nodes());
    withUnlabelled.add(node("node-z").obj());
    Snapshot snapshot =
        TestFramework.snapshot(withUnlabelled, pod("f").label("foo", "").node("node-a").info());
    var fw = TestFramework.of(snapshot, PodTopologySpread.NAME);
    PodInfo p =
        pod("p").label("foo", "").spreadConstraint(1, ZONE, "DoNotSchedule", "foo", null).info();
    assertThat(TestFramework.filter(fw, snapshot, p, "node-z"))
        .isEqualTo(
            Status.unschedulableAndUnresolvable(PodTopologySpread.ERR_REASON_NODE_LABEL_NOT_MATCH)
                .withPlugin(PodTopologySpread.NAME));
    PodInfo skewed =
        pod("p").label("foo", "").spreadConstraint(1, HOST, "DoNotSchedule", "foo", null).info();
    assertThat(TestFramework.filter(fw, snapshot, skewed, "node-a"))
        .isEqualTo(
            Status.unschedulable(PodTopologySpread.ERR_REASON_CONSTRAINTS_NOT_MATCH)
                .withPlugin(PodTopologySpread.NAME));
  }

  @Test
  void removingAPodInPreemptionUpdatesTheCounts() {
    List<MakePod> existing = fooPods("node-a", "node-a");
    Snapshot snapshot =
        TestFramework.snapshot(
            nodes(), existing.stream().map(MakePod::info).toArray(PodInfo[]::new));
    var fw = TestFramework.of(snapshot, PodTopologySpread.NAME);
    PodInfo p =
        pod("p").label("foo", "").spreadConstraint(1, HOST, "DoNotSchedule", "foo", null).info();
    CycleState state = new CycleState();
    fw.runPreFilterPlugins(state, p, snapshot.list());
    var nodeA = snapshot.get("node-a").copy();
    assertThat(fw.runFilterPlugins(state, p, nodeA).isSuccess()).isFalse();
    for (PodInfo victim : List.copyOf(nodeA.pods())) {
      nodeA.removePod(victim.pod());
      fw.runPreFilterExtensionRemovePod(state, p, victim, nodeA);
    }
    assertThat(fw.runFilterPlugins(state, p, nodeA).isSuccess()).isTrue();
  }

  @Test
  void scoreFavoursEmptierDomains() {
    List<Node> three = nodes().subList(0, 3);
    Snapshot snapshot =
        TestFramework.snapshot(
            three,
            fooPods("node-a", "node-a", "node-b").stream()
                .map(MakePod::info)
                .toArray(PodInfo[]::new));
    var fw = TestFramework.of(snapshot, PodTopologySpread.NAME);
    PodInfo p =
        pod("p").label("foo", "").spreadConstraint(1, HOST, "ScheduleAnyway", "foo", null).info();
    // Raw: count × ln(3 + 2) → 3, 2, 0; normalized as 100 × (max + min − s) / max.
    assertThat(TestFramework.scores(fw, snapshot, PodTopologySpread.NAME, p))
        .isEqualTo(Map.of("node-a", 0L, "node-b", 33L, "node-x", 100L));
    assertThat(TestFramework.scores(fw, snapshot, PodTopologySpread.NAME, pod("q").info()))
        .as("no ScheduleAnyway constraints: skipped")
        .isEqualTo(Map.of("node-a", 0L, "node-b", 0L, "node-x", 0L));
  }
}
