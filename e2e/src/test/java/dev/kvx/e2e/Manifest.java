package dev.kvx.e2e;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.MappingIterator;
import tools.jackson.dataformat.yaml.YAMLMapper;

/**
 * One manifest file of the example corpus (a copy of shared/corpus under test resources, so CI has
 * it) and the objects it declares, read to predict what kubectl prints for them.
 */
record Manifest(Path file, List<JsonNode> objects) {

  private static final YAMLMapper YAML = YAMLMapper.builder().build();

  /** Every manifest under {@code corpus/} on the test class path, by file name. */
  static List<Manifest> corpus() {
    try {
      Path root = Path.of(Manifest.class.getResource("/corpus").toURI());
      try (Stream<Path> files = Files.walk(root)) {
        return files
            .filter(f -> f.toString().endsWith(".yaml"))
            .sorted()
            .map(Manifest::read)
            .toList();
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  static Manifest read(Path file) {
    List<JsonNode> objects = new ArrayList<>();
    try (MappingIterator<JsonNode> docs =
        YAML.readerFor(JsonNode.class).readValues(file.toFile())) {
      while (docs.hasNext()) {
        JsonNode doc = docs.next();
        if (doc != null && doc.isObject() && doc.has("kind")) {
          objects.add(doc);
        }
      }
    }
    return new Manifest(file, List.copyOf(objects));
  }

  String name() {
    return file.getFileName().toString();
  }

  boolean declares(String kind) {
    return objects.stream().anyMatch(o -> kind(o).equals(kind));
  }

  /** Whether it holds a Pod already bound to a node, which only a kubelet would finish deleting. */
  boolean hasBoundPod() {
    return objects.stream()
        .anyMatch(o -> kind(o).equals("Pod") && !o.at("/spec/nodeName").asString("").isEmpty());
  }

  /** Identity of each object, to keep manifests that declare the same object apart. */
  List<String> keys() {
    return objects.stream()
        .map(
            o ->
                o.at("/apiVersion").asString()
                    + "/"
                    + kind(o)
                    + "/"
                    + o.at("/metadata/namespace").asString("")
                    + "/"
                    + o.at("/metadata/name").asString())
        .toList();
  }

  /** What kubectl prints per object: {@code deployment.apps/web}. */
  List<String> resourceNames() {
    return objects.stream()
        .map(o -> kindGroup(o) + "/" + o.at("/metadata/name").asString())
        .toList();
  }

  /** What {@code kubectl delete} prints per object: {@code deployment.apps "web" deleted}. */
  List<String> deletedLines() {
    return objects.stream()
        .map(o -> kindGroup(o) + " \"" + o.at("/metadata/name").asString() + "\" deleted")
        .toList();
  }

  static String kind(JsonNode o) {
    return o.at("/kind").asString("");
  }

  private static String kindGroup(JsonNode o) {
    String apiVersion = o.at("/apiVersion").asString();
    String group = apiVersion.contains("/") ? apiVersion.substring(0, apiVersion.indexOf('/')) : "";
    return kind(o).toLowerCase(Locale.ROOT) + (group.isEmpty() ? "" : "." + group);
  }

  @Override
  public String toString() {
    return name();
  }
}
