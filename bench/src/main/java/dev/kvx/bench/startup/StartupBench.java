package dev.kvx.bench.startup;

import dev.kvx.apiserver.ApiServer;
import dev.kvx.apiserver.ApiServerOptions;
import dev.kvx.bench.Figure;
import dev.kvx.bench.Latencies;
import dev.kvx.bench.WorkDirs;
import dev.kvx.component.KubeClients;
import dev.kvx.launcher.cluster.DockerEngine;
import dev.kvx.launcher.cluster.LocalCluster;
import dev.kvx.launcher.up.ClusterFiles;
import dev.kvx.launcher.up.ClusterJvm;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code ./kvx bench startup}: how long a user waits for a cluster, and for pods on it.
 *
 * <ul>
 *   <li>{@code up_simulated_1_node_s}, {@code up_simulated_3_nodes_s}, {@code up_docker_1_node_s}:
 *       the wall time of {@code kvx up} (a fresh JVM that starts the cluster in a second, detached
 *       one and returns once every node is Ready) next to {@code apiserver_cold_start_s}, a fresh
 *       JVM running the bare {@code kvx apiserver} until it serves — the floor of any start; and
 *       as {@code …_cpu_s} the CPU time the cluster process (resp. the API server's) had used by
 *       then, a figure that depends less on what else runs on the machine.
 *   <li>{@code in_jvm_simulated_1_node_s}: a {@link LocalCluster} started in a warm JVM, what the
 *       JUnit extension costs a test class, next to {@code in_jvm_apiserver_start_s}, the bare API
 *       server started in the same JVM.
 *   <li>{@code pod_startup_p50_ms}, {@code pod_startup_p99_ms}: creation to Running of N pods created
 *       at once from the local image on the Docker cluster of {@code kvx up}, next to {@code
 *       docker_run_p50_ms}/{@code docker_run_p99_ms}, N containers of the same image created and
 *       started at once straight through the engine.
 * </ul>
 *
 * Each start figure is the median of {@code --rounds} starts, every one with the class-data archive
 * that {@code kvx up} keeps after a user's first start (an unmeasured start writes it when missing),
 * and the baseline runs in the same JVM configuration. Docker figures need a Docker engine
 * with the image kvx/busybox:latest; without one they are left out, with a note on stderr.
 */
@Command(
    name = "startup",
    description = "Time from kvx up to all nodes Ready, and pod startup p50/p99 on real containers.")
public final class StartupBench implements Callable<Integer> {
  static final String NAME = "startup";
  static final Duration START_TIMEOUT = Duration.ofMinutes(4);

  @Spec CommandSpec spec;

  @Option(names = "--rounds", description = "Starts per figure; the median is reported (default: ${DEFAULT-VALUE}).")
  int rounds = 3;

  @Option(names = "--pods", description = "Pods created at once for pod startup (default: ${DEFAULT-VALUE}).")
  int pods = 20;

  @Option(
      names = "--docker",
      negatable = true,
      description = "Measure the Docker runtime (default: when an engine with the image answers).")
  Boolean docker;

  private final PrintStream out = System.out;

  @Override
  public Integer call() throws Exception {
    if (rounds < 1 || pods < 1) {
      throw new ParameterException(spec.commandLine(), "--rounds and --pods must be at least 1");
    }
    Path work = Files.createTempDirectory("kvx-bench-startup-");
    try {
      if (!ClusterJvm.hasArchive(ChildJvm.classPath())) {
        // Only a user's very first kvx up runs without the class-data archive (its kvx down keeps
        // one): an unmeasured round writes it, so the figures are those of every later start.
        progress("first kvx up: writing the class-data archive (not measured)");
        upCold(work, "simulated", 1, false);
        if (!ClusterJvm.hasArchive(ChildJvm.classPath())) {
          progress("no class-data archive was written: the figures are without one");
        }
      }
      Sample apiCold = median(rounds, () -> apiServerColdStart(work));
      emit(figure("apiserver_cold_start_s", apiCold.wall()));
      emit(figure("apiserver_cold_start_cpu_s", apiCold.cpu()));
      emitUp("up_simulated_1_node", median(rounds, () -> upCold(work, "simulated", 1, false)), apiCold);
      emitUp("up_simulated_3_nodes", median(rounds, () -> upCold(work, "simulated", 3, false)), apiCold);
      inJvm();
      Optional<String> dockerProblem = DockerEngine.problem(null, LocalCluster.DEFAULT_SANDBOX_IMAGE);
      boolean measureDocker = docker != null ? docker : dockerProblem.isEmpty();
      if (measureDocker && dockerProblem.isPresent()) {
        throw new ParameterException(spec.commandLine(), "--docker: " + dockerProblem.get());
      }
      if (measureDocker) {
        if (rounds > 1) {
          emitUp("up_docker_1_node", median(rounds - 1, () -> upCold(work, "docker", 1, false)), apiCold);
        }
        // The last round keeps its cluster for the pods.
        Sample last = upCold(work, "docker", 1, true);
        if (rounds == 1) {
          emitUp("up_docker_1_node", last, apiCold);
        }
      } else {
        System.err.println("bench startup: no Docker figures (" + dockerProblem.orElse("--no-docker") + ")");
      }
      return 0;
    } finally {
      WorkDirs.deleteRecursively(work);
    }
  }

  /** One cold {@code kvx apiserver} start on a fresh data dir. */
  private Sample apiServerColdStart(Path work) throws Exception {
    Path dir = Files.createTempDirectory(work, "apiserver-");
    progress("cold kvx apiserver");
    ChildJvm.Started s =
        ChildJvm.startUntilLine(
            List.of("apiserver", "--secure-port=0", "--data-dir=" + dir),
            "kvx apiserver: serving on",
            START_TIMEOUT);
    s.stop();
    return new Sample(s.seconds(), s.cpuSeconds());
  }

  /**
   * One {@code kvx up} on a fresh data dir: its wall time, and the CPU time of the cluster process
   * until ready (from its cluster.json); stops it after ({@code kvx down --purge}), with {@code
   * measurePods} after measuring pod startup on it.
   */
  private Sample upCold(Path work, String runtime, int nodes, boolean measurePods) throws Exception {
    Path dir = Files.createTempDirectory(work, "up-");
    Path log = work.resolve("kvx-up.log");
    String prefix = "bench-" + UUID.randomUUID().toString().substring(0, 6);
    progress("kvx up --runtime=" + runtime + " --nodes=" + nodes);
    try {
      double seconds =
          ChildJvm.runToCompletion(
              List.of("up", "--runtime=" + runtime, "--nodes=" + nodes, "--port=0",
                  "--scheduler-port=0", "--controller-manager-port=0",
                  "--node-name-prefix=" + prefix, "--data-dir=" + dir),
              log,
              START_TIMEOUT);
      double cpu =
          new ClusterFiles(dir).readState().map(st -> st.readyCpuMillis() / 1e3).orElse(Double.NaN);
      if (measurePods) {
        podStartup(dir.resolve("kubeconfig"));
      }
      return new Sample(seconds, cpu);
    } finally {
      ChildJvm.runToCompletion(List.of("down", "--purge", "--data-dir=" + dir), log, START_TIMEOUT);
    }
  }

  private void podStartup(Path kubeconfig) throws Exception {
    progress("docker run ×" + pods + " at once");
    Latencies run = DockerRunBaseline.measure(LocalCluster.DEFAULT_SANDBOX_IMAGE, pods);
    progress(pods + " pods at once");
    Latencies started;
    try (KubernetesClient client = KubeClients.fromKubeconfig(kubeconfig, "kvx-bench-startup")) {
      started = PodStartup.measure(client, "bench-startup", LocalCluster.DEFAULT_SANDBOX_IMAGE, pods,
          START_TIMEOUT);
    }
    Figure run50 = Figure.of(NAME, null, "docker_run_p50_ms", run.percentileMillis(50), "ms");
    Figure run99 = Figure.of(NAME, null, "docker_run_p99_ms", run.percentileMillis(99), "ms");
    emit(run50);
    emit(run99);
    emit(Figure.of(NAME, null, "pod_startup_p50_ms", started.percentileMillis(50), "ms").against(run50));
    emit(Figure.of(NAME, null, "pod_startup_p99_ms", started.percentileMillis(99), "ms").against(run99));
  }

  /** Warm starts in this JVM, after one unmeasured round of each to load the classes. */
  private void inJvm() throws Exception {
    progress("in-JVM starts");
    Vertx vertx = Vertx.vertx();
    try {
      Path dir = Files.createTempDirectory("kvx-bench-apiserver-");
      try {
        apiServerWarm(vertx, dir);
        Figure api =
            figure("in_jvm_apiserver_start_s", median(rounds, () -> apiServerWarm(vertx, dir)).wall());
        clusterWarm();
        Figure cluster =
            figure("in_jvm_simulated_1_node_s", median(rounds, this::clusterWarm).wall());
        emit(api);
        emit(cluster.against(api));
      } finally {
        WorkDirs.deleteRecursively(dir);
      }
    } finally {
      vertx.close().await();
    }
  }

  private Sample apiServerWarm(Vertx vertx, Path dir) {
    long t0 = System.nanoTime();
    ApiServer server = ApiServer.start(vertx, ApiServerOptions.forTest(dir)).await();
    double seconds = (System.nanoTime() - t0) / 1e9;
    server.close().await();
    return new Sample(seconds, Double.NaN);
  }

  private Sample clusterWarm() {
    long t0 = System.nanoTime();
    LocalCluster cluster = LocalCluster.builder().startAndWait();
    double seconds = (System.nanoTime() - t0) / 1e9;
    cluster.close();
    return new Sample(seconds, Double.NaN);
  }

  /** The wall time of a kvx up next to the bare API server's, and the same for CPU time. */
  private void emitUp(String name, Sample up, Sample apiServer) {
    emit(figure(name + "_s", up.wall()).against(figure("apiserver_cold_start_s", apiServer.wall())));
    emit(
        figure(name + "_cpu_s", up.cpu())
            .against(figure("apiserver_cold_start_cpu_s", apiServer.cpu())));
  }

  private Figure figure(String name, double seconds) {
    return Figure.of(NAME, null, name, seconds, "s");
  }

  private void emit(Figure f) {
    out.println(f.toJson());
    out.flush();
  }

  private static void progress(String message) {
    System.err.println("bench startup: " + message);
  }

  /** One start: its wall time and its process' CPU time until ready (NaN: not measured). */
  private record Sample(double wall, double cpu) {}

  /** One measurement. */
  private interface Round {
    Sample run() throws Exception;
  }

  /** The median wall time and, separately, the median CPU time of {@code rounds} runs. */
  private static Sample median(int rounds, Round round) throws Exception {
    double[] walls = new double[rounds];
    double[] cpus = new double[rounds];
    for (int i = 0; i < rounds; i++) {
      Sample s = round.run();
      walls[i] = s.wall();
      cpus[i] = s.cpu();
    }
    Arrays.sort(walls);
    Arrays.sort(cpus);
    return new Sample(walls[(rounds - 1) / 2], cpus[(rounds - 1) / 2]);
  }
}
