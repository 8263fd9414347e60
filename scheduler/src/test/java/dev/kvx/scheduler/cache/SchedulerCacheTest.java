package dev.kvx.scheduler.cache;

import static dev.kvx.scheduler.testing.MakeNode.node;
import static dev.kvx.scheduler.testing.MakePod.pod;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kvx.scheduler.framework.NodeInfo;
import dev.kvx.scheduler.framework.PodInfo;
import org.junit.jupiter.api.Test;

class SchedulerCacheTest {
  final SchedulerCache cache = new SchedulerCache();
  final Snapshot snapshot = new Snapshot();

  @Test
  void anAssumedPodCountsBeforeItsBindReturns() {
    cache.addNode(node("n1").capacity("cpu", "4").obj());
    PodInfo p = pod("p").node("n1").req("cpu", "1").info();

    cache.assumePod(p);
    cache.updateSnapshot(snapshot);

    assertThat(snapshot.get("n1").requested().milliCpu()).isEqualTo(1000);
    assertThat(cache.isAssumedPod(p.pod())).isTrue();
  }

  @Test
  void forgettingAnAssumedPodFreesItsRoom() {
    cache.addNode(node("n1").capacity("cpu", "4").obj());
    PodInfo p = pod("p").node("n1").req("cpu", "1").info();
    cache.assumePod(p);
    cache.updateSnapshot(snapshot);

    cache.forgetPod(p.pod());
    cache.updateSnapshot(snapshot);

    assertThat(snapshot.get("n1").requested().milliCpu()).isZero();
    assertThat(cache.contains(p.pod())).isFalse();
  }

  @Test
  void theInformerConfirmsAnAssumedPodOnce() {
    cache.addNode(node("n1").capacity("cpu", "4").obj());
    PodInfo p = pod("p").node("n1").req("cpu", "1").info();
    cache.assumePod(p);
    cache.finishBinding(p.pod());

    cache.addPod(p);
    cache.forgetPod(p.pod()); // no effect once confirmed
    cache.updateSnapshot(snapshot);

    assertThat(cache.isAssumedPod(p.pod())).isFalse();
    assertThat(snapshot.get("n1").pods()).hasSize(1);
    assertThat(snapshot.get("n1").requested().milliCpu()).isEqualTo(1000);
  }

  @Test
  void aPodCannotBeAssumedTwice() {
    cache.addNode(node("n1").obj());
    PodInfo p = pod("p").node("n1").info();
    cache.assumePod(p);
    assertThatThrownBy(() -> cache.assumePod(p)).isInstanceOf(IllegalStateException.class);
  }

  @Test
  void removingAPodFreesItsRoom() {
    cache.addNode(node("n1").obj());
    PodInfo p = pod("p").node("n1").req("cpu", "1").info();
    cache.addPod(p);
    cache.removePod(p.pod());
    cache.updateSnapshot(snapshot);
    assertThat(snapshot.get("n1").pods()).isEmpty();
  }

  @Test
  void podsMayArriveBeforeTheirNode() {
    PodInfo p = pod("p").node("n1").req("cpu", "1").info();
    cache.addPod(p);
    cache.updateSnapshot(snapshot);
    assertThat(snapshot.numNodes()).isZero();

    cache.addNode(node("n1").capacity("cpu", "4").obj());
    cache.updateSnapshot(snapshot);

    assertThat(snapshot.get("n1").requested().milliCpu()).isEqualTo(1000);
  }

  @Test
  void aRemovedNodeLeavesTheSnapshot() {
    cache.addNode(node("n1").obj());
    cache.addNode(node("n2").obj());
    cache.addPod(pod("p").node("n1").info());
    cache.updateSnapshot(snapshot);

    cache.removeNode(node("n1").obj());
    cache.updateSnapshot(snapshot);

    assertThat(snapshot.list()).extracting(NodeInfo::name).containsExactly("n2");
    assertThat(snapshot.get("n1")).isNull();
  }

  @Test
  void onlyChangedNodesAreCopiedAgain() {
    cache.addNode(node("n1").obj());
    cache.addNode(node("n2").obj());
    cache.updateSnapshot(snapshot);
    NodeInfo n1Before = snapshot.get("n1");
    NodeInfo n2Before = snapshot.get("n2");

    cache.addPod(pod("p").node("n2").info());
    cache.updateSnapshot(snapshot);

    assertThat(snapshot.get("n1")).isSameAs(n1Before);
    assertThat(snapshot.get("n2")).isNotSameAs(n2Before);
    assertThat(snapshot.list().get(1)).isSameAs(snapshot.get("n2"));
  }

  @Test
  void nodesAreInterleavedByZone() {
    String zone = "topology.kubernetes.io/zone";
    cache.addNode(node("a1").label(zone, "a").obj());
    cache.addNode(node("a2").label(zone, "a").obj());
    cache.addNode(node("a3").label(zone, "a").obj());
    cache.addNode(node("b1").label(zone, "b").obj());
    cache.addNode(node("c1").label(zone, "c").obj());
    cache.updateSnapshot(snapshot);
    assertThat(snapshot.list())
        .extracting(NodeInfo::name)
        .containsExactly("a1", "b1", "c1", "a2", "a3");
  }

  @Test
  void podsWithAffinityAndImagesAreIndexed() {
    cache.addNode(node("n1").image(100, "img:1").obj());
    cache.addNode(node("n2").image(100, "img:1").obj());
    cache.addPod(
        pod("anti").node("n2").podAntiAffinity("kubernetes.io/hostname", "app", "x").info());
    cache.updateSnapshot(snapshot);

    assertThat(snapshot.havePodsWithRequiredAntiAffinity())
        .extracting(NodeInfo::name)
        .containsExactly("n2");
    assertThat(snapshot.havePodsWithAffinity()).extracting(NodeInfo::name).containsExactly("n2");
    assertThat(snapshot.imageNumNodes("img:1")).isEqualTo(2);
  }
}
