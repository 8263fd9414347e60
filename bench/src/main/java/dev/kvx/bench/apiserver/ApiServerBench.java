package dev.kvx.bench.apiserver;

import dev.kvx.apiserver.ApiServer;
import dev.kvx.apiserver.ApiServerOptions;
import dev.kvx.apiserver.storage.etcd.LocalEtcd;
import dev.kvx.bench.Figure;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
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
 * Both sides run with the same number of requests in flight and are warmed up first (JIT). The
 * client runs in this JVM on its own Vert.x instance, so it competes with the server for the same
 * cores, as jetcd's client does in the baseline.
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
      defaultValue = "1000",
      description =
          "Writes and reads before each measurement, to warm up the JIT (default"
              + " ${DEFAULT-VALUE}).")
  int warmup;

  private final PrintStream out = System.out;

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
      Baselines base = measureEtcd(etcd.clientUrl());
      if (store != Stores.EMBEDDED) {
        measureApi("etcd", List.of(etcd.clientUrl()), serverVertx, clientVertx, base);
      }
      if (store != Stores.ETCD) {
        measureApi("embedded", List.of(), serverVertx, clientVertx, base);
      }
    } finally {
      clientVertx.close().await();
      serverVertx.close().await();
    }
    return 0;
  }

  /** The raw etcd figures every API figure is compared with. */
  private record Baselines(
      Figure puts, Figure ranges, Figure listP50, Figure listP99, Figure pageP50, Figure pageP99) {}

  private Baselines measureEtcd(String endpoint) throws InterruptedException {
    byte[][] values = new byte[objects][];
    for (int i = 0; i < objects; i++) {
      values[i] = ConfigMaps.stored("bench", i);
    }
    print(Figure.of(NAME, null, "object_bytes", values[objects / 2].length, "B"));
    try (EtcdBaseline etcd = new EtcdBaseline(endpoint)) {
      progress("etcd baseline: warm-up");
      byte[][] warm = new byte[Math.min(warmup, objects)][];
      System.arraycopy(values, 0, warm, 0, warm.length);
      etcd.puts("/kvx-bench/warmup", warm, concurrency);
      etcd.ranges("/kvx-bench/warmup", warm.length, concurrency);
      etcd.lists("/kvx-bench/warmup", 0, warm.length, 3);

      progress("etcd baseline: " + objects + " puts, " + concurrency + " in flight");
      String prefix = "/kvx-bench/configmaps";
      Figure puts =
          print(
              Figure.of(
                  NAME, null, "etcd_puts_per_s", etcd.puts(prefix, values, concurrency), "1/s"));
      Figure ranges =
          print(
              Figure.of(
                  NAME,
                  null,
                  "etcd_ranges_per_s",
                  etcd.ranges(prefix, objects, concurrency),
                  "1/s"));
      var all = etcd.lists(prefix, 0, objects, listSamples);
      Figure listP50 =
          print(Figure.of(NAME, null, "etcd_list_p50_ms", all.percentileMillis(50), "ms"));
      Figure listP99 =
          print(Figure.of(NAME, null, "etcd_list_p99_ms", all.percentileMillis(99), "ms"));
      int pageSize = Math.min(500, objects);
      var page = etcd.lists(prefix, pageSize, pageSize, listSamples);
      Figure pageP50 =
          print(
              Figure.of(NAME, null, "etcd_list_limit500_p50_ms", page.percentileMillis(50), "ms"));
      Figure pageP99 =
          print(
              Figure.of(NAME, null, "etcd_list_limit500_p99_ms", page.percentileMillis(99), "ms"));
      return new Baselines(puts, ranges, listP50, listP99, pageP50, pageP99);
    }
  }

  private void measureApi(
      String storeName,
      List<String> etcdServers,
      Vertx serverVertx,
      Vertx clientVertx,
      Baselines base)
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
        progress("API server on " + storeName + ": warm-up");
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
        List<Figure> figures = new ArrayList<>();
        figures.add(
            Figure.of(NAME, storeName, "creates_per_s", load.creates("bench", objects), "1/s")
                .against(base.puts()));
        figures.add(
            Figure.of(NAME, storeName, "gets_per_s", load.gets("bench", objects), "1/s")
                .against(base.ranges()));
        var all = load.lists("bench", 0, objects, listSamples);
        figures.add(
            Figure.of(NAME, storeName, "list_p50_ms", all.percentileMillis(50), "ms")
                .against(base.listP50()));
        figures.add(
            Figure.of(NAME, storeName, "list_p99_ms", all.percentileMillis(99), "ms")
                .against(base.listP99()));
        int pageSize = Math.min(500, objects);
        var page = load.lists("bench", pageSize, pageSize, listSamples);
        figures.add(
            Figure.of(NAME, storeName, "list_limit500_p50_ms", page.percentileMillis(50), "ms")
                .against(base.pageP50()));
        figures.add(
            Figure.of(NAME, storeName, "list_limit500_p99_ms", page.percentileMillis(99), "ms")
                .against(base.pageP99()));
        figures.forEach(this::print);
      } finally {
        server.close().await();
      }
    } finally {
      deleteRecursively(dataDir);
    }
  }

  private Figure print(Figure figure) {
    out.println(figure.toJson());
    out.flush();
    return figure;
  }

  private static void progress(String message) {
    System.err.println("kvx bench apiserver: " + message);
  }

  private static void deleteRecursively(Path dir) throws IOException {
    try (Stream<Path> files = Files.walk(dir)) {
      for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }
}
