package dev.kvx.bench.startup;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.command.CreateContainerResponse;
import dev.kvx.bench.BenchmarkFailure;
import dev.kvx.bench.Latencies;
import dev.kvx.kubelet.runtime.docker.DockerClients;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * The container-start floor pods are compared with: {@code docker run -d IMAGE sleep} (create and
 * start through the engine's API, as the kubelet-agent does) for {@code count} containers at once,
 * each timed from its create request to its start's reply. A pod needs two such containers (its
 * sandbox and its app), plus the API server, scheduler and agent round trips.
 */
final class DockerRunBaseline {

  static final String LABEL = "dev.kvx.bench";

  private DockerRunBaseline() {}

  static Latencies measure(String image, int count) throws Exception {
    ConcurrentLinkedQueue<String> ids = new ConcurrentLinkedQueue<>();
    Latencies latencies = new Latencies(count);
    ExecutorService threads = Executors.newFixedThreadPool(count);
    try (DockerClient docker = DockerClients.connect(null)) {
      List<Future<Long>> runs =
          java.util.stream.IntStream.range(0, count)
              .mapToObj(
                  i ->
                      threads.submit(
                          () -> {
                            long t0 = System.nanoTime();
                            CreateContainerResponse c =
                                docker
                                    .createContainerCmd(image)
                                    .withCmd("sleep", "3600")
                                    .withLabels(Map.of(LABEL, "startup"))
                                    .exec();
                            ids.add(c.getId());
                            docker.startContainerCmd(c.getId()).exec();
                            return System.nanoTime() - t0;
                          }))
              .toList();
      for (Future<Long> run : runs) {
        try {
          latencies.add(run.get(120, TimeUnit.SECONDS));
        } catch (java.util.concurrent.ExecutionException e) {
          throw new BenchmarkFailure("docker run failed: " + e.getCause(), e.getCause());
        }
      }
    } finally {
      threads.shutdownNow();
      try (DockerClient docker = DockerClients.connect(null)) {
        for (String id : ids) {
          try {
            docker.removeContainerCmd(id).withForce(true).exec();
          } catch (RuntimeException e) {
            // gone already
          }
        }
      }
    }
    return latencies;
  }
}
