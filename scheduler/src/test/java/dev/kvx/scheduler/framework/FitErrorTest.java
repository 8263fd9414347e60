package dev.kvx.scheduler.framework;

import static dev.kvx.scheduler.testing.MakePod.pod;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class FitErrorTest {

  @Test
  void reasonsAreCountedOverNodesAndSortedAsUpstream() {
    Diagnosis d = new Diagnosis();
    d.nodeToStatus().set("n1", Status.unschedulable("Insufficient cpu"));
    d.nodeToStatus()
        .set(
            "n2",
            Status.unschedulableAndUnresolvable("node(s) had untolerated taint {dedicated: gpu}"));
    d.nodeToStatus()
        .set(
            "n3",
            Status.unschedulableAndUnresolvable("node(s) had untolerated taint {dedicated: gpu}"));

    assertThat(new FitError(pod("p").info(), 3, d).getMessage())
        .isEqualTo(
            "0/3 nodes are available: 1 Insufficient cpu, 2 node(s) had untolerated taint"
                + " {dedicated: gpu}.");
  }

  @Test
  void severalReasonsOfOneNodeEachCount() {
    Diagnosis d = new Diagnosis();
    d.nodeToStatus().set("n1", Status.unschedulable("Insufficient cpu", "Insufficient memory"));
    d.nodeToStatus().set("n2", Status.unschedulable("Insufficient memory"));

    assertThat(new FitError(pod("p").info(), 2, d).getMessage())
        .isEqualTo("0/2 nodes are available: 1 Insufficient cpu, 2 Insufficient memory.");
  }

  @Test
  void postFilterMessageIsAppended() {
    Diagnosis d = new Diagnosis();
    d.nodeToStatus().set("n1", Status.unschedulable("Insufficient cpu"));
    d.setPostFilterMsg(
        "preemption: 0/1 nodes are available: 1 No preemption victims found for incoming pod.");

    assertThat(new FitError(pod("p").info(), 1, d).getMessage())
        .isEqualTo(
            "0/1 nodes are available: 1 Insufficient cpu. preemption: 0/1 nodes are available: 1 No"
                + " preemption victims found for incoming pod..");
  }

  @Test
  void aPreFilterRejectionReplacesThePerNodeReasons() {
    Diagnosis d = new Diagnosis();
    d.nodeToStatus()
        .setAbsentNodesStatus(
            Status.unschedulableAndUnresolvable(
                "node(s) didn't match Pod's node affinity/selector"));
    d.setPreFilterMsg("node(s) didn't match Pod's node affinity/selector");

    assertThat(new FitError(pod("p").info(), 5, d).getMessage())
        .isEqualTo("0/5 nodes are available: node(s) didn't match Pod's node affinity/selector.");
  }

  @Test
  void nodesWithoutAnEntryCountWithTheAbsentStatus() {
    Diagnosis d = new Diagnosis();
    d.nodeToStatus().set("n1", Status.unschedulable("Insufficient cpu"));
    d.nodeToStatus()
        .setAbsentNodesStatus(
            Status.unschedulableAndUnresolvable("Preemption is not helpful for scheduling"));

    assertThat(new FitError(pod("p").info(), 3, d).getMessage())
        .isEqualTo(
            "0/3 nodes are available: 1 Insufficient cpu, 2 Preemption is not helpful for"
                + " scheduling.");
  }
}
