package dev.kvx.apiserver.apply;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kvx.apiserver.json.Json;
import dev.kvx.apiserver.openapi.SchemaCatalog;
import dev.kvx.apiserver.registry.ResourceRegistry;
import dev.kvx.apiserver.registry.ResourceType;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.MappingIterator;
import tools.jackson.databind.node.ObjectNode;

/**
 * The example corpus (a copy of shared/corpus) through the pure functions with the real built-in
 * schemas: applying a manifest to the object it created changes nothing, the applier owns every
 * field it sent, and the manifest as a strategic merge patch of that object is a no-op too.
 */
class CorpusApplyTest {

  private static final ResourceRegistry REGISTRY = ResourceRegistry.withBuiltins();
  private static final SchemaCatalog CATALOG = new SchemaCatalog();

  static Stream<Path> manifests() throws Exception {
    List<Path> files = new ArrayList<>();
    try (Stream<Path> walk = Files.walk(corpus())) {
      walk.filter(p -> p.toString().endsWith(".yaml")).sorted().forEach(files::add);
    }
    return files.stream();
  }

  static Path corpus() throws URISyntaxException {
    return Path.of(CorpusApplyTest.class.getResource("corpus").toURI());
  }

  static List<ObjectNode> objects(Path file) {
    List<ObjectNode> out = new ArrayList<>();
    try (MappingIterator<JsonNode> docs = Json.YAML.readerFor(JsonNode.class).readValues(file.toFile())) {
      while (docs.hasNext()) {
        JsonNode doc = docs.next();
        if (doc instanceof ObjectNode o && o.has("kind")) {
          out.add(o);
        }
      }
    }
    return out;
  }

  private static Optional<ResourceType> typeOf(ObjectNode obj) {
    String apiVersion = obj.get("apiVersion").asString();
    int slash = apiVersion.indexOf('/');
    String group = slash < 0 ? "" : apiVersion.substring(0, slash);
    return REGISTRY.findByKind(group, apiVersion.substring(slash + 1), obj.get("kind").asString());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("manifests")
  void applyingAManifestAgainIsANoOp(Path file) {
    int checked = 0;
    for (ObjectNode obj : objects(file)) {
      Optional<ResourceType> type = typeOf(obj);
      if (type.isEmpty()) {
        continue; // batch/v1beta1 CronJob: not served, as upstream
      }
      FieldManager fields = CATALOG.fieldManager(type.get());
      ObjectNode created = fields.apply(null, obj, "corpus", false, null);
      ObjectNode again = fields.apply(created, obj, "corpus", false, null);
      assertThat(again).as(obj.get("kind") + " applied twice").isEqualTo(created);
      assertThat(ManagedFields.decode(created).orElseThrow().values()).singleElement()
          .satisfies(e -> assertThat(e.manager()).isEqualTo("corpus"));
      assertThat(fields.strategicMerge(created, obj)).as("the manifest as a strategic merge patch")
          .isEqualTo(created);
      checked++;
    }
    assertThat(checked + objects(file).stream().filter(o -> typeOf(o).isEmpty()).count()).isPositive();
  }
}
