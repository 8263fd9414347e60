package dev.kvx.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import org.junit.jupiter.api.extension.RegisterExtension;
import tools.jackson.databind.JsonNode;

/** {@code label}, {@code annotate}, {@code patch} and deletion held by a finalizer. */
class KubectlUpdateTest {

  @RegisterExtension static final InJvmApiServer server = new InJvmApiServer();

  private static Kubectl.Result ok(Kubectl kubectl, String... args) {
    Kubectl.Result r = kubectl.run(args);
    assertThat(r.exitCode()).as(r.toString()).isZero();
    return r;
  }

  private static String namespace(Kubectl kubectl, String scenario) {
    String ns = scenario + "-" + kubectl.binary().slug();
    ok(kubectl, "create", "namespace", ns);
    return ns;
  }

  @EachKubectl
  void labelAndAnnotate(KubectlBinary binary) {
    Kubectl kubectl = server.kubectl(binary);
    String ns = namespace(kubectl, "label");
    ok(kubectl, "-n", ns, "create", "configmap", "a", "--from-literal=k=v");

    assertThat(ok(kubectl, "-n", ns, "label", "configmap", "a", "app=x", "tier=web").stdout())
        .isEqualTo("configmap/a labeled\n");
    assertThat(kubectl.json("-n", ns, "get", "configmap", "a").at("/metadata/labels").toString())
        .isEqualTo("{\"app\":\"x\",\"tier\":\"web\"}");

    Kubectl.Result noOverwrite = kubectl.run("-n", ns, "label", "configmap", "a", "app=y");
    assertThat(noOverwrite.exitCode()).isEqualTo(1);
    assertThat(noOverwrite.stderr()).contains("already has a value (x)");
    ok(kubectl, "-n", ns, "label", "configmap", "a", "app=y", "--overwrite");
    assertThat(ok(kubectl, "-n", ns, "label", "configmap", "a", "tier-").stdout())
        .isEqualTo("configmap/a unlabeled\n");
    assertThat(kubectl.json("-n", ns, "get", "configmap", "a").at("/metadata/labels").toString())
        .isEqualTo("{\"app\":\"y\"}");

    // kubectl 1.27 prints "annotate", later releases "annotated".
    assertThat(
            ok(kubectl, "-n", ns, "annotate", "configmap", "a", "example.com/note=hello world")
                .stdout())
        .matches("configmap/a annotated?\n");
    JsonNode annotated = kubectl.json("-n", ns, "get", "configmap", "a");
    assertThat(annotated.at("/metadata/annotations/example.com~1note").asString())
        .isEqualTo("hello world");
    ok(kubectl, "-n", ns, "annotate", "configmap", "a", "example.com/note-");
    // An empty map is omitted, as Go's omitempty does upstream.
    JsonNode unannotated = kubectl.json("-n", ns, "get", "configmap", "a");
    assertThat(unannotated.at("/metadata").has("annotations")).as(unannotated.toString()).isFalse();

    // The object itself is untouched by metadata edits.
    assertThat(annotated.at("/data/k").asString()).isEqualTo("v");
  }

  @EachKubectl
  void patchMergeAndJson(KubectlBinary binary) {
    Kubectl kubectl = server.kubectl(binary);
    String ns = namespace(kubectl, "patch");
    ok(
        kubectl,
        "-n",
        ns,
        "create",
        "configmap",
        "p",
        "--from-literal=keep=1",
        "--from-literal=drop=2");
    String rv0 =
        kubectl.json("-n", ns, "get", "configmap", "p").at("/metadata/resourceVersion").asString();

    assertThat(
            ok(
                    kubectl,
                    "-n",
                    ns,
                    "patch",
                    "configmap",
                    "p",
                    "--type",
                    "merge",
                    "-p",
                    "{\"data\":{\"added\":\"3\",\"drop\":null}}")
                .stdout())
        .isEqualTo("configmap/p patched\n");
    JsonNode merged = kubectl.json("-n", ns, "get", "configmap", "p");
    assertThat(merged.at("/data").toString()).isEqualTo("{\"added\":\"3\",\"keep\":\"1\"}");
    assertThat(Long.parseLong(merged.at("/metadata/resourceVersion").asString()))
        .isGreaterThan(Long.parseLong(rv0));

    assertThat(
            ok(
                    kubectl,
                    "-n",
                    ns,
                    "patch",
                    "configmap",
                    "p",
                    "--type",
                    "json",
                    "-p",
                    "[{\"op\":\"replace\",\"path\":\"/data/keep\",\"value\":\"one\"},"
                        + "{\"op\":\"add\",\"path\":\"/metadata/labels\",\"value\":{\"patched\":\"json\"}}]")
                .stdout())
        .isEqualTo("configmap/p patched\n");
    JsonNode patched = kubectl.json("-n", ns, "get", "configmap", "p");
    assertThat(patched.at("/data").toString()).isEqualTo("{\"added\":\"3\",\"keep\":\"one\"}");
    assertThat(patched.at("/metadata/labels/patched").asString()).isEqualTo("json");

    // A patch that changes nothing is not a write: same resourceVersion, and kubectl says so.
    assertThat(
            ok(
                    kubectl,
                    "-n",
                    ns,
                    "patch",
                    "configmap",
                    "p",
                    "--type",
                    "merge",
                    "-p",
                    "{\"data\":{\"keep\":\"one\"}}")
                .stdout())
        .isEqualTo("configmap/p patched (no change)\n");
    assertThat(
            kubectl
                .json("-n", ns, "get", "configmap", "p")
                .at("/metadata/resourceVersion")
                .asString())
        .isEqualTo(patched.at("/metadata/resourceVersion").asString());
  }

  @EachKubectl
  void generationCountsSpecChangesOnly(KubectlBinary binary) {
    Kubectl kubectl = server.kubectl(binary);
    String ns = namespace(kubectl, "gen");
    ok(kubectl, "-n", ns, "create", "deployment", "web", "--image=nginx:1.25");
    assertThat(
            kubectl.json("-n", ns, "get", "deployment", "web").at("/metadata/generation").asInt())
        .isEqualTo(1);

    ok(kubectl, "-n", ns, "label", "deployment", "web", "team=a");
    ok(kubectl, "-n", ns, "annotate", "deployment", "web", "note=x");
    assertThat(
            kubectl.json("-n", ns, "get", "deployment", "web").at("/metadata/generation").asInt())
        .isEqualTo(1);

    ok(
        kubectl,
        "-n",
        ns,
        "patch",
        "deployment",
        "web",
        "--type",
        "merge",
        "-p",
        "{\"spec\":{\"replicas\":3}}");
    JsonNode scaled = kubectl.json("-n", ns, "get", "deployment", "web");
    assertThat(scaled.at("/metadata/generation").asInt()).isEqualTo(2);
    assertThat(scaled.at("/spec/replicas").asInt()).isEqualTo(3);
  }

  @EachKubectl
  void deleteWaitsForFinalizers(KubectlBinary binary) {
    Kubectl kubectl = server.kubectl(binary);
    String ns = namespace(kubectl, "fin");
    ok(kubectl, "-n", ns, "create", "configmap", "held", "--from-literal=k=v");
    ok(
        kubectl,
        "-n",
        ns,
        "patch",
        "configmap",
        "held",
        "--type",
        "merge",
        "-p",
        "{\"metadata\":{\"finalizers\":[\"example.com/hold\"]}}");

    // kubectl delete waits until the object is gone, as a user running it would.
    try (Kubectl.Background delete = kubectl.start("-n", ns, "delete", "configmap", "held")) {
      await()
          .atMost(Duration.ofSeconds(30))
          .untilAsserted(
              () ->
                  assertThat(
                          kubectl
                              .json("-n", ns, "get", "configmap", "held")
                              .at("/metadata/deletionTimestamp")
                              .asString(""))
                      .matches(KubectlCreateTest.RFC3339));
      JsonNode terminating = kubectl.json("-n", ns, "get", "configmap", "held");
      assertThat(terminating.at("/metadata/finalizers/0").asString()).isEqualTo("example.com/hold");
      assertThat(terminating.at("/data/k").asString()).isEqualTo("v");
      assertThat(delete.alive())
          .as("delete returns only once the object is gone: " + delete)
          .isTrue();

      // Still listed for everyone until the finalizer goes.
      assertThat(ok(kubectl, "-n", ns, "get", "configmap", "held", "-o", "name").stdout())
          .isEqualTo("configmap/held\n");

      ok(
          kubectl,
          "-n",
          ns,
          "patch",
          "configmap",
          "held",
          "--type",
          "json",
          "-p",
          "[{\"op\":\"remove\",\"path\":\"/metadata/finalizers\"}]");

      Kubectl.Result deleted = delete.await(Duration.ofSeconds(30));
      assertThat(deleted.exitCode()).as(deleted.toString()).isZero();
      assertThat(deleted.stdout()).isEqualTo("configmap \"held\" deleted\n");
    }
    Kubectl.Result gone = kubectl.run("-n", ns, "get", "configmap", "held");
    assertThat(gone.exitCode()).isEqualTo(1);
    assertThat(gone.stderr()).contains("(NotFound)").contains("configmaps \"held\" not found");
  }
}
