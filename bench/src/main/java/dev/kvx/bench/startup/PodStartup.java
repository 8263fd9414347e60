package dev.kvx.bench.startup;

import dev.kvx.bench.BenchmarkFailure;
import dev.kvx.bench.Latencies;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Pod startup latency as the Kubernetes SLO defines it (pod creation to Running observed through a
 * watch), for {@code count} pods created at once from a local image: each pod's time from just
 * before its create request to the first watch event showing it Running.
 */
final class PodStartup {

  private PodStartup() {}

  static Latencies measure(KubernetesClient client, String namespace, String image, int count,
      Duration timeout) throws InterruptedException {
    client.namespaces().resource(
        new NamespaceBuilder().withNewMetadata().withName(namespace).endMetadata().build()).create();
    Map<String, Long> created = new ConcurrentHashMap<>();
    Map<String, Long> running = new ConcurrentHashMap<>();
    CountDownLatch allRunning = new CountDownLatch(count);
    try (Watch ignored =
        client.pods().inNamespace(namespace).watch(new Watcher<>() {
          @Override
          public void eventReceived(Action action, Pod pod) {
            long now = System.nanoTime();
            if (pod.getStatus() != null && "Running".equals(pod.getStatus().getPhase())
                && running.putIfAbsent(pod.getMetadata().getName(), now) == null) {
              allRunning.countDown();
            }
          }

          @Override
          public void onClose(WatcherException cause) {}
        })) {
      for (int i = 0; i < count; i++) {
        String name = "startup-" + i;
        created.put(name, System.nanoTime());
        client.pods().inNamespace(namespace).resource(pod(name, image)).create();
      }
      if (!allRunning.await(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        throw new BenchmarkFailure(
            running.size() + " of " + count + " pods Running after " + timeout, null);
      }
    }
    Latencies latencies = new Latencies(count);
    created.forEach((name, t0) -> latencies.add(running.get(name) - t0));
    return latencies;
  }

  private static Pod pod(String name, String image) {
    return new PodBuilder()
        .withNewMetadata()
        .withName(name)
        .withLabels(Map.of("app", "startup"))
        .endMetadata()
        .withNewSpec()
        .withTerminationGracePeriodSeconds(0L)
        .addNewContainer()
        .withName("app")
        .withImage(image)
        .withImagePullPolicy("Never")
        .withCommand("sleep", "3600")
        .endContainer()
        .endSpec()
        .build();
  }
}
