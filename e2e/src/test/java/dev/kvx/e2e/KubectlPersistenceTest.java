package dev.kvx.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kvx.apiserver.storage.etcd.LocalEtcd;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * {@code ./kvx apiserver} stopped (SIGKILL or SIGTERM) and started again on the same data dir (or
 * etcd) and port loses no object that kubectl saw acknowledged: every create, update and delete
 * before the stop is there after it, with the same uid and resourceVersion, and revisions keep
 * counting up. Both kubectl releases write before each stop and read after it.
 */
class KubectlPersistenceTest {

  private static final KubectlBinary OLD = KubectlBinary.of("1.27");
  private static final KubectlBinary NEW = KubectlBinary.of("1.32");
  private static final String NS = "keep";
  private static final int BULK = 20;

  @TempDir Path dir;
  private final AtomicInteger kubectls = new AtomicInteger();

  @BeforeAll
  static void buildLauncher(@TempDir Path tmp) {
    KvxProcess.buildLauncher(tmp);
  }

  @Test
  void embeddedStoreSurvivesKill9AndSigterm() {
    try (Run run = new Run(List.of())) {
      Map<String, JsonNode> acknowledged = run.startAndWrite("a");
      run.kill();
      run.startAndVerify(acknowledged);
      acknowledged = run.write("b");
      run.sigterm();
      run.startAndVerify(acknowledged);
      run.sigterm();
    }
  }

  @Test
  void etcdSurvivesKill9OfTheApiServer() {
    RequiredTools.require(LocalEtcd.available(), "etcd (" + LocalEtcd.binary() + ")");
    try (LocalEtcd etcd = LocalEtcd.start();
        Run run = new Run(List.of("--etcd-servers=" + etcd.clientUrl()))) {
      Map<String, JsonNode> acknowledged = run.startAndWrite("a");
      run.kill();
      run.startAndVerify(acknowledged);
      run.sigterm();
    }
  }

  /** One data dir and port, and the server process currently running on them. */
  private final class Run implements AutoCloseable {
    final List<String> flags;
    final Path data = dir.resolve("data");
    final Path kubeconfig = data.resolve("kubeconfig");
    final Path log = dir.resolve("apiserver.log");
    final int port = KvxProcess.freePort();
    final List<String> written = new ArrayList<>();
    KvxProcess process;
    Kubectl old;
    Kubectl current;

    Run(List<String> flags) {
      this.flags = flags;
    }

    void start() {
      process = KvxProcess.start(data, port, flags, log);
      // New caches per server run: discovery must come from the server that is running now.
      old = kubectl(OLD);
      current = kubectl(NEW);
      process.awaitReady(current);
    }

    private Kubectl kubectl(KubectlBinary binary) {
      RequiredTools.require(
          binary.installed(), "kubectl " + binary.version() + " (" + binary.path() + ")");
      return new Kubectl(binary, kubeconfig, dir.resolve("kubectl-" + kubectls.incrementAndGet()));
    }

    Map<String, JsonNode> startAndWrite(String round) {
      start();
      ok(current, "create", "namespace", NS);
      return write(round);
    }

    /**
     * Creates, updates and deletes with both kubectl releases; returns the ConfigMaps as read back.
     * The stop follows at once: every write here was acknowledged, none was waited on.
     */
    Map<String, JsonNode> write(String round) {
      ok(old, "-n", NS, "create", "configmap", round + "-old-1", "--from-literal=i=1");
      ok(old, "-n", NS, "create", "configmap", round + "-old-2", "--from-literal=i=2");
      ok(current, "-n", NS, "create", "configmap", round + "-new-1", "--from-literal=i=1");
      ok(current, "-n", NS, "create", "configmap", round + "-new-2", "--from-literal=i=2");
      String list =
          IntStream.range(0, BULK)
              .mapToObj(
                  i ->
                      "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\""
                          + round
                          + "-bulk-"
                          + i
                          + "\"},\"data\":{\"n\":\""
                          + i
                          + "\"}}")
              .collect(
                  Collectors.joining(
                      ",", "{\"apiVersion\":\"v1\",\"kind\":\"List\",\"items\":[", "]}"));
      Kubectl.Result bulk = old.runWithInput(list, "-n", NS, "create", "-f", "-");
      assertThat(bulk.exitCode()).as(bulk.toString()).isZero();
      assertThat(bulk.stdout().lines())
          .hasSize(BULK)
          .allMatch(l -> l.matches("configmap/" + round + "-bulk-\\d+ created"));

      ok(old, "-n", NS, "label", "configmap", round + "-new-1", "survived=yes");
      ok(
          current,
          "-n",
          NS,
          "patch",
          "configmap",
          round + "-old-1",
          "--type=merge",
          "-p",
          "{\"data\":{\"patched\":\"true\"}}");
      ok(old, "-n", NS, "delete", "configmap", round + "-new-2");
      ok(current, "-n", NS, "delete", "configmap", round + "-old-2");
      ok(
          current,
          "-n",
          NS,
          "create",
          "deployment",
          round + "-web",
          "--image=nginx:1.25",
          "--replicas=2");

      written.addAll(List.of(round + "-old-1", round + "-new-1"));
      IntStream.range(0, BULK).forEach(i -> written.add(round + "-bulk-" + i));
      Map<String, JsonNode> acknowledged = configMaps(current);
      assertThat(acknowledged.keySet()).containsExactlyInAnyOrderElementsOf(written);
      return acknowledged;
    }

    void kill() {
      process.kill();
    }

    /** Never leaves a server behind, whatever failed. */
    @Override
    public void close() {
      if (process != null) {
        process.close();
      }
    }

    void sigterm() {
      // 143 = 128 + SIGTERM: the JVM ran its shutdown hooks and exited on the signal.
      assertThat(process.stop()).as(process.log()).isIn(0, 143);
    }

    void startAndVerify(Map<String, JsonNode> acknowledged) {
      start();
      for (Kubectl reader : List.of(old, current)) {
        Map<String, JsonNode> after = configMaps(reader);
        assertThat(after.keySet())
            .as("read with kubectl " + reader.binary())
            .isEqualTo(acknowledged.keySet());
        after.forEach(
            (name, cm) -> {
              JsonNode was = acknowledged.get(name);
              assertThat(cm.at("/metadata/uid")).as(name).isEqualTo(was.at("/metadata/uid"));
              assertThat(cm.at("/metadata/resourceVersion"))
                  .as(name)
                  .isEqualTo(was.at("/metadata/resourceVersion"));
              assertThat(cm.at("/data")).as(name).isEqualTo(was.at("/data"));
              assertThat(cm.at("/metadata/labels")).as(name).isEqualTo(was.at("/metadata/labels"));
            });
        after.keySet().stream()
            .filter(n -> n.endsWith("-new-1"))
            .forEach(
                n ->
                    assertThat(after.get(n).at("/metadata/labels/survived").asString(""))
                        .as(n)
                        .isEqualTo("yes"));
        after.keySet().stream()
            .filter(n -> n.endsWith("-old-1"))
            .forEach(
                n ->
                    assertThat(after.get(n).at("/data/patched").asString(""))
                        .as(n)
                        .isEqualTo("true"));
        assertThat(
                reader
                    .json("-n", NS, "get", "deployments")
                    .at("/items")
                    .valueStream()
                    .map(d -> d.at("/spec/replicas").asInt())
                    .toList())
            .as("deployments")
            .hasSize((int) after.keySet().stream().filter(n -> n.endsWith("-old-1")).count())
            .containsOnly(2);
      }

      // Revisions continue from where they were: watchers resuming from an old one stay correct.
      long highest =
          acknowledged.values().stream()
              .mapToLong(cm -> Long.parseLong(cm.at("/metadata/resourceVersion").asString()))
              .max()
              .orElseThrow();
      String probe = "after-restart-" + kubectls.get();
      ok(current, "-n", NS, "create", "configmap", probe);
      long next =
          Long.parseLong(
              current
                  .json("-n", NS, "get", "configmap", probe)
                  .at("/metadata/resourceVersion")
                  .asString());
      assertThat(next).as(process.log()).isGreaterThan(highest);
      ok(current, "-n", NS, "delete", "configmap", probe);
    }
  }

  private static Map<String, JsonNode> configMaps(Kubectl kubectl) {
    Map<String, JsonNode> byName = new HashMap<>();
    kubectl
        .json("-n", NS, "get", "configmaps")
        .at("/items")
        .valueStream()
        .forEach(cm -> byName.put(cm.at("/metadata/name").asString(), cm));
    return byName;
  }

  private static void ok(Kubectl kubectl, String... args) {
    Kubectl.Result r = kubectl.run(args);
    assertThat(r.exitCode()).as(r.toString()).isZero();
  }
}
