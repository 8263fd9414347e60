package dev.kvx.apiserver.crd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.kvx.apiserver.testing.InJvmApiServer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real kubectl 1.32 against the in-JVM API server: {@code kubectl apply -f} of a CRD, then of an
 * object of it, then {@code kubectl get <plural>} with the CRD's printer columns, and an invalid
 * object refused with the field named.
 */
class CrdKubectlTest {

  private static final Path KUBECTL = Path.of("/usr/lib/google-cloud-sdk/bin/kubectl.1.32");

  @TempDir Path dir;
  @RegisterExtension final InJvmApiServer api = new InJvmApiServer();

  @BeforeEach
  void requireKubectl() {
    boolean present = Files.isExecutable(KUBECTL);
    if (!"true".equals(System.getenv("CI"))) {
      Assumptions.assumeTrue(present, "kubectl 1.32 not installed");
    }
    assertThat(present).as("kubectl 1.32 at " + KUBECTL).isTrue();
  }

  private record Result(int exit, String out, String err) {}

  private Result kubectl(String... args) throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>(List.of(KUBECTL.toString(), "--kubeconfig", api.kubeconfig().toString(),
        "--cache-dir", dir.resolve("cache").toString(), "--request-timeout", "60s"));
    cmd.addAll(List.of(args));
    Process p = new ProcessBuilder(cmd).redirectOutput(dir.resolve("out").toFile())
        .redirectError(dir.resolve("err").toFile()).start();
    if (!p.waitFor(90, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new AssertionError("kubectl " + String.join(" ", args) + " timed out");
    }
    return new Result(p.exitValue(), Files.readString(dir.resolve("out"), StandardCharsets.UTF_8),
        Files.readString(dir.resolve("err"), StandardCharsets.UTF_8));
  }

  private Path file(String name, String content) throws IOException {
    return Files.writeString(dir.resolve(name), content);
  }

  @Test
  void applyDefinitionThenObjectThenGetShowsPrinterColumns() throws Exception {
    Path crd = file("crd.yaml", CrdServingTest.widgets("kubectl.example.com"));
    Result applied = kubectl("apply", "-f", crd.toString());
    assertThat(applied.exit()).as(applied.err()).isZero();
    assertThat(applied.out()).contains("customresourcedefinition.apiextensions.k8s.io/widgets.kubectl.example.com created");

    Path obj = file("widget.yaml", """
        apiVersion: kubectl.example.com/v1
        kind: Widget
        metadata:
          name: w1
          namespace: default
        spec:
          size: abc
          mode: b
          replicas: 3
        """);
    await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(200)).until(() -> {
      Result r = kubectl("apply", "-f", obj.toString());
      return r.exit() == 0 && r.out().contains("widget.kubectl.example.com/w1 created");
    });

    Result get = kubectl("get", "widgets", "-n", "default");
    assertThat(get.exit()).as(get.err()).isZero();
    List<String> lines = get.out().lines().toList();
    assertThat(lines.get(0).split("\\s+")).containsExactly("NAME", "REPLICAS", "MODE");
    assertThat(lines.get(1).split("\\s+")).containsExactly("w1", "3", "b");

    Result shortName = kubectl("get", "wd", "w1", "-n", "default", "-o", "jsonpath={.spec.replicas}");
    assertThat(shortName.out()).isEqualTo("3");

    Path bad = file("bad.yaml", """
        apiVersion: kubectl.example.com/v1
        kind: Widget
        metadata:
          name: bad
          namespace: default
        spec:
          size: abc
          replicas: lots
        """);
    Result refused = kubectl("apply", "-f", bad.toString());
    assertThat(refused.exit()).isNotZero();
    assertThat(refused.err()).contains("\"bad\" is invalid")
        .contains("spec.replicas: Invalid value: \"string\": spec.replicas in body must be of type integer: \"string\"");
  }
}
