package dev.kvx.bench.apiserver;

import dev.kvx.apiserver.ApiServer;
import dev.kvx.apiserver.ApiServerOptions;
import dev.kvx.apiserver.storage.etcd.LocalEtcd;
import dev.kvx.bench.CpuMeter;
import dev.kvx.bench.Figure;
import dev.kvx.bench.Latencies;
import dev.kvx.bench.WorkDirs;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalTime;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code ./kvx bench apiserver}: the API server's write and read throughput and its LIST latency,
 * next to the same etcd driven directly through jetcd, all measured in one run on one machine:
 *
 * <ol>
 *   <li>starts a throwaway etcd ({@link LocalEtcd});
 *   <li>baseline: jetcd puts/s and single-key ranges/s of ConfigMap-sized values, and the latency
 *       of a range over all of them;
 *   <li>for each API server store (etcd, embedded): ConfigMap creates/s (POST), gets/s, and the
 *       latency of a full LIST and of a {@code limit=500} first page, over HTTPS with the admin
 *       kubeconfig's client certificate.
 * </ol>
 *
 * Next to each rate it prints the CPU one operation costs this JVM and etcd together ({@code
 * *_cpu_us}; for writes also etcd's part, {@code *_etcd_cpu_us}): on a shared machine the rates
 * move with the neighbours' load, the CPU per operation much less.
 *
 * <p>Both sides run with the same number of requests in flight and are warmed up first (JIT). The
 * client runs in this JVM on its own Vert.x instance, so it competes with the server for the same
 * cores, as jetcd's client does in the baseline; its CPU is part of both sides' {@code *_cpu_us}.
 */
@Command(
    name = "apiserver",
    description = "API server creates/s, gets/s and LIST latency next to raw etcd through jetcd.")
public final class ApiServerBench implements Callable<Integer> {

  static final String NAME = "apiserver";

  /** Which API server storage backends to measure. */
  enum Stores {
    ETCD,
    EMBEDDED,
    BOTH
  }

  @Option(
      names = {"-h", "--help"},
      usageHelp = true,
      description = "Show this help and exit.")
  boolean help;

  @Option(
      names = "--objects",
      defaultValue = "10000",
      description = "Objects written, read and listed (default ${DEFAULT-VALUE}).")
  int objects;

  @Option(
      names = "--concurrency",
      defaultValue = "64",
      description = "Requests in flight (default ${DEFAULT-VALUE}).")
  int concurrency;

  @Option(
      names = "--store",
      defaultValue = "both",
      description = "API server storage: etcd, embedded or both (default ${DEFAULT-VALUE}).")
  Stores store;

  @Option(
      names = "--list-samples",
      defaultValue = "50",
      description = "LIST requests timed per list figure (default ${DEFAULT-VALUE}).")
  int listSamples;

  @Option(
      names = "--warmup",
      defaultValue = "2000",
      description =
          "Writes and reads before each measurement, to warm up the JIT (default"
              + " ${DEFAULT-VALUE}).")
  int warmup;

  private final PrintStream out = System.out;

  /** Every figure printed so far, by name; API figures look up their baselines here. */
  private final Map<String, Figure> baselines = new HashMap<>();

  private CpuMeter cpu;

  @Override
  public Integer call() throws Exception {
    if (objects < 1 || concurrency < 1 || listSamples < 1 || warmup < 1) {
      throw new IllegalArgumentException(
          "--objects, --concurrency, --list-samples and --warmup must be positive");
    }
    Vertx serverVertx = Vertx.vertx();
    // The client's own event loops: client work never queues behind the server's on one thread.
    Vertx clientVertx = Vertx.vertx();
    progress("starting etcd");
    try (LocalEtcd etcd = LocalEtcd.start()) {
      cpu = CpuMeter.jvmAnd(etcd.pid());
      measureEtcd(etcd.clientUrl());
      if (store != Stores.EMBEDDED) {
        measureApi("etcd", List.of(etcd.clientUrl()), serverVertx, clientVertx);
      }
      if (store != Stores.ETCD) {
        measureApi("embedded", List.of(), serverVertx, clientVertx);
      }
    } finally {
      clientVertx.close().await();
      serverVertx.close().await();
    }
    return 0;
  }

  private void measureEtcd(String endpoint) throws InterruptedException {
    byte[][] values = new byte[objects][];
    for (int i = 0; i < objects; i++) {
      values[i] = ConfigMaps.stored("bench", i);
    }
    print(Figure.of(NAME, null, "object_bytes", values[objects / 2].length, "B"));
    try (EtcdBaseline etcd = new EtcdBaseline(endpoint)) {
      progress("etcd baseline: warm-up");
      byte[][] warm = Arrays.copyOf(values, Math.min(warmup, objects));
      etcd.puts("/kvx-bench/warmup", warm, concurrency);
      etcd.ranges("/kvx-bench/warmup", warm.length, concurrency);
      etcd.lists("/kvx-bench/warmup", 0, warm.length, 3);

      progress("etcd baseline: " + objects + " puts, " + concurrency + " in flight");
      String prefix = "/kvx-bench/configmaps";
      throughput(null, "etcd_puts", true, null, () -> etcd.puts(prefix, values, concurrency));
      throughput(null, "etcd_ranges", false, null, () -> etcd.ranges(prefix, objects, concurrency));
      progress("etcd baseline: lists");
      latency(null, "etcd_list", etcd.lists(prefix, 0, objects, listSamples));
      int pageSize = Math.min(500, objects);
      latency(null, "etcd_list_limit500", etcd.lists(prefix, pageSize, pageSize, listSamples));
    }
  }

  private void measureApi(
      String storeName, List<String> etcdServers, Vertx serverVertx, Vertx clientVertx)
      throws Exception {
    Path dataDir = Files.createTempDirectory("kvx-bench-apiserver-");
    try {
      progress("API server on " + storeName + ": starting");
      ApiServerOptions options =
          new ApiServerOptions(dataDir, etcdServers, 0, "127.0.0.1", false, null);
      ApiServer server = ApiServer.start(serverVertx, options).await();
      try (AdminClient client =
          AdminClient.fromKubeconfig(clientVertx, server.kubeconfig(), concurrency)) {
        ApiLoad load = new ApiLoad(client, concurrency);
        progress("API server on " + storeName + ": connecting and warm-up");
        load.openConnections();
        load.createNamespace("bench-warmup");
        int warm = Math.min(warmup, objects);
        load.creates("bench-warmup", warm);
        load.gets("bench-warmup", warm);
        load.lists("bench-warmup", 0, warm, 3);

        progress(
            "API server on "
                + storeName
                + ": "
                + objects
                + " creates, "
                + concurrency
                + " in flight");
        load.createNamespace("bench");
        boolean onEtcd = !etcdServers.isEmpty();
        MeterRegistry metrics = server.meterRegistry();
        throughput(
            storeName,
            "creates",
            onEtcd,
            new ServerTimings(metrics, "POST", "create"),
            () -> load.creates("bench", objects));
        throughput(
            storeName,
            "gets",
            false,
            new ServerTimings(metrics, "GET", "get"),
            () -> load.gets("bench", objects));
        progress(
            "API server on "
                + storeName
                + ": lists ("
                + client.connectionsOpened()
                + " connections opened so far)");
        latency(storeName, "list", load.lists("bench", 0, objects, listSamples));
        int pageSize = Math.min(500, objects);
        latency(storeName, "list_limit500", load.lists("bench", pageSize, pageSize, listSamples));
      } finally {
        server.close().await();
      }
    } finally {
      WorkDirs.deleteRecursively(dataDir);
    }
  }

  /** A load that returns its operations per second. */
  private interface Load {
    double run() throws InterruptedException;
  }

  /**
   * Runs {@code load} ({@code objects} operations, {@code concurrency} in flight) and prints:
   * {@code NAME_per_s}; {@code NAME_mean_ms}, the mean latency a client sees (by Little's law);
   * {@code NAME_cpu_us}, CPU of this JVM and etcd per operation, and with {@code etcdShare} also
   * {@code NAME_etcd_cpu_us}, etcd's part alone; with {@code server} timings, {@code
   * NAME_server_mean_ms} and {@code NAME_storage_mean_ms}, the mean time in the API server's
   * handlers and in its storage calls.
   */
  private void throughput(
      String storeName, String name, boolean etcdShare, ServerTimings server, Load load)
      throws InterruptedException {
    ServerTimings.Snapshot before = server == null ? null : server.snapshot();
    CpuMeter.Span span = cpu.start();
    double rate = load.run();
    CpuMeter.Used used = span.stop();
    print(figure(storeName, name + "_per_s", rate, "1/s"));
    print(figure(storeName, name + "_mean_ms", concurrency * 1000.0 / rate, "ms"));
    print(figure(storeName, name + "_cpu_us", used.totalMicrosPer(objects), "us"));
    if (etcdShare) {
      print(figure(storeName, name + "_etcd_cpu_us", used.otherMicrosPer(objects), "us"));
    }
    if (server != null) {
      ServerTimings.Snapshot after = server.snapshot();
      print(
          figure(
              storeName,
              name + "_server_mean_ms",
              after.requests().meanMillisSince(before.requests()),
              "ms"));
      print(
          figure(
              storeName,
              name + "_storage_mean_ms",
              after.storage().meanMillisSince(before.storage()),
              "ms"));
    }
  }

  private void latency(String storeName, String name, Latencies samples) {
    print(figure(storeName, name + "_p50_ms", samples.percentileMillis(50), "ms"));
    print(figure(storeName, name + "_p99_ms", samples.percentileMillis(99), "ms"));
  }

  /**
   * A figure; an API server figure ({@code storeName} set) is compared with the etcd baseline of
   * the same measure: creates with puts, gets with ranges, a list with a range over the prefix.
   */
  private Figure figure(String storeName, String name, double value, String unit) {
    Figure f = Figure.of(NAME, storeName, name, value, unit);
    if (storeName == null) {
      baselines.put(name, f);
      return f;
    }
    // The storage call and the whole server request are both set against etcd's own latency.
    String baseline =
        "etcd_"
            + name.replace("creates", "puts")
                .replace("gets", "ranges")
                .replace("_server_", "_")
                .replace("_storage_", "_");
    Figure b = baselines.get(baseline);
    return b == null ? f : f.against(b);
  }

  private Figure print(Figure figure) {
    out.println(figure.toJson());
    out.flush();
    return figure;
  }

  private static void progress(String message) {
    System.err.println(
        LocalTime.now().truncatedTo(ChronoUnit.MILLIS) + " kvx bench apiserver: " + message);
  }
}
