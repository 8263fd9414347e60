package dev.kvx.apiserver.strategy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kvx.apiserver.errors.StatusException;
import dev.kvx.apiserver.errors.StatusException.Cause;
import dev.kvx.apiserver.json.Json;
import dev.kvx.apiserver.registry.BuiltinResources;
import dev.kvx.apiserver.registry.ResourceType;
import dev.kvx.apiserver.schema.FieldValidation;
import dev.kvx.apiserver.schema.FieldValidation.Directive;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.MappingIterator;
import tools.jackson.databind.node.ObjectNode;

/**
 * Every manifest of the shared corpus (public examples from kubernetes/website and
 * kubernetes/examples) decoded with {@code fieldValidation=Strict}, defaulted and validated as a
 * create: what Kubernetes 1.32 accepts passes with no cause; the one invalid manifest README.md
 * names is refused naming the field; the one kind 1.32 no longer serves is not served here either.
 * The request bodies kubectl 1.32 sends for {@code kubectl create <kind>} pass the same way.
 */
class CorpusTest {

  private static final Path CORPUS = Path.of("/work/shared/corpus");
  private static final String INVALID = "pods_pod-with-node-affinity.yaml";
  private static final String UNSERVED = "application_job_cronjob.yaml"; // batch/v1beta1 CronJob

  private final Strategies strategies = new Strategies();

  record Doc(String file, int index, ObjectNode obj) {
    String name() {
      return file + "#" + index + " " + obj.path("kind").asString() + "/" + obj.path("metadata").path("name").asString();
    }
  }

  static List<Doc> documents() throws IOException {
    assertThat(CORPUS).as("the shared corpus").isDirectory();
    List<Path> files;
    try (Stream<Path> walk = Files.walk(CORPUS)) {
      files = walk.filter(p -> p.toString().endsWith(".yaml")).sorted().toList();
    }
    List<Doc> docs = new ArrayList<>();
    for (Path f : files) {
      try (MappingIterator<JsonNode> it = Json.YAML.readerFor(JsonNode.class).readValues(f.toFile())) {
        int i = 0;
        while (it.hasNextValue()) {
          JsonNode n = it.nextValue();
          if (n instanceof ObjectNode o && !o.isEmpty()) {
            docs.add(new Doc(f.getFileName().toString(), i, o));
          }
          i++;
        }
      }
    }
    assertThat(docs).hasSizeGreaterThan(60);
    return docs;
  }

  private static Optional<ResourceType> served(ObjectNode obj) {
    return BuiltinResources.ALL.stream()
        .filter(t -> t.apiVersion().equals(obj.path("apiVersion").asString()) && t.kind().equals(obj.path("kind").asString()))
        .findFirst();
  }

  /** Decode, then what the generic create does (namespace, uid), then the kind's strategy. */
  private List<Cause> create(ResourceType type, ObjectNode obj) {
    FieldValidation.decode(type, obj, List.of(), Directive.STRICT);
    ObjectNode meta = Json.with(obj, "metadata");
    if (type.namespaced() && !meta.has("namespace")) {
      meta.put("namespace", "default");
    }
    meta.put("uid", Fixtures.UID);
    ResourceStrategy strategy = strategies.of(type);
    strategy.prepareForCreate(obj);
    return strategy.validate(obj);
  }

  /** What kubectl 1.32's {@code create <kind>} commands send (recorded for the protobuf tests). */
  @TestFactory
  Stream<DynamicTest> kubectlCreateBodies() throws Exception {
    Path dir = Path.of(CorpusTest.class.getResource("/dev/kvx/apiserver/protobuf/kubectl-1.32/").toURI());
    List<Path> files;
    try (Stream<Path> list = Files.list(dir)) {
      files = list.filter(p -> p.toString().endsWith(".json")).sorted().toList();
    }
    assertThat(files).hasSizeGreaterThan(20);
    return files.stream().map(f -> DynamicTest.dynamicTest(f.getFileName().toString(), () -> {
      ObjectNode obj = (ObjectNode) Json.MAPPER.readTree(f.toFile());
      Optional<ResourceType> type = served(obj);
      if (type.isEmpty()) {
        // TokenRequest and the review kinds are subresources / virtual kinds, not stored resources
        assertThat(obj.path("kind").asString()).isIn("TokenRequest", "SelfSubjectAccessReview", "SelfSubjectReview");
        return;
      }
      assertThat(Fixtures.render(create(type.get(), obj))).isEmpty();
    }));
  }

  @TestFactory
  Stream<DynamicTest> everyManifest() throws IOException {
    return documents().stream().map(doc -> DynamicTest.dynamicTest(doc.name(), () -> {
      Optional<ResourceType> type = served(doc.obj());
      if (doc.file().equals(UNSERVED)) {
        assertThat(type).as("batch/v1beta1 is not served since 1.25").isEmpty();
        return;
      }
      assertThat(type).as(doc.obj().path("apiVersion").asString() + " " + doc.obj().path("kind").asString()).isPresent();
      if (doc.file().equals(INVALID)) {
        assertThatThrownBy(() -> create(type.get(), doc.obj()))
            .isInstanceOfSatisfying(StatusException.class, e -> {
              assertThat(e.code()).isEqualTo(400);
              assertThat(e.getMessage()).contains("spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution");
            });
        return;
      }
      assertThat(Fixtures.render(create(type.get(), doc.obj()))).isEmpty();
    }));
  }
}
