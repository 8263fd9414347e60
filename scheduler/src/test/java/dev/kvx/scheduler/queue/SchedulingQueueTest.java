package dev.kvx.scheduler.queue;

import static dev.kvx.scheduler.testing.MakePod.pod;
import static org.assertj.core.api.Assertions.assertThat;

import dev.kvx.component.clock.FakeClock;
import dev.kvx.scheduler.framework.ClusterEvent;
import dev.kvx.scheduler.framework.Framework;
import dev.kvx.scheduler.framework.PodInfo;
import dev.kvx.scheduler.framework.Profile;
import dev.kvx.scheduler.plugins.InTreeRegistry;
import dev.kvx.scheduler.queue.SchedulingQueue.QueueName;
import dev.kvx.scheduler.testing.FakeClusterApi;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class SchedulingQueueTest {
  final FakeClock clock = new FakeClock();
  final Framework fw =
      Framework.builder(Profile.defaultProfile(), InTreeRegistry.create())
          .api(new FakeClusterApi())
          .clock(clock)
          .build();
  final SchedulingQueue queue =
      new SchedulingQueue(clock, fw::runPreEnqueuePlugins, fw.eventsToRegister());

  @AfterEach
  void close() {
    queue.close();
  }

  QueuedPodInfo popNow() throws InterruptedException {
    return queue.pop(Duration.ZERO);
  }

  /** Pops {@code name}'s pod and fails it as rejected by {@code plugins} (none: an error). */
  QueuedPodInfo popAndFail(String... plugins) throws InterruptedException {
    QueuedPodInfo q = popNow();
    long cycle = queue.schedulingCycle();
    q.setUnschedulablePlugins(Set.of(plugins));
    queue.addUnschedulableIfNotPresent(q, cycle);
    return q;
  }

  @Test
  void activeQueueIsOrderedByPriorityThenAge() throws Exception {
    queue.add(pod("low").priority(1).info());
    clock.step(Duration.ofMillis(1));
    queue.add(pod("high-late").priority(100).info());
    queue.add(pod("old").priority(1).uid("zzz").info());
    clock.step(Duration.ofMillis(1));
    queue.add(pod("high-later").priority(100).info());

    assertThat(popNow().podInfo().name()).isEqualTo("high-late");
    assertThat(popNow().podInfo().name()).isEqualTo("high-later");
    assertThat(popNow().podInfo().name()).isEqualTo("low");
    assertThat(popNow().podInfo().name()).isEqualTo("old");
    assertThat(popNow()).isNull();
  }

  @Test
  void aPodFailingWithAnErrorBacksOffOneSecondDoublingToTen() throws Exception {
    queue.run();
    queue.add(pod("p").info());
    long[] expectedBackoffMillis = {1000, 2000, 4000, 8000, 10000, 10000};
    for (long backoff : expectedBackoffMillis) {
      popAndFail();
      assertThat(queue.pendingPods(QueueName.BACKOFF)).isEqualTo(1);
      clock.step(Duration.ofMillis(backoff - 1000));
      assertThat(queue.pendingPods(QueueName.ACTIVE))
          .as("still backing off before %d ms", backoff)
          .isZero();
      clock.step(Duration.ofMillis(1000)); // the next periodic flush
      assertThat(queue.pendingPods(QueueName.ACTIVE))
          .as("active after %d ms", backoff)
          .isEqualTo(1);
    }
  }

  @Test
  void anUnschedulablePodWaitsForAnEventItsPluginsRegistered() throws Exception {
    queue.run();
    queue.add(pod("p").req("cpu", "100").info());
    popAndFail("NodeResourcesFit");
    assertThat(queue.pendingPods(QueueName.UNSCHEDULABLE)).isEqualTo(1);

    clock.step(Duration.ofSeconds(20));
    queue.moveAllToActiveOrBackoffQueue(
        ClusterEvent.ASSIGNED_POD_ADD); // NodeResourcesFit doesn't care
    assertThat(queue.pendingPods(QueueName.UNSCHEDULABLE)).isEqualTo(1);

    queue.moveAllToActiveOrBackoffQueue(ClusterEvent.NODE_ADD);
    assertThat(queue.pendingPods(QueueName.ACTIVE)).isEqualTo(1);
    assertThat(popNow().attempts()).isEqualTo(2);
  }

  @Test
  void eachParkedPodMovesOnlyForTheEventsOfThePluginsThatRejectedIt() throws Exception {
    queue.run();
    queue.add(pod("fit").uid("1").info());
    queue.add(pod("taint").uid("2").info());
    queue.add(pod("gone").uid("3").info());
    popAndFail("NodeResourcesFit");
    popAndFail("TaintToleration");
    QueuedPodInfo gone = popAndFail("NodeResourcesFit");
    queue.delete(gone.podInfo().pod()); // leaves no trace in the per-plugin bookkeeping
    clock.step(Duration.ofSeconds(20));

    queue.moveAllToActiveOrBackoffQueue(ClusterEvent.ASSIGNED_POD_ADD); // nobody cares
    assertThat(queue.pendingPods(QueueName.UNSCHEDULABLE)).isEqualTo(2);

    queue.moveAllToActiveOrBackoffQueue(ClusterEvent.ASSIGNED_POD_DELETE); // frees resources
    assertThat(queue.pendingPods(QueueName.ACTIVE)).isEqualTo(1);
    assertThat(popNow().podInfo().name()).isEqualTo("fit");

    queue.moveAllToActiveOrBackoffQueue(ClusterEvent.ASSIGNED_POD_DELETE);
    assertThat(queue.pendingPods(QueueName.UNSCHEDULABLE)).isEqualTo(1);
    queue.moveAllToActiveOrBackoffQueue(ClusterEvent.NODE_ADD);
    assertThat(popNow().podInfo().name()).isEqualTo("taint");
    assertThat(queue.pendingPods(QueueName.UNSCHEDULABLE)).isZero();
  }

  @Test
  void aPodMovedWhileStillBackingOffGoesToTheBackoffQueue() throws Exception {
    queue.run();
    queue.add(pod("p").info());
    popAndFail("TaintToleration");

    queue.moveAllToActiveOrBackoffQueue(ClusterEvent.NODE_ADD);

    assertThat(queue.pendingPods(QueueName.BACKOFF)).isEqualTo(1);
    clock.step(Duration.ofSeconds(1));
    assertThat(queue.pendingPods(QueueName.ACTIVE)).isEqualTo(1);
  }

  @Test
  void anEventDuringTheCycleSendsTheFailedPodToBackoffNotToWaiting() throws Exception {
    queue.add(pod("p").info());
    QueuedPodInfo q = popNow();
    long cycle = queue.schedulingCycle();
    queue.moveAllToActiveOrBackoffQueue(ClusterEvent.NODE_ADD); // e.g. a node added mid-cycle

    q.setUnschedulablePlugins(Set.of("NodeResourcesFit"));
    queue.addUnschedulableIfNotPresent(q, cycle);

    assertThat(queue.pendingPods(QueueName.BACKOFF)).isEqualTo(1);
    assertThat(queue.pendingPods(QueueName.UNSCHEDULABLE)).isZero();
  }

  @Test
  void unschedulablePodsAreRetriedAfterFiveMinutes() throws Exception {
    queue.run();
    queue.add(pod("p").info());
    popAndFail("NodeAffinity");

    clock.step(Duration.ofMinutes(4));
    assertThat(queue.pendingPods(QueueName.UNSCHEDULABLE)).isEqualTo(1);
    clock.step(Duration.ofMinutes(1)); // next 30 s flush at or after 5 min
    assertThat(queue.pendingPods(QueueName.ACTIVE)).isEqualTo(1);
  }

  @Test
  void gatedPodsWaitUntilTheirGatesAreRemoved() throws Exception {
    PodInfo gated = pod("p").schedulingGates("example.com/wait").info();
    queue.add(gated);

    assertThat(queue.pendingPods(QueueName.GATED)).isEqualTo(1);
    assertThat(queue.gatingMessage(gated.uid()))
        .isEqualTo("waiting for scheduling gates: [example.com/wait]");
    assertThat(popNow()).isNull();

    queue.update(gated.pod(), pod("p").info());

    assertThat(queue.pendingPods(QueueName.GATED)).isZero();
    assertThat(popNow().podInfo().name()).isEqualTo("p");
  }

  @Test
  void anUpdatedUnschedulablePodIsRetried() throws Exception {
    queue.add(pod("p").info());
    QueuedPodInfo q = popAndFail("NodeAffinity");
    clock.step(Duration.ofSeconds(5));

    queue.update(q.podInfo().pod(), pod("p").label("new", "label").info());

    assertThat(queue.pendingPods(QueueName.ACTIVE)).isEqualTo(1);
  }

  @Test
  void deletedPodsLeaveEveryQueue() throws Exception {
    PodInfo a = pod("a").info();
    PodInfo b = pod("b").info();
    queue.add(a);
    queue.add(b);
    popAndFail("NodeAffinity");

    queue.delete(a.pod());
    queue.delete(b.pod());

    for (QueueName q : QueueName.values()) {
      assertThat(queue.pendingPods(q)).isZero();
    }
  }

  @Test
  void popBlocksUntilAPodArrivesAndCloseReleasesIt() throws Exception {
    CompletableFuture<QueuedPodInfo> popped =
        CompletableFuture.supplyAsync(
            () -> {
              try {
                return queue.pop();
              } catch (InterruptedException e) {
                throw new IllegalStateException(e);
              }
            });
    Thread.onSpinWait();
    assertThat(popped).isNotDone();
    queue.add(pod("p").info());
    assertThat(popped.get(5, TimeUnit.SECONDS).podInfo().name()).isEqualTo("p");

    CompletableFuture<QueuedPodInfo> blocked =
        CompletableFuture.supplyAsync(
            () -> {
              try {
                return queue.pop();
              } catch (InterruptedException e) {
                throw new IllegalStateException(e);
              }
            });
    queue.close();
    assertThat(blocked.get(5, TimeUnit.SECONDS)).isNull();
  }

  @Test
  void nominatedPodsAreTrackedPerNode() {
    PodInfo p = pod("p").info();
    queue.addNominatedPod(p, "n1");
    assertThat(queue.nominatedPodsForNode("n1")).containsExactly(p);

    queue.addNominatedPod(p, "n2");
    assertThat(queue.nominatedPodsForNode("n1")).isEmpty();
    assertThat(queue.nominatedPodsForNode("n2")).containsExactly(p);

    queue.delete(p.pod());
    assertThat(queue.nominatedPodsForNode("n2")).isEmpty();

    PodInfo fromStatus = pod("q").nominatedNodeName("n3").info();
    queue.add(fromStatus);
    assertThat(queue.nominatedPodsForNode("n3")).containsExactly(fromStatus);
  }
}
