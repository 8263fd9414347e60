package dev.kvx.e2e.prometheus;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kvx.apiserver.testing.InJvmApiServer;
import dev.kvx.e2e.EachKubectl;
import dev.kvx.e2e.Kubectl;
import dev.kvx.e2e.KubectlBinary;
import dev.kvx.e2e.RequiredTools;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.MappingIterator;
import tools.jackson.dataformat.yaml.YAMLMapper;

/**
 * The example manifests are valid Kubernetes objects for kvx: {@code kubectl apply --dry-run=server
 * -f manifests/} (what the README tells users to run, with server-side strict field validation)
 * accepts every object of every file, with each kubectl release the project supports, and stores
 * nothing. Cheap: one in-memory API server, no Docker.
 */
class ManifestsTest {

  private static final YAMLMapper YAML = YAMLMapper.builder().build();

  @TempDir static Path dir;
  @RegisterExtension static final InJvmApiServer server = new InJvmApiServer();

  @EachKubectl
  void everyExampleObjectPassesServerDryRun(KubectlBinary binary) throws IOException {
    RequiredTools.require(binary);
    Kubectl kubectl =
        new Kubectl(binary, server.kubeconfig(), dir.resolve("kubectl-" + binary.slug()));
    List<String> expected = exampleObjects();

    Kubectl.Result applied =
        kubectl.run("apply", "--dry-run=server", "-f", ExampleManifests.directory().toString());

    assertThat(applied.exitCode()).as(applied.toString()).isZero();
    assertThat(applied.stderr()).as(applied.toString()).doesNotContain("Warning");
    List<String> lines = applied.stdout().lines().toList();
    assertThat(lines)
        .as(applied.toString())
        .containsExactlyInAnyOrderElementsOf(
            expected.stream().map(o -> o + " created (server dry run)").toList());

    // A dry run stores nothing: none of the objects exists afterwards.
    for (String object : expected) {
      Kubectl.Result got = kubectl.run("get", object, "--ignore-not-found", "-o", "name");
      assertThat(got.exitCode()).as(got.toString()).isZero();
      assertThat(got.stdout()).as(got.toString()).isEmpty();
    }
  }

  /**
   * Every example runs without a registry: its containers use the locally built busybox image with
   * a pull policy that never pulls it.
   */
  @Test
  void everyContainerRunsTheLocalImageWithoutPulling() throws IOException {
    List<JsonNode> containers = new ArrayList<>();
    for (JsonNode object : objects()) {
      JsonNode pod = object.at("/spec/template/spec");
      if (pod.isMissingNode()) {
        pod = object.at("/spec/jobTemplate/spec/template/spec");
      }
      pod.path("containers").forEach(containers::add);
      pod.path("initContainers").forEach(containers::add);
    }
    assertThat(containers).hasSizeGreaterThanOrEqualTo(6);
    for (JsonNode c : containers) {
      assertThat(c.path("image").asString())
          .as(c.toString())
          .isEqualTo(ExampleManifests.BUSYBOX_IMAGE);
      assertThat(c.path("imagePullPolicy").asString())
          .as(c.toString())
          .isIn("IfNotPresent", "Never");
    }
  }

  /** {@code kind.group/name} of each object in the manifests, as kubectl prints it. */
  private static List<String> exampleObjects() throws IOException {
    List<String> names = new ArrayList<>();
    for (JsonNode o : objects()) {
      String apiVersion = o.path("apiVersion").asString();
      String group =
          apiVersion.contains("/") ? "." + apiVersion.substring(0, apiVersion.indexOf('/')) : "";
      names.add(
          o.path("kind").asString().toLowerCase()
              + group
              + "/"
              + o.at("/metadata/name").asString());
    }
    return names;
  }

  /** The objects of the top-level YAML files of manifests/ (kubectl -f DIR does not recurse). */
  private static List<JsonNode> objects() throws IOException {
    List<JsonNode> objects = new ArrayList<>();
    List<Path> files;
    try (Stream<Path> list = Files.list(ExampleManifests.directory())) {
      files = list.filter(p -> p.toString().matches(".*\\.(yaml|yml|json)$")).sorted().toList();
    }
    assertThat(files).isNotEmpty();
    for (Path file : files) {
      try (MappingIterator<JsonNode> docs =
          YAML.readerFor(JsonNode.class).readValues(file.toFile())) {
        while (docs.hasNext()) {
          JsonNode doc = docs.next();
          if (doc != null && !doc.isEmpty()) {
            objects.add(doc);
          }
        }
      }
    }
    return objects;
  }
}
