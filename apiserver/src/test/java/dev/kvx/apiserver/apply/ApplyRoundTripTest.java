package dev.kvx.apiserver.apply;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kvx.apiserver.testing.InJvmApiServer;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.MappingIterator;
import tools.jackson.databind.node.ObjectNode;
import tools.jackson.dataformat.yaml.YAMLMapper;

/**
 * Every manifest of the example corpus (a copy of shared/corpus) applied server-side twice through
 * an in-JVM API server: the first apply creates, the second changes nothing (same resourceVersion).
 * Each manifest gets its own namespace, so manifests that reuse names do not meet.
 */
class ApplyRoundTripTest {

  /** Manifests upstream refuses too: a kind version no longer served, an invalid pod. */
  private static final Map<String, String> REFUSED = Map.of(
      "application_job_cronjob.yaml", "batch/v1beta1 CronJob is not served",
      "pods_pod-with-node-affinity.yaml", "requiredDuringSchedulingIgnoredDuringExecution is a list");

  private static final YAMLMapper YAML = YAMLMapper.builder().build();

  @RegisterExtension static final InJvmApiServer api = InJvmApiServer.onDisk();

  static Stream<Path> manifests() throws Exception {
    Path root = corpus();
    List<Path> files = new ArrayList<>();
    try (Stream<Path> walk = Files.walk(root)) {
      walk.filter(p -> p.toString().endsWith(".yaml")).sorted().forEach(files::add);
    }
    return files.stream();
  }

  private static Path corpus() throws URISyntaxException {
    return Path.of(ApplyRoundTripTest.class.getResource("corpus").toURI());
  }

  private static List<ObjectNode> objects(Path file) throws Exception {
    List<ObjectNode> out = new ArrayList<>();
    try (MappingIterator<JsonNode> docs = YAML.readerFor(JsonNode.class).readValues(file.toFile())) {
      while (docs.hasNext()) {
        JsonNode doc = docs.next();
        if (doc instanceof ObjectNode o && o.has("kind")) {
          out.add(o);
        }
      }
    }
    return out;
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("manifests")
  void secondServerSideApplyIsANoOp(Path file) throws Exception {
    String ns = "rt-" + Integer.toHexString(file.getFileName().toString().hashCode() & 0x7fffffff);
    api.client().namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(ns).endMetadata().build())
        .serverSideApply();
    for (ObjectNode obj : objects(file)) {
      ObjectNode meta = (ObjectNode) obj.get("metadata");
      if (meta.has("namespace")) {
        meta.put("namespace", ns);
      }
      GenericKubernetesResource resource = api.client().getKubernetesSerialization()
          .unmarshal(obj.toString(), GenericKubernetesResource.class);
      String refused = REFUSED.get(file.getFileName().toString());
      if (refused != null) {
        assertThatThrownBy(() -> apply(resource, ns)).as(refused).isInstanceOf(RuntimeException.class);
        continue;
      }
      GenericKubernetesResource first = apply(resource, ns);
      GenericKubernetesResource second = apply(resource, ns);
      assertThat(second.getMetadata().getResourceVersion())
          .as("%s %s: the second apply writes nothing", obj.get("kind").asString(), meta.get("name").asString())
          .isEqualTo(first.getMetadata().getResourceVersion());
      assertThat(second.getMetadata().getManagedFields()).extracting(m -> m.getManager() + "/" + m.getOperation())
          .contains("roundtrip/Apply");
    }
  }

  private GenericKubernetesResource apply(GenericKubernetesResource resource, String ns) {
    return api.client().resource(resource).inNamespace(ns).fieldManager("roundtrip").forceConflicts().serverSideApply();
  }
}
