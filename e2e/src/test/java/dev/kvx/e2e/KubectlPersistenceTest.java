package dev.kvx.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kvx.apiserver.storage.etcd.LocalEtcd;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * {@code ./kvx apiserver} stopped (SIGKILL or SIGTERM) and started again on the same data dir (or
 * etcd) and port loses no object that kubectl saw acknowledged: every create, update and delete
 * before the stop is there after it, with the same uid, and revisions keep counting up.
 * Both kubectl releases write before the stop and read after it.
 */
class KubectlPersistenceTest {

  private static final KubectlBinary OLD = KubectlBinary.of("1.27");
  private static final KubectlBinary NEW = KubectlBinary.of("1.32");
  private static final String NS = "keep";

  @TempDir Path dir;
  private final AtomicInteger kubectls = new AtomicInteger();

  @BeforeAll
  static void buildLauncher(@TempDir Path tmp) {
    KvxProcess.buildLauncher(tmp);
  }

  private Kubectl kubectl(KubectlBinary binary, Path kubeconfig) {
    RequiredTools.require(binary.installed(), "kubectl " + binary.version() + " (" + binary.path() + ")");
    // A new cache per server run: discovery must come from the server that is running now.
    return new Kubectl(binary, kubeconfig, dir.resolve("kubectl-" + kubectls.incrementAndGet()));
  }

  @Test
  void embeddedStoreSurvivesKill9() {
    survivesRestart(List.of(), true);
  }

  @Test
  void embeddedStoreSurvivesSigterm() {
    survivesRestart(List.of(), false);
  }

  @Test
  void etcdSurvivesKill9OfTheApiServer() {
    RequiredTools.require(LocalEtcd.available(), "etcd (" + LocalEtcd.binary() + ")");
    try (LocalEtcd etcd = LocalEtcd.start()) {
      survivesRestart(List.of("--etcd-servers=" + etcd.clientUrl()), true);
    }
  }

  private void survivesRestart(List<String> flags, boolean kill) {
    Path data = dir.resolve("data");
    Path kubeconfig = data.resolve("kubeconfig");
    Path log = dir.resolve("apiserver.log");
    int port = KvxProcess.freePort();

    Map<String, JsonNode> before;
    try (KvxProcess first = KvxProcess.start(data, port, flags, log)) {
      Kubectl old = kubectl(OLD, kubeconfig);
      Kubectl current = kubectl(NEW, kubeconfig);
      first.awaitReady(current);
      write(old, current);
      before = configMaps(current);
      assertThat(before.keySet()).containsExactlyInAnyOrderElementsOf(expectedNames());
      if (kill) {
        first.kill();
      } else {
        assertThat(first.stop()).as(first.log()).isIn(0, 143);
      }
    }

    try (KvxProcess second = KvxProcess.start(data, port, flags, log)) {
      Kubectl old = kubectl(OLD, kubeconfig);
      Kubectl current = kubectl(NEW, kubeconfig);
      second.awaitReady(old);

      for (Kubectl reader : List.of(old, current)) {
        Map<String, JsonNode> after = configMaps(reader);
        assertThat(after.keySet()).as("read with kubectl " + reader.binary()).isEqualTo(before.keySet());
        after.forEach((name, cm) -> {
          JsonNode was = before.get(name);
          assertThat(cm.at("/metadata/uid")).as(name).isEqualTo(was.at("/metadata/uid"));
          assertThat(cm.at("/metadata/resourceVersion")).as(name).isEqualTo(was.at("/metadata/resourceVersion"));
          assertThat(cm.at("/data")).as(name).isEqualTo(was.at("/data"));
          assertThat(cm.at("/metadata/labels")).as(name).isEqualTo(was.at("/metadata/labels"));
        });
        assertThat(after.get("old-1").at("/metadata/labels/survived").asString()).isEqualTo("yes");
        assertThat(after.get("new-1").at("/data/patched").asString()).isEqualTo("true");
        assertThat(reader.json("-n", NS, "get", "deployment", "web").at("/spec/replicas").asInt()).isEqualTo(2);
        assertThat(reader.json("get", "namespace", NS).at("/metadata/name").asString()).isEqualTo(NS);
      }

      // Revisions continue from where they were: watchers resuming from an old one stay correct.
      long highest = before.values().stream()
          .mapToLong(cm -> Long.parseLong(cm.at("/metadata/resourceVersion").asString())).max().orElseThrow();
      ok(current, "-n", NS, "create", "configmap", "after-restart");
      long next = Long.parseLong(current.json("-n", NS, "get", "configmap", "after-restart")
          .at("/metadata/resourceVersion").asString());
      assertThat(next).as(second.log()).isGreaterThan(highest);
      assertThat(second.stop()).isIn(0, 143);
    }
  }

  /** Creates, updates and deletes with both kubectl releases; every write is acknowledged. */
  private static void write(Kubectl old, Kubectl current) {
    ok(current, "create", "namespace", NS);
    for (int i = 1; i <= 5; i++) {
      ok(old, "-n", NS, "create", "configmap", "old-" + i, "--from-literal=i=" + i);
      ok(current, "-n", NS, "create", "configmap", "new-" + i, "--from-literal=i=" + i);
    }
    StringBuilder list = new StringBuilder("{\"apiVersion\":\"v1\",\"kind\":\"List\",\"items\":[");
    list.append(String.join(",", IntStream.range(0, 20).mapToObj(i -> "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\","
        + "\"metadata\":{\"name\":\"bulk-" + i + "\"},\"data\":{\"n\":\"" + i + "\"}}").toList()));
    list.append("]}");
    Kubectl.Result bulk = current.runWithInput(list.toString(), "-n", NS, "create", "-f", "-");
    assertThat(bulk.exitCode()).as(bulk.toString()).isZero();
    assertThat(bulk.stdout().lines()).hasSize(20).allMatch(l -> l.matches("configmap/bulk-\\d+ created"));

    ok(old, "-n", NS, "label", "configmap", "old-1", "survived=yes");
    ok(current, "-n", NS, "patch", "configmap", "new-1", "--type=merge", "-p", "{\"data\":{\"patched\":\"true\"}}");
    ok(old, "-n", NS, "delete", "configmap", "old-5");
    ok(current, "-n", NS, "delete", "configmap", "new-5");
    ok(current, "-n", NS, "create", "deployment", "web", "--image=nginx:1.25", "--replicas=2");
  }

  /** What {@link #write} leaves: the fifth of each kind deleted, the bulk ones all there. */
  private static List<String> expectedNames() {
    return java.util.stream.Stream.of(
            IntStream.rangeClosed(1, 4).mapToObj(i -> "old-" + i),
            IntStream.rangeClosed(1, 4).mapToObj(i -> "new-" + i),
            IntStream.range(0, 20).mapToObj(i -> "bulk-" + i))
        .flatMap(s -> s)
        .toList();
  }

  private static Map<String, JsonNode> configMaps(Kubectl kubectl) {
    Map<String, JsonNode> byName = new HashMap<>();
    kubectl.json("-n", NS, "get", "configmaps").at("/items").valueStream()
        .forEach(cm -> byName.put(cm.at("/metadata/name").asString(), cm));
    return byName;
  }

  private static void ok(Kubectl kubectl, String... args) {
    Kubectl.Result r = kubectl.run(args);
    assertThat(r.exitCode()).as(r.toString()).isZero();
  }
}
