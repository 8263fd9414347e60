package dev.kvx.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@code kubectl get -w}: the list, then one line per change, until the user stops it. */
class KubectlWatchTest {

  @RegisterExtension static final InJvmApiServer server = new InJvmApiServer();

  private static final Duration EVENT_DEADLINE = Duration.ofSeconds(30);

  private static void run(Kubectl kubectl, String... args) {
    Kubectl.Result r = kubectl.run(args);
    assertThat(r.exitCode()).as(r.toString()).isZero();
  }

  @EachKubectl
  void watchPrintsEachChange(KubectlBinary binary) {
    Kubectl kubectl = server.kubectl(binary);
    String ns = "watch-" + binary.slug();
    run(kubectl, "create", "namespace", ns);
    run(kubectl, "-n", ns, "create", "configmap", "before", "--from-literal=a=1");

    try (Kubectl.Background watch =
        kubectl.start("-n", ns, "get", "configmaps", "-w", "--output-watch-events")) {
      // The initial list comes first, as ADDED rows of a table.
      await()
          .atMost(EVENT_DEADLINE)
          .untilAsserted(
              () ->
                  assertThat(rows(watch))
                      .as(watch.toString())
                      .containsExactly(
                          List.of("EVENT", "NAME", "DATA", "AGE"),
                          List.of("ADDED", "before", "1")));

      run(kubectl, "-n", ns, "create", "configmap", "w1", "--from-literal=a=1");
      await()
          .atMost(EVENT_DEADLINE)
          .untilAsserted(
              () ->
                  assertThat(rows(watch))
                      .as(watch.toString())
                      .endsWith(List.of("ADDED", "w1", "1")));

      run(
          kubectl,
          "-n",
          ns,
          "patch",
          "configmap",
          "w1",
          "--type=merge",
          "-p",
          "{\"data\":{\"b\":\"2\"}}");
      await()
          .atMost(EVENT_DEADLINE)
          .untilAsserted(
              () ->
                  assertThat(rows(watch))
                      .as(watch.toString())
                      .endsWith(List.of("MODIFIED", "w1", "2")));

      run(kubectl, "-n", ns, "delete", "configmap", "w1");
      await()
          .atMost(EVENT_DEADLINE)
          .untilAsserted(
              () ->
                  assertThat(rows(watch))
                      .as(watch.toString())
                      .endsWith(List.of("DELETED", "w1", "2")));

      assertThat(rows(watch)).as(watch.toString()).hasSize(5);
      assertThat(watch.alive()).as("a watch runs until the user stops it: " + watch).isTrue();
      assertThat(watch.stderr()).isEmpty();
    }
  }

  @EachKubectl
  void watchOfOneObjectByName(KubectlBinary binary) {
    Kubectl kubectl = server.kubectl(binary);
    String ns = "watch-one-" + binary.slug();
    run(kubectl, "create", "namespace", ns);
    run(kubectl, "-n", ns, "create", "configmap", "mine", "--from-literal=a=1");
    run(kubectl, "-n", ns, "create", "configmap", "other", "--from-literal=a=1");

    try (Kubectl.Background watch =
        kubectl.start("-n", ns, "get", "configmap", "mine", "-w", "-o", "name")) {
      await()
          .atMost(EVENT_DEADLINE)
          .untilAsserted(
              () ->
                  assertThat(watch.lines()).as(watch.toString()).containsExactly("configmap/mine"));

      run(kubectl, "-n", ns, "label", "configmap", "other", "seen=no");
      run(kubectl, "-n", ns, "label", "configmap", "mine", "seen=yes");
      await()
          .atMost(EVENT_DEADLINE)
          .untilAsserted(
              () ->
                  assertThat(watch.lines())
                      .as(watch.toString())
                      .containsExactly("configmap/mine", "configmap/mine"));
      assertThat(watch.alive()).isTrue();
    }
  }

  /** Table rows printed so far, without the AGE column (it changes with time). */
  private static List<List<String>> rows(Kubectl.Background watch) {
    return watch.lines().stream()
        .map(l -> List.of(l.trim().split("\\s+")))
        .map(
            cells ->
                cells.get(0).equals("EVENT") ? cells : cells.subList(0, Math.min(3, cells.size())))
        .toList();
  }
}
