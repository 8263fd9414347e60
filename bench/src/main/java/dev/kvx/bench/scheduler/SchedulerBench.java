package dev.kvx.bench.scheduler;

import dev.kvx.apiserver.ApiServer;
import dev.kvx.apiserver.ApiServerOptions;
import dev.kvx.bench.BenchmarkFailure;
import dev.kvx.bench.BoundedLoad;
import dev.kvx.bench.Figure;
import dev.kvx.bench.WorkDirs;
import dev.kvx.component.KubeClients;
import dev.kvx.scheduler.KubeScheduler;
import dev.kvx.scheduler.SchedulerOptions;
import dev.kvx.scheduler.queue.SchedulingQueue.QueueName;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.http.HttpClient;
import io.fabric8.kubernetes.client.http.HttpRequest;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalTime;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code ./kvx bench scheduler}: scheduling throughput modelled on upstream's scheduler_perf. For
 * each workload, in one JVM: an in-memory API server, N fake nodes (4 CPUs, 32 GiB, 110 pods, three
 * zones, nothing runs on them), the kvx scheduler as a client of that API server, then initial pods
 * and measured pods created through the API with a fixed number of requests in flight.
 *
 * <p>Figures per workload: {@code <workload>_pods_per_s} (measured pods over the time from their
 * first create to their last bind), next to {@code <workload>_pod_creates_per_s} (how fast the same
 * run could create them: the scheduler cannot bind faster than pods arrive); and the p50, p90 and
 * p99 of the per-second samples of bound pods, as scheduler_perf reports them.
 *
 * <p>With {@code --backlog} (the default) the same number of pods is then queued while the
 * scheduling loop is paused and {@code <workload>_backlog_pods_per_s} is how fast the scheduler
 * binds them once it runs, when pod creation is not the limit; {@code
 * <workload>_backlog_decisions_per_s} is how fast it took them off its queue and assumed them on
 * nodes (binds still in flight), its pace without the API server's.
 *
 * <p>Workloads: SchedulingBasic (pods requesting 100m/500Mi), NodeAffinity (required affinity to
 * two of three zones), TopologySpread (maxSkew 1 over zones, DoNotSchedule) and Unschedulable (the
 * initial pods fit nowhere and stay pending while the measured ones are scheduled).
 */
@Command(
    name = "scheduler",
    description = "Scheduling throughput (pods/s) on fake nodes, as scheduler_perf.")
public final class SchedulerBench implements Callable<Integer> {
  static final String NAME = "scheduler";
  static final String NAMESPACE = "bench";

  /** The scheduler_perf workloads kvx runs. */
  enum Workload {
    SchedulingBasic,
    NodeAffinity,
    TopologySpread,
    Unschedulable
  }

  @Spec CommandSpec spec;

  @Option(
      names = {"-h", "--help"},
      usageHelp = true,
      description = "Show this help and exit.")
  boolean help;

  @Option(
      names = "--nodes",
      defaultValue = "5000",
      description = "Fake nodes (default ${DEFAULT-VALUE}).")
  int nodes;

  @Option(
      names = "--initial-pods",
      defaultValue = "1000",
      description = "Pods before the measurement (default ${DEFAULT-VALUE}).")
  int initialPods;

  @Option(
      names = "--measured-pods",
      defaultValue = "10000",
      description = "Pods measured (default ${DEFAULT-VALUE}).")
  int measuredPods;

  @Option(
      names = "--workload",
      defaultValue = "SchedulingBasic",
      split = ",",
      description =
          "Workloads, comma-separated: SchedulingBasic, NodeAffinity, TopologySpread, Unschedulable"
              + " or all (default ${DEFAULT-VALUE}).")
  List<String> workloads;

  @Option(
      names = "--concurrency",
      defaultValue = "64",
      description = "Creates in flight (default ${DEFAULT-VALUE}).")
  int concurrency;

  @Option(
      names = "--timeout",
      defaultValue = "900",
      description = "Seconds a workload may take (default ${DEFAULT-VALUE}).")
  int timeoutSeconds;

  @Option(
      names = "--backlog",
      negatable = true,
      defaultValue = "true",
      fallbackValue = "true",
      description =
          "Also measure a backlog: the measured number of pods queued while scheduling is paused,"
              + " then scheduled (default ${DEFAULT-VALUE}).")
  boolean backlog;

  private final PrintStream out = System.out;

  @Override
  public Integer call() throws Exception {
    if (nodes < 1 || initialPods < 0 || measuredPods < 1 || concurrency < 1) {
      throw new ParameterException(
          spec.commandLine(), "--nodes, --measured-pods and --concurrency must be positive");
    }
    List<Workload> selected = new ArrayList<>();
    for (String w : workloads) {
      if (w.equals("all")) {
        selected.addAll(List.of(Workload.values()));
      } else {
        try {
          selected.add(Workload.valueOf(w));
        } catch (IllegalArgumentException e) {
          throw new ParameterException(
              spec.commandLine(),
              "unknown workload '"
                  + w
                  + "'; one of "
                  + Arrays.toString(Workload.values())
                  + " or all");
        }
      }
    }
    for (Workload w : selected) {
      run(w);
    }
    return 0;
  }

  private void run(Workload workload) throws Exception {
    Path dir = Files.createTempDirectory("kvx-bench-scheduler");
    Vertx vertx = Vertx.vertx();
    ApiServer api = null;
    KubernetesClient client = null;
    KubeScheduler scheduler = null;
    SharedIndexInformer<Pod> informer = null;
    try {
      progress(workload + ": starting the API server");
      api = ApiServer.start(vertx, ApiServerOptions.forTest(dir)).await();
      client = KubeClients.fromKubeconfig(api.kubeconfig(), "kvx-bench-scheduler");
      Requests requests = new Requests(client);
      requests
          .post(
              "/api/v1/namespaces",
              "{\"apiVersion\":\"v1\",\"kind\":\"Namespace\",\"metadata\":{\"name\":\""
                  + NAMESPACE
                  + "\"}}")
          .get(60, TimeUnit.SECONDS);

      progress(workload + ": creating " + nodes + " nodes");
      double nodesPerS =
          BoundedLoad.run(
              nodes,
              concurrency,
              timeoutSeconds,
              TimeUnit.SECONDS,
              i -> requests.post("/api/v1/nodes", nodeJson(i)));
      Node probe = client.nodes().withName("node-0").get();
      if (probe.getStatus() == null
          || probe.getStatus().getAllocatable() == null
          || probe.getStatus().getAllocatable().isEmpty()) {
        progress(workload + ": setting node status (not kept on create)");
        BoundedLoad.run(
            nodes,
            concurrency,
            timeoutSeconds,
            TimeUnit.SECONDS,
            i ->
                requests.patch(
                    "/api/v1/nodes/node-" + i + "/status", "{" + nodeStatusJson() + "}"));
      }
      progress(
          workload
              + String.format(": %d nodes at %.0f/s; starting the scheduler", nodes, nodesPerS));

      ScheduledCounter counter = new ScheduledCounter();
      informer = client.pods().inNamespace(NAMESPACE).inform(counter);
      scheduler =
          KubeScheduler.start(
                  vertx,
                  SchedulerOptions.defaults(api.kubeconfig())
                      .withLeaderElect(false)
                      .withServing("127.0.0.1", 0, null, null))
              .await();
      KubeScheduler running = scheduler;
      awaitUntil(running::isScheduling, "the scheduler to start");

      if (initialPods > 0) {
        progress(workload + ": creating " + initialPods + " initial pods");
        BoundedLoad.run(
            initialPods,
            concurrency,
            timeoutSeconds,
            TimeUnit.SECONDS,
            i ->
                requests.post(
                    "/api/v1/namespaces/" + NAMESPACE + "/pods",
                    podJson(workload, "init-" + i, true)));
        if (workload == Workload.Unschedulable) {
          awaitUntil(
              () -> running.scheduler().queue().pendingPods(QueueName.UNSCHEDULABLE) >= initialPods,
              initialPods + " initial pods to be found unschedulable");
        } else {
          awaitUntil(
              () -> counter.scheduled() >= initialPods,
              initialPods + " initial pods to be scheduled");
        }
      }
      int base = counter.scheduled();

      progress(workload + ": creating and scheduling " + measuredPods + " measured pods");
      Sampler sampler = new Sampler(counter, base);
      long start = System.nanoTime();
      sampler.start();
      double createsPerS =
          BoundedLoad.run(
              measuredPods,
              concurrency,
              timeoutSeconds,
              TimeUnit.SECONDS,
              i ->
                  requests.post(
                      "/api/v1/namespaces/" + NAMESPACE + "/pods",
                      podJson(workload, "m-" + i, false)));
      awaitUntil(
          () -> counter.scheduled() >= base + measuredPods,
          measuredPods + " measured pods to be scheduled");
      long end = counter.lastScheduledNanos();
      sampler.stop();
      double podsPerS = measuredPods / ((end - start) / 1e9);

      Figure creates = Figure.of(NAME, null, workload + "_pod_creates_per_s", createsPerS, "1/s");
      emit(creates);
      emit(Figure.of(NAME, null, workload + "_pods_per_s", podsPerS, "1/s").against(creates));
      double[] samples = sampler.samples();
      for (int p : new int[] {50, 90, 99}) {
        emit(Figure.of(NAME, null, workload + "_pods_per_s_p" + p, percentile(samples, p), "1/s"));
      }

      if (backlog) {
        // The same number of pods again, all queued before the loop runs: how fast the scheduler
        // works through a backlog when pod creation is not the limit.
        progress(workload + ": queueing " + measuredPods + " backlog pods with scheduling paused");
        running.scheduler().stop();
        int before = counter.scheduled();
        BoundedLoad.run(
            measuredPods,
            concurrency,
            timeoutSeconds,
            TimeUnit.SECONDS,
            i ->
                requests.post(
                    "/api/v1/namespaces/" + NAMESPACE + "/pods",
                    podJson(workload, "b-" + i, false)));
        awaitUntil(
            () -> running.scheduler().queue().pendingPods(QueueName.ACTIVE) >= measuredPods,
            measuredPods + " backlog pods to be queued");
        progress(workload + ": scheduling the backlog");
        Sampler backlogSampler = new Sampler(counter, before);
        long backlogStart = System.nanoTime();
        backlogSampler.start();
        running.scheduler().start();
        awaitUntil(
            () -> running.scheduler().queue().pendingPods(QueueName.ACTIVE) == 0,
            "the backlog to leave the active queue");
        double decisionsPerS = measuredPods / ((System.nanoTime() - backlogStart) / 1e9);
        awaitUntil(
            () -> counter.scheduled() >= before + measuredPods,
            measuredPods + " backlog pods to be scheduled");
        long backlogEnd = counter.lastScheduledNanos();
        backlogSampler.stop();
        emit(
            Figure.of(
                NAME,
                null,
                workload + "_backlog_pods_per_s",
                measuredPods / ((backlogEnd - backlogStart) / 1e9),
                "1/s"));
        // Decisions: pods taken from the queue, filtered, scored and assumed on a node (binds may
        // still be in flight): the scheduler's own pace, without the API server's.
        emit(Figure.of(NAME, null, workload + "_backlog_decisions_per_s", decisionsPerS, "1/s"));
        double[] backlogSamples = backlogSampler.samples();
        for (int p : new int[] {50, 90, 99}) {
          emit(
              Figure.of(
                  NAME,
                  null,
                  workload + "_backlog_pods_per_s_p" + p,
                  percentile(backlogSamples, p),
                  "1/s"));
        }
      }
    } finally {
      if (informer != null) {
        informer.close();
      }
      if (scheduler != null) {
        scheduler.close().await();
      }
      if (client != null) {
        client.close();
      }
      if (api != null) {
        api.close().await();
      }
      vertx.close().await();
      WorkDirs.deleteRecursively(dir);
    }
  }

  private void awaitUntil(BooleanSupplier condition, String what) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(timeoutSeconds);
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new BenchmarkFailure(
            "timed out after " + timeoutSeconds + " s waiting for " + what, null);
      }
      Thread.sleep(20);
    }
  }

  static String nodeJson(int i) {
    return "{\"apiVersion\":\"v1\",\"kind\":\"Node\",\"metadata\":{\"name\":\"node-"
        + i
        + "\",\"labels\":{"
        + "\"kubernetes.io/hostname\":\"node-"
        + i
        + "\",\"topology.kubernetes.io/zone\":\"zone-"
        + (i % 3)
        + "\"}},"
        + nodeStatusJson()
        + "}";
  }

  static String nodeStatusJson() {
    String resources = "{\"cpu\":\"4\",\"memory\":\"32Gi\",\"pods\":\"110\"}";
    return "\"status\":{\"capacity\":"
        + resources
        + ",\"allocatable\":"
        + resources
        + ",\"conditions\":[{\"type\":\"Ready\",\"status\":\"True\"}]}";
  }

  /** A pod of {@code workload} (scheduler_perf's pod-default with the workload's twist). */
  static String podJson(Workload workload, String name, boolean initial) {
    String cpu = workload == Workload.Unschedulable && initial ? "9" : "100m";
    String labels = "{\"app\":\"bench\"}";
    String extra =
        switch (workload) {
          case NodeAffinity ->
              ",\"affinity\":{\"nodeAffinity\":{\"requiredDuringSchedulingIgnoredDuringExecution\":"
                  + "{\"nodeSelectorTerms\":[{\"matchExpressions\":[{\"key\":\"topology.kubernetes.io/zone\",\"operator\":\"In\","
                  + "\"values\":[\"zone-0\",\"zone-1\"]}]}]}}}";
          case TopologySpread ->
              ",\"topologySpreadConstraints\":[{\"maxSkew\":1,\"topologyKey\":\"topology.kubernetes.io/zone\","
                  + "\"whenUnsatisfiable\":\"DoNotSchedule\",\"labelSelector\":{\"matchLabels\":{\"app\":\"bench\"}}}]";
          default -> "";
        };
    return "{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"metadata\":{\"name\":\""
        + name
        + "\",\"namespace\":\""
        + NAMESPACE
        + "\",\"labels\":"
        + labels
        + "},\"spec\":{\"containers\":[{\"name\":\"pause\",\"image\":\"registry.k8s.io/pause:3.10\","
        + "\"resources\":{\"requests\":{\"cpu\":\""
        + cpu
        + "\",\"memory\":\"500Mi\"}}}]"
        + extra
        + "}}";
  }

  /** Nearest-rank percentile of per-second samples. */
  static double percentile(double[] samples, int p) {
    if (samples.length == 0) {
      return 0;
    }
    double[] sorted = samples.clone();
    Arrays.sort(sorted);
    int rank = (int) Math.ceil(p / 100.0 * sorted.length);
    return sorted[Math.max(0, rank - 1)];
  }

  private void emit(Figure f) {
    out.println(f.toJson());
    out.flush();
  }

  private static void progress(String message) {
    System.err.println(
        LocalTime.now().truncatedTo(ChronoUnit.SECONDS) + " bench scheduler: " + message);
  }

  /** Counts pods of the bench namespace that got a node, as the informer sees them. */
  static final class ScheduledCounter implements ResourceEventHandler<Pod> {
    private final AtomicInteger scheduled = new AtomicInteger();
    private volatile long lastScheduledNanos;

    @Override
    public void onAdd(Pod pod) {
      if (bound(pod)) {
        count();
      }
    }

    @Override
    public void onUpdate(Pod oldPod, Pod newPod) {
      if (!bound(oldPod) && bound(newPod)) {
        count();
      }
    }

    @Override
    public void onDelete(Pod pod, boolean deletedFinalStateUnknown) {}

    private void count() {
      lastScheduledNanos = System.nanoTime();
      scheduled.incrementAndGet();
    }

    int scheduled() {
      return scheduled.get();
    }

    long lastScheduledNanos() {
      return lastScheduledNanos;
    }

    private static boolean bound(Pod p) {
      return p.getSpec() != null
          && p.getSpec().getNodeName() != null
          && !p.getSpec().getNodeName().isEmpty();
    }
  }

  /** Bound pods per second, sampled every second as scheduler_perf's throughput collector does. */
  static final class Sampler {
    private final ScheduledCounter counter;
    private final List<Double> samples = new ArrayList<>();
    private final Thread thread;
    private volatile boolean running = true;

    Sampler(ScheduledCounter counter, int base) {
      this.counter = counter;
      this.thread =
          new Thread(
              () -> {
                int last = base;
                long next = System.nanoTime();
                while (running) {
                  next += TimeUnit.SECONDS.toNanos(1);
                  long wait = next - System.nanoTime();
                  if (wait > 0) {
                    try {
                      TimeUnit.NANOSECONDS.sleep(wait);
                    } catch (InterruptedException e) {
                      return;
                    }
                  }
                  int now = counter.scheduled();
                  synchronized (samples) {
                    if (running) {
                      samples.add((double) (now - last));
                    }
                  }
                  last = now;
                }
              },
              "bench-sampler");
      thread.setDaemon(true);
    }

    void start() {
      thread.start();
    }

    void stop() throws InterruptedException {
      running = false;
      thread.interrupt();
      thread.join();
    }

    double[] samples() {
      synchronized (samples) {
        return samples.stream().mapToDouble(Double::doubleValue).toArray();
      }
    }
  }

  /** Asynchronous JSON writes with the admin client's credentials (fabric8's HTTP client). */
  static final class Requests {
    private final HttpClient http;
    private final String base;

    Requests(KubernetesClient client) {
      this.http = client.getHttpClient();
      String master = client.getMasterUrl().toString();
      this.base = master.endsWith("/") ? master.substring(0, master.length() - 1) : master;
    }

    CompletableFuture<Void> post(String path, String json) {
      return send(
          http.newHttpRequestBuilder().uri(base + path).post("application/json", json).build());
    }

    CompletableFuture<Void> patch(String path, String json) {
      return send(
          http.newHttpRequestBuilder()
              .uri(base + path)
              .method("PATCH", "application/merge-patch+json", json)
              .build());
    }

    private CompletableFuture<Void> send(HttpRequest request) {
      return http.sendAsync(request, String.class)
          .thenApply(
              r -> {
                if (!r.isSuccessful()) {
                  throw new BenchmarkFailure(
                      request.method() + " " + request.uri() + ": " + r.code() + " " + r.body(),
                      null);
                }
                return null;
              });
    }
  }
}
