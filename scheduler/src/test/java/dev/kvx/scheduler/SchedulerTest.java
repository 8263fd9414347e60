package dev.kvx.scheduler;

import static dev.kvx.scheduler.testing.MakeNode.node;
import static dev.kvx.scheduler.testing.MakePod.pod;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.kvx.component.clock.FakeClock;
import dev.kvx.scheduler.queue.SchedulingQueue.QueueName;
import dev.kvx.scheduler.testing.FakeClusterApi;
import dev.kvx.scheduler.testing.MakePod;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The scheduling loop on a fake API: what it binds, writes and requeues. */
class SchedulerTest {
  final FakeClock clock = new FakeClock();
  final FakeClusterApi api = new FakeClusterApi();
  final Map<String, Pod> informer = new ConcurrentHashMap<>();
  final Scheduler scheduler = Scheduler.builder(api, informer::get).clock(clock).build();
  final EventHandlers handlers = new EventHandlers(scheduler);

  @AfterEach
  void close() {
    scheduler.close();
  }

  void addNode(Node n) {
    handlers.nodeHandler().onAdd(n);
  }

  Pod addPod(MakePod p) {
    Pod pod = p.obj();
    informer.put(pod.getMetadata().getNamespace() + "/" + pod.getMetadata().getName(), pod);
    handlers.podHandler().onAdd(pod);
    return pod;
  }

  void scheduleOne() throws InterruptedException {
    assertThat(scheduler.scheduleOne(Duration.ZERO)).as("a pod to schedule").isTrue();
    await().atMost(Duration.ofSeconds(5)).until(() -> scheduler.bindingsInFlight() == 0);
  }

  @Test
  void aPodIsBoundToTheNodeItFits() throws Exception {
    addNode(node("small").capacity("cpu", "1").obj());
    addNode(node("big").capacity("cpu", "4").obj());
    addPod(pod("p").req("cpu", "2"));

    scheduleOne();

    assertThat(api.binds).containsExactly(new FakeClusterApi.Bind("default/p", "big"));
    assertThat(api.events)
        .extracting(FakeClusterApi.Event::reason, FakeClusterApi.Event::message)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple(
                "Scheduled", "Successfully assigned default/p to big"));
  }

  @Test
  void anAssumedPodTakesItsRoomBeforeTheBindReturns() throws Exception {
    addNode(node("n1").capacity("cpu", "4").obj());
    addPod(pod("first").req("cpu", "3"));
    addPod(pod("second").req("cpu", "3"));
    CompletableFuture<Void> gate = new CompletableFuture<>();
    api.holdBinds(gate);

    assertThat(scheduler.scheduleOne(Duration.ZERO)).isTrue();
    assertThat(scheduler.bindingsInFlight()).isEqualTo(1);
    assertThat(scheduler.scheduleOne(Duration.ZERO)).isTrue();
    gate.complete(null);
    await().atMost(Duration.ofSeconds(5)).until(() -> scheduler.bindingsInFlight() == 0);

    assertThat(api.binds).extracting(FakeClusterApi.Bind::pod).containsExactly("default/first");
    FakeClusterApi.StatusUpdate update = api.statusUpdates.get(0);
    assertThat(update.pod()).isEqualTo("default/second");
    assertThat(update.condition().getType()).isEqualTo("PodScheduled");
    assertThat(update.condition().getStatus()).isEqualTo("False");
    assertThat(update.condition().getReason()).isEqualTo("Unschedulable");
    assertThat(update.condition().getMessage())
        .isEqualTo(
            "0/1 nodes are available: 1 Insufficient cpu. preemption: 0/1 nodes are available: 1 No"
                + " preemption victims found for incoming pod..");
    assertThat(api.events)
        .filteredOn(e -> e.reason().equals("FailedScheduling"))
        .extracting(FakeClusterApi.Event::message)
        .containsExactly(update.condition().getMessage());
    assertThat(scheduler.queue().pendingPods(QueueName.UNSCHEDULABLE)).isEqualTo(1);
  }

  @Test
  void aFailedBindForgetsThePodAndRequeuesIt() throws Exception {
    addNode(node("n1").capacity("cpu", "4").obj());
    Pod pod = addPod(pod("p").req("cpu", "3"));
    api.failBinds(key -> new IllegalStateException("connection refused"));

    scheduleOne();

    assertThat(scheduler.cache().contains(pod)).isFalse();
    assertThat(scheduler.queue().queueOf(pod.getMetadata().getUid())).isEqualTo(QueueName.BACKOFF);
    assertThat(api.statusUpdates.get(0).condition().getReason()).isEqualTo("SchedulerError");
    assertThat(api.statusUpdates.get(0).condition().getMessage()).isEqualTo("connection refused");

    api.failBinds(key -> null);
    clock.step(Duration.ofSeconds(1));
    scheduler.queue().flushBackoffQCompleted();
    scheduleOne();
    assertThat(api.binds).containsExactly(new FakeClusterApi.Bind("default/p", "n1"));
  }

  @Test
  void anUnschedulablePodIsScheduledOnceAFittingNodeAppears() throws Exception {
    addNode(node("n1").capacity("cpu", "2").taint("dedicated", "infra", "NoSchedule").obj());
    addNode(node("n2").capacity("cpu", "2").obj());
    addNode(node("n3").capacity("cpu", "1").obj());
    Pod pod = addPod(pod("p").req("cpu", "4"));

    scheduleOne();

    assertThat(api.statusUpdates.get(0).condition().getMessage())
        .isEqualTo(
            "0/3 nodes are available: 1 node(s) had untolerated taint {dedicated: infra}, 2"
                + " Insufficient cpu. preemption: 0/3 nodes are available: 3 Preemption is not"
                + " helpful for scheduling..");
    assertThat(scheduler.queue().queueOf(pod.getMetadata().getUid()))
        .isEqualTo(QueueName.UNSCHEDULABLE);

    clock.step(Duration.ofSeconds(2));
    addNode(node("big").capacity("cpu", "8").obj());
    assertThat(scheduler.queue().queueOf(pod.getMetadata().getUid())).isEqualTo(QueueName.ACTIVE);
    scheduleOne();

    assertThat(api.binds).containsExactly(new FakeClusterApi.Bind("default/p", "big"));
  }

  @Test
  void aHighPriorityPodPreemptsAndIsNominated() throws Exception {
    addNode(node("n1").capacity("cpu", "2").obj());
    Pod low = pod("low").node("n1").priority(0).req("cpu", "2").obj();
    informer.put("default/low", low);
    handlers.podHandler().onAdd(low);
    addPod(pod("high").priority(1000).req("cpu", "1"));

    scheduleOne();

    assertThat(api.preemptions)
        .containsExactly(new FakeClusterApi.Preemption("default/low", "default/high", "n1"));
    FakeClusterApi.StatusUpdate update = api.statusUpdates.get(0);
    assertThat(update.nominatedNodeName()).isEqualTo("n1");
    assertThat(update.condition().getMessage())
        .isEqualTo("0/1 nodes are available: 1 Insufficient cpu.");
    assertThat(scheduler.queue().nominatedPodsForNode("n1"))
        .extracting(p -> p.name())
        .containsExactly("high");

    // The victim goes away: the preemptor is retried and lands on its nominated node.
    informer.remove("default/low");
    handlers.podHandler().onDelete(low, false);
    clock.step(Duration.ofSeconds(1));
    scheduler.queue().flushBackoffQCompleted();
    scheduleOne();
    assertThat(api.binds).containsExactly(new FakeClusterApi.Bind("default/high", "n1"));
    assertThat(scheduler.queue().nominatedPodsForNode("n1")).isEmpty();
  }

  @Test
  void aPodDeletedWhileBeingScheduledIsNotRequeued() throws Exception {
    addNode(node("n1").capacity("cpu", "1").obj());
    Pod pod = addPod(pod("p").req("cpu", "2"));
    informer.clear(); // gone from the informer before the failure is handled

    scheduleOne();

    assertThat(scheduler.queue().queueOf(pod.getMetadata().getUid())).isNull();
    assertThat(api.statusUpdates).isEmpty();
  }

  @Test
  void boundPodsMoveFromTheQueueToTheCache() {
    addNode(node("n1").capacity("cpu", "4").obj());
    Pod pod = addPod(pod("p").req("cpu", "1"));
    Pod bound = new PodBuilder(pod).editSpec().withNodeName("n1").endSpec().build();

    handlers.podHandler().onUpdate(pod, bound);

    assertThat(scheduler.queue().queueOf(pod.getMetadata().getUid())).isNull();
    assertThat(scheduler.cache().contains(pod)).isTrue();
  }

  @Test
  void podsOfOtherSchedulersAreIgnored() throws Exception {
    addNode(node("n1").obj());
    addPod(pod("p").schedulerName("my-scheduler"));

    assertThat(scheduler.scheduleOne(Duration.ZERO)).isFalse();
  }
}
