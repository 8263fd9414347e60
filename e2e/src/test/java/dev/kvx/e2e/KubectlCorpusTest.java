package dev.kvx.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.RegisterExtension;
import tools.jackson.databind.JsonNode;

/**
 * {@code kubectl create -f}, {@code replace -f} and {@code delete -f} of the public example
 * manifests (see corpus/README.md). Every scenario gets a fresh server, so the manifests can use
 * the namespaces they name (default, kube-system, qos-example, mem-example) with either kubectl.
 */
class KubectlCorpusTest {

  /** A fresh server per test: both kubectl releases create the same objects. */
  @RegisterExtension final InJvmApiServer server = new InJvmApiServer();

  /** batch/v1beta1 CronJob: removed in Kubernetes 1.25, so kubectl finds no mapping for it. */
  static final String REMOVED_VERSION = "application_job_cronjob.yaml";

  /** A Pod whose nodeAffinity.requiredDuringScheduling… is a list where the API has an object. */
  static final String INVALID = "pods_pod-with-node-affinity.yaml";

  /** A v1 ReplicationController: served upstream, outside the resources issue 2 registers. */
  static final String REPLICATION_CONTROLLER = "web_guestbook-go_guestbook-controller.yaml";

  /**
   * Namespaces that manifests name and that must exist first (kube-system and default always do).
   */
  static final List<String> NAMESPACES_NAMED = List.of("qos-example", "mem-example");

  private static final Pattern RESPONSE_CODE =
      Pattern.compile("\\] (?:GET|POST|PUT|PATCH|DELETE) https://\\S+ (\\d{3}) ");

  static List<Manifest> acceptable() {
    return Manifest.corpus().stream()
        .filter(m -> !Set.of(REMOVED_VERSION, INVALID, REPLICATION_CONTROLLER).contains(m.name()))
        .toList();
  }

  private static Kubectl.Result ok(Kubectl kubectl, List<String> args) {
    Kubectl.Result r = kubectl.run(Kubectl.DEFAULT_TIMEOUT, null, args);
    assertThat(r.exitCode()).as(r.toString()).isZero();
    return r;
  }

  private static List<String> withFiles(List<String> command, List<Manifest> manifests) {
    List<String> args = new ArrayList<>(command);
    manifests.forEach(m -> args.addAll(List.of("-f", m.file().toString())));
    return args;
  }

  private void createNamedNamespaces(Kubectl kubectl) {
    NAMESPACES_NAMED.forEach(ns -> ok(kubectl, List.of("create", "namespace", ns)));
  }

  /**
   * Manifests in rounds where no two declare the same object (the corpus has nine variants of
   * {@code nginx-deployment}): each round is created, checked, replaced and deleted together.
   */
  static List<List<Manifest>> rounds(List<Manifest> manifests) {
    List<List<Manifest>> rounds = new ArrayList<>();
    List<Set<String>> taken = new ArrayList<>();
    for (Manifest m : manifests) {
      int i = 0;
      while (i < rounds.size() && m.keys().stream().anyMatch(taken.get(i)::contains)) {
        i++;
      }
      if (i == rounds.size()) {
        rounds.add(new ArrayList<>());
        taken.add(new HashSet<>());
      }
      rounds.get(i).add(m);
      taken.get(i).addAll(m.keys());
    }
    return rounds;
  }

  @EachKubectl
  void createReplaceDeleteEveryAcceptableManifest(KubectlBinary binary) {
    Kubectl kubectl = server.kubectl(binary);
    createNamedNamespaces(kubectl);
    List<List<Manifest>> rounds = rounds(acceptable());
    assertThat(rounds.stream().mapToInt(List::size).sum()).isGreaterThan(50);

    for (List<Manifest> round : rounds) {
      List<String> names = round.stream().flatMap(m -> m.resourceNames().stream()).toList();

      Kubectl.Result created = ok(kubectl, withFiles(List.of("create"), round));
      assertThat(created.stdout().lines())
          .as(created.toString())
          .containsExactlyInAnyOrderElementsOf(names.stream().map(n -> n + " created").toList());

      Map<String, JsonNode> stored = byResourceName(kubectl, round);
      for (Manifest m : round) {
        for (JsonNode declared : m.objects()) {
          JsonNode got = stored.get(m.resourceNames().get(m.objects().indexOf(declared)));
          assertThat(got).as(m + ": " + declared.at("/metadata/name")).isNotNull();
          assertThat(got.at("/metadata/uid").asString("")).isNotBlank();
          assertThat(got.at("/metadata/resourceVersion").asString("")).matches("\\d+");
          assertThat(got.at("/metadata/creationTimestamp").asString(""))
              .matches(KubectlCreateTest.RFC3339);
          assertSubset(m + " " + declared.at("/metadata/name").asString(), declared, got, "");
        }
      }

      // Upstream refuses to replace a Job from its manifest: the server added a selector and
      // template labels that the manifest lacks, and both are immutable.
      List<Manifest> replaceable = round.stream().filter(m -> !m.declares("Job")).toList();
      if (!replaceable.isEmpty()) {
        Kubectl.Result replaced = ok(kubectl, withFiles(List.of("replace"), replaceable));
        assertThat(replaced.stdout().lines())
            .as(replaced.toString())
            .containsExactlyInAnyOrderElementsOf(
                replaceable.stream()
                    .flatMap(m -> m.resourceNames().stream())
                    .map(n -> n + " replaced")
                    .toList());
        Map<String, JsonNode> after = byResourceName(kubectl, replaceable);
        after.forEach(
            (name, obj) ->
                assertThat(obj.at("/metadata/uid").asString())
                    .as("replace keeps the object: " + name)
                    .isEqualTo(stored.get(name).at("/metadata/uid").asString()));
      }

      // A Pod bound to a node is deleted gracefully and only a kubelet would confirm it; without
      // one, users force it, as with upstream.
      List<Manifest> bound = round.stream().filter(Manifest::hasBoundPod).toList();
      List<Manifest> unbound = round.stream().filter(m -> !m.hasBoundPod()).toList();
      List<String> deletedLines = new ArrayList<>();
      if (!unbound.isEmpty()) {
        deletedLines.addAll(
            ok(kubectl, withFiles(List.of("delete"), unbound)).stdout().lines().toList());
      }
      if (!bound.isEmpty()) {
        Kubectl.Result forced =
            ok(kubectl, withFiles(List.of("delete", "--grace-period=0", "--force"), bound));
        deletedLines.addAll(
            forced.stdout().lines().map(l -> l.replace(" force deleted", " deleted")).toList());
      }
      assertThat(deletedLines)
          .containsExactlyInAnyOrderElementsOf(
              round.stream().flatMap(m -> m.deletedLines().stream()).toList());
    }
    // Every round deleted what it created: none of the objects is left (one call for all rounds).
    Kubectl.Result gone =
        ok(kubectl, withFiles(List.of("get", "--ignore-not-found", "-o", "name"), acceptable()));
    assertThat(gone.stdout()).as(gone.toString()).isEmpty();
  }

  @EachKubectl
  void removedApiVersionIsRefused(KubectlBinary binary) {
    Kubectl kubectl = server.kubectl(binary);
    Manifest cronjob =
        Manifest.corpus().stream()
            .filter(m -> m.name().equals(REMOVED_VERSION))
            .findFirst()
            .orElseThrow();

    Kubectl.Result r = kubectl.run("create", "-f", cronjob.file().toString(), "-v=6");
    assertThat(r.exitCode()).as(r.toString()).isEqualTo(1);
    assertNo5xx(r);
    assertThat(r.stderr())
        .as(r.toString())
        .contains("no matches for kind \"CronJob\" in version \"batch/v1beta1\"");
    assertThat(ok(kubectl, List.of("get", "cronjobs", "-A", "-o", "name")).stdout()).isEmpty();
  }

  @EachKubectl
  void invalidManifestIsRefused(KubectlBinary binary) {
    Kubectl kubectl = server.kubectl(binary);
    Manifest invalid =
        Manifest.corpus().stream().filter(m -> m.name().equals(INVALID)).findFirst().orElseThrow();

    Kubectl.Result r = kubectl.run("create", "-f", invalid.file().toString(), "-v=6");
    assertThat(r.exitCode()).as(r.toString()).isEqualTo(1);
    assertNo5xx(r);
    assertThat(ok(kubectl, List.of("get", "pods", "-A", "-o", "name")).stdout())
        .doesNotContain("with-node-affinity");
  }

  @EachKubectl
  void replicationControllerManifest(KubectlBinary binary) {
    Kubectl kubectl = server.kubectl(binary);
    Manifest rc =
        Manifest.corpus().stream()
            .filter(m -> m.name().equals(REPLICATION_CONTROLLER))
            .findFirst()
            .orElseThrow();

    Kubectl.Result created = kubectl.run("create", "-f", rc.file().toString());
    assertThat(created.exitCode()).as(created.toString()).isZero();
    assertThat(created.stdout()).isEqualTo("replicationcontroller/guestbook created\n");
    assertThat(ok(kubectl, List.of("delete", "-f", rc.file().toString())).stdout())
        .isEqualTo("replicationcontroller \"guestbook\" deleted\n");
  }

  private static void assertNo5xx(Kubectl.Result r) {
    Matcher m = RESPONSE_CODE.matcher(r.stderr());
    while (m.find()) {
      assertThat(Integer.parseInt(m.group(1))).as(m.group()).isLessThan(500);
    }
  }

  /** The stored objects of these manifests, keyed like {@link Manifest#resourceNames()}. */
  private static Map<String, JsonNode> byResourceName(Kubectl kubectl, List<Manifest> manifests) {
    JsonNode list = kubectl.json(withFiles(List.of("get"), manifests).toArray(String[]::new));
    JsonNode items = list.has("items") ? list.at("/items") : null;
    Map<String, JsonNode> byName = new HashMap<>();
    Stream<JsonNode> objects = items == null ? Stream.of(list) : items.valueStream();
    objects.forEach(
        o -> {
          String apiVersion = o.at("/apiVersion").asString();
          String group =
              apiVersion.contains("/")
                  ? "." + apiVersion.substring(0, apiVersion.indexOf('/'))
                  : "";
          byName.put(
              o.at("/kind").asString().toLowerCase()
                  + group
                  + "/"
                  + o.at("/metadata/name").asString(),
              o);
        });
    return byName;
  }

  /**
   * Everything the manifest says is in the stored object (the server may add defaults, never drop
   * or change a field); array elements are compared in order, from the first.
   */
  static void assertSubset(String what, JsonNode declared, JsonNode stored, String path) {
    if (declared.isObject()) {
      assertThat(stored.isObject())
          .as(what + ": object at " + path + " but stored " + stored)
          .isTrue();
      declared
          .properties()
          .forEach(
              e -> {
                if (e.getValue().isNull()) {
                  return;
                }
                assertThat(stored.has(e.getKey()))
                    .as(what + ": " + path + "/" + e.getKey() + " missing in " + stored)
                    .isTrue();
                assertSubset(what, e.getValue(), stored.get(e.getKey()), path + "/" + e.getKey());
              });
    } else if (declared.isArray()) {
      assertThat(stored.isArray())
          .as(what + ": array at " + path + " but stored " + stored)
          .isTrue();
      // Defaults may be appended (DefaultTolerationSeconds adds two tolerations), never put before.
      assertThat(stored.size())
          .as(what + ": " + path + " size")
          .isGreaterThanOrEqualTo(declared.size());
      for (int i = 0; i < declared.size(); i++) {
        assertSubset(what, declared.get(i), stored.get(i), path + "/" + i);
      }
    } else {
      assertThat(stored).as(what + ": " + path).isEqualTo(declared);
    }
  }
}
