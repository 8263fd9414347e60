package dev.kvx.component.controller;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.kvx.component.clock.FakeClock;
import dev.kvx.component.controller.Reconciler.Result;
import dev.kvx.component.informers.InformerFactory;
import dev.kvx.component.metrics.Metrics;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

// fabric8's CRUD mock API server stands in for the kvx API server until that one serves.
@EnableKubernetesMockClient(crud = true)
class ControllerTest {
  private static final Duration WAIT = Duration.ofSeconds(60); // a deadline, not a delay: loaded CI machines

  KubernetesClient client;

  @BeforeEach
  void patientClient() {
    // The mock server's first answers can take longer than the client's 10 s request timeout on a
    // loaded CI machine; the tests' own deadlines bound the waiting.
    client.getConfiguration().setRequestTimeout(60_000);
  }
  private final List<String> reconciled = new CopyOnWriteArrayList<>();

  @Test
  void reconcilesTheKeyOfEveryObjectOnceInformersSynced() throws Exception {
    client.configMaps().inNamespace("ns").resource(configMap("before")).create();
    try (Metrics metrics = Metrics.create();
        InformerFactory informers = new InformerFactory(client)) {
      Controller controller =
          Controller.builder("configmap-test", recording())
              .workers(2)
              .meterRegistry(metrics.registry())
              .waitForSync(informers::hasSynced)
              .build();
      informers.informerFor(ConfigMap.class).addEventHandler(controller.enqueueHandler());
      informers.start();
      controller.start();

      await().atMost(WAIT).until(() -> reconciled.contains("ns/before"));
      client.configMaps().inNamespace("ns").resource(configMap("after")).create();
      await().atMost(WAIT).until(() -> reconciled.contains("ns/after"));

      assertThat(metrics.registry().scrape())
          .contains("workqueue_adds_total{name=\"configmap-test\"}")
          .contains("workqueue_work_duration_seconds_count{name=\"configmap-test\"}");
      controller.close();
    }
  }

  @Test
  void ownerHandlerQueuesTheControllingOwnersKey() throws Exception {
    try (InformerFactory informers = new InformerFactory(client)) {
      Controller controller =
          Controller.builder("replicaset-test", recording())
              .waitForSync(informers.informerFor(Pod.class))
              .build();
      informers
          .informerFor(Pod.class)
          .addEventHandler(controller.enqueueOwnerHandler("ReplicaSet"));
      informers.start();
      controller.start();

      client.pods().inNamespace("ns").resource(pod("orphan", null)).create();
      client.pods().inNamespace("ns").resource(pod("owned-by-job", "Job")).create();
      client.pods().inNamespace("ns").resource(pod("web-1", "ReplicaSet")).create();

      await().atMost(WAIT).until(() -> reconciled.contains("ns/owner-of-web-1"));
      assertThat(reconciled).containsOnly("ns/owner-of-web-1");
      controller.close();
    }
  }

  @Test
  void workersStartOnlyAfterCachesSynced() throws Exception {
    AtomicBoolean synced = new AtomicBoolean();
    Controller controller =
        Controller.builder("gated", recording()).waitForSync(synced::get).build();
    controller.enqueueKey("ns/a");
    controller.start();

    assertThat(controller.workersStarted()).isFalse();
    assertThat(controller.queue().len()).as("the key waits in the queue").isEqualTo(1);
    assertThat(reconciled).isEmpty();

    synced.set(true);
    await().atMost(WAIT).until(() -> reconciled.contains("ns/a"));
    assertThat(controller.workersStarted()).isTrue();
    controller.close();
    assertThat(controller.awaitTermination(WAIT)).isTrue();
  }

  @Test
  void failingKeyIsRetriedWithBackoffAndForgottenOnSuccess() throws Exception {
    FakeClock clock = new FakeClock();
    AtomicInteger attempts = new AtomicInteger();
    Controller controller =
        Controller.builder(
                "flaky",
                key -> {
                  if (attempts.incrementAndGet() <= 2) {
                    throw new IllegalStateException("conflict");
                  }
                  return Result.DONE;
                })
            .clock(clock)
            .build();
    controller.start();
    controller.enqueueKey("ns/a");

    await().atMost(WAIT).until(() -> attempts.get() == 1 && clock.hasWaiters());
    assertThat(controller.queue().numRequeues("ns/a")).isEqualTo(1);
    clock.step(Duration.ofMillis(4));
    assertThat(attempts.get()).as("5 ms backoff not over").isEqualTo(1);
    clock.step(Duration.ofMillis(1));
    await().atMost(WAIT).until(() -> attempts.get() == 2 && clock.hasWaiters());
    clock.step(Duration.ofMillis(10)); // second failure doubled the backoff
    await().atMost(WAIT).until(() -> attempts.get() == 3);
    await().atMost(WAIT).until(() -> controller.queue().numRequeues("ns/a") == 0);
    controller.close();
  }

  @Test
  void keyIsDroppedAfterMaxRetries() throws Exception {
    FakeClock clock = new FakeClock();
    AtomicInteger attempts = new AtomicInteger();
    Controller controller =
        Controller.builder(
                "hopeless",
                key -> {
                  attempts.incrementAndGet();
                  throw new IllegalStateException("always");
                })
            .clock(clock)
            .maxRetries(1)
            .build();
    controller.start();
    controller.enqueueKey("ns/a");

    await().atMost(WAIT).until(() -> attempts.get() == 1 && clock.hasWaiters());
    clock.step(Duration.ofMillis(5));
    await().atMost(WAIT).until(() -> attempts.get() == 2);
    await().atMost(WAIT).until(() -> controller.queue().numRequeues("ns/a") == 0);
    assertThat(clock.hasWaiters()).as("not retried again").isFalse();
    controller.close();
  }

  @Test
  void resultCanAskForAnotherReconcileLater() throws Exception {
    FakeClock clock = new FakeClock();
    Controller controller =
        Controller.builder(
                "cron-like",
                key -> {
                  reconciled.add(key);
                  return reconciled.size() == 1
                      ? Result.requeueAfter(Duration.ofMinutes(1))
                      : Result.DONE;
                })
            .clock(clock)
            .build();
    controller.start();
    controller.enqueueKey("ns/cron");

    await().atMost(WAIT).until(() -> reconciled.size() == 1 && clock.hasWaiters());
    clock.step(Duration.ofSeconds(59));
    assertThat(reconciled).hasSize(1);
    clock.step(Duration.ofSeconds(1));
    await().atMost(WAIT).until(() -> reconciled.size() == 2);
    controller.close();
  }

  private Reconciler recording() {
    return key -> {
      reconciled.add(key);
      return Result.DONE;
    };
  }

  private static ConfigMap configMap(String name) {
    return new ConfigMapBuilder()
        .withNewMetadata()
        .withNamespace("ns")
        .withName(name)
        .endMetadata()
        .build();
  }

  private static Pod pod(String name, String ownerKind) {
    PodBuilder pod =
        new PodBuilder().withNewMetadata().withNamespace("ns").withName(name).endMetadata();
    if (ownerKind != null) {
      pod.editMetadata()
          .addNewOwnerReference()
          .withApiVersion("apps/v1")
          .withKind(ownerKind)
          .withName("owner-of-" + name)
          .withUid("uid-" + name)
          .withController(true)
          .endOwnerReference()
          .endMetadata();
    }
    return pod.build();
  }
}
