package dev.kvx.apiserver.crd;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kvx.apiserver.json.Json;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/** The CustomResourceDefinition strategy: defaulting and the validation apiextensions applies. */
class CrdValidationTest {

  private static final String VALID = """
      apiVersion: apiextensions.k8s.io/v1
      kind: CustomResourceDefinition
      metadata: {name: widgets.example.com}
      spec:
        group: example.com
        scope: Namespaced
        names: {plural: widgets, kind: Widget, shortNames: [wd]}
        versions:
        - name: v1
          served: true
          storage: true
          subresources:
            status: {}
            scale: {specReplicasPath: .spec.replicas, statusReplicasPath: .status.replicas}
          additionalPrinterColumns:
          - {name: Replicas, type: integer, jsonPath: .spec.replicas}
          schema:
            openAPIV3Schema:
              type: object
              properties:
                spec:
                  type: object
                  properties:
                    replicas: {type: integer, default: 1}
      """;

  private final CustomResourceDefinitionStrategy strategy = new CustomResourceDefinitionStrategy();

  private static ObjectNode crd(Consumer<ObjectNode> change) {
    ObjectNode crd = (ObjectNode) Json.YAML.readTree(VALID);
    change.accept(crd);
    return crd;
  }

  private static ObjectNode spec(ObjectNode crd) {
    return (ObjectNode) crd.get("spec");
  }

  private static ObjectNode version(ObjectNode crd, int i) {
    return (ObjectNode) crd.get("spec").get("versions").get(i);
  }

  private static ObjectNode schema(ObjectNode crd) {
    return (ObjectNode) version(crd, 0).get("schema").get("openAPIV3Schema");
  }

  private static ObjectNode specProps(ObjectNode crd) {
    return (ObjectNode) schema(crd).get("properties").get("spec").get("properties");
  }

  private List<String> causesOf(ObjectNode crd) {
    strategy.prepareForCreate(crd);
    return strategy.validate(crd).stream().map(c -> c.field() + ": " + c.message()).toList();
  }

  @Test
  void defaultsNamesConversionStatusAndFinalizer() {
    ObjectNode crd = crd(c -> {});
    assertThat(causesOf(crd)).isEmpty();
    assertThat(crd.at("/spec/names/singular").asString()).isEqualTo("widget");
    assertThat(crd.at("/spec/names/listKind").asString()).isEqualTo("WidgetList");
    assertThat(crd.at("/spec/conversion/strategy").asString()).isEqualTo("None");
    assertThat(crd.at("/status/storedVersions").toString()).isEqualTo("[\"v1\"]");
    assertThat(crd.at("/status/acceptedNames").toString()).isEqualTo("{\"plural\":\"\",\"kind\":\"\"}");
    assertThat(crd.at("/metadata/finalizers").toString())
        .isEqualTo("[\"customresourcecleanup.apiextensions.k8s.io\"]");
  }

  static Stream<Arguments> invalidDefinitions() {
    return Stream.of(
        Arguments.of("name is not plural.group", (Consumer<ObjectNode>) c ->
                ((ObjectNode) c.get("metadata")).put("name", "gadgets.example.com"),
            List.of("metadata.name: Invalid value: \"gadgets.example.com\": must be spec.names.plural+\".\"+spec.group")),
        Arguments.of("group without a dot", (Consumer<ObjectNode>) c -> {
              spec(c).put("group", "example");
              ((ObjectNode) c.get("metadata")).put("name", "widgets.example");
            },
            List.of("spec.group: Invalid value: \"example\": should be a domain with at least one dot")),
        Arguments.of("unknown scope", (Consumer<ObjectNode>) c -> spec(c).put("scope", "Global"),
            List.of("spec.scope: Unsupported value: \"Global\": supported values: \"Cluster\", \"Namespaced\"")),
        Arguments.of("two storage versions", (Consumer<ObjectNode>) c -> {
              ObjectNode v2 = version(c, 0).deepCopy().put("name", "v2");
              ((ArrayNode) spec(c).get("versions")).add(v2);
            },
            List.of("spec.versions: Invalid value: []apiextensions.CustomResourceDefinitionVersion{"
                + "apiextensions.CustomResourceDefinitionVersion{Name:\"v1\", Served:true, Storage:true, …}, "
                + "apiextensions.CustomResourceDefinitionVersion{Name:\"v2\", Served:true, Storage:true, …}}: "
                + "must have exactly one version marked as storage version",
                "status.storedVersions: Invalid value: []string{\"v1\"}: must have the storage version v2")),
        Arguments.of("schema required", (Consumer<ObjectNode>) c -> version(c, 0).remove("schema"),
            List.of("spec.versions[0].schema.openAPIV3Schema: Required value: schemas are required")),
        Arguments.of("field without type", (Consumer<ObjectNode>) c ->
                specProps(c).putObject("free").put("description", "untyped"),
            List.of("spec.versions[0].schema.openAPIV3Schema.properties[spec].properties[free].type: "
                + "Required value: must not be empty for specified object fields")),
        Arguments.of("array without items", (Consumer<ObjectNode>) c ->
                specProps(c).putObject("list").put("type", "array"),
            List.of("spec.versions[0].schema.openAPIV3Schema.properties[spec].properties[list].items: "
                + "Required value: must be specified")),
        Arguments.of("root not an object", (Consumer<ObjectNode>) c -> {
              schema(c).put("type", "string");
              schema(c).remove("properties");
            },
            List.of("spec.versions[0].schema.openAPIV3Schema.type: Invalid value: \"string\": must be object at the root")),
        Arguments.of("properties and additionalProperties", (Consumer<ObjectNode>) c ->
                ((ObjectNode) schema(c).get("properties").get("spec")).putObject("additionalProperties")
                    .put("type", "string"),
            List.of("spec.versions[0].schema.openAPIV3Schema.properties[spec].additionalProperties: "
                + "Forbidden: additionalProperties and properties are mutual exclusive")),
        Arguments.of("metadata beyond name", (Consumer<ObjectNode>) c ->
                ((ObjectNode) schema(c).get("properties")).putObject("metadata").put("type", "object")
                    .putObject("properties").putObject("labels").put("type", "object"),
            List.of("spec.versions[0].schema.openAPIV3Schema.properties[metadata]: Forbidden: must not specify"
                + " anything other than name and generateName, but metadata is implicitly specified")),
        Arguments.of("type inside anyOf", (Consumer<ObjectNode>) c ->
                ((ObjectNode) specProps(c).get("replicas")).putArray("anyOf").addObject().put("type", "string"),
            List.of("spec.versions[0].schema.openAPIV3Schema.properties[spec].properties[replicas].anyOf[0].type:"
                + " Forbidden: must be empty to be structural")),
        Arguments.of("default of the wrong type", (Consumer<ObjectNode>) c ->
                ((ObjectNode) specProps(c).get("replicas")).put("default", "one"),
            List.of("spec.versions[0].schema.openAPIV3Schema.properties[spec].properties[replicas].default: "
                + "Invalid value: \"string\":  in body must be of type integer: \"string\"")),
        Arguments.of("uniqueItems", (Consumer<ObjectNode>) c -> specProps(c).putObject("list").put("type", "array")
                .put("uniqueItems", true).putObject("items").put("type", "string"),
            List.of("spec.versions[0].schema.openAPIV3Schema.properties[spec].properties[list].uniqueItems: "
                + "Forbidden: uniqueItems cannot be set to true since the runtime complexity becomes quadratic")),
        Arguments.of("scale path outside spec", (Consumer<ObjectNode>) c ->
                ((ObjectNode) version(c, 0).get("subresources").get("scale")).put("specReplicasPath", ".status.x"),
            List.of("spec.versions[0].subresources.scale.specReplicasPath: Invalid value: \".status.x\": "
                + "should be a json path under .spec")),
        Arguments.of("printer column type", (Consumer<ObjectNode>) c ->
                ((ObjectNode) version(c, 0).get("additionalPrinterColumns").get(0)).put("type", "int"),
            List.of("spec.versions[0].additionalPrinterColumns[0].type: Invalid value: \"int\": "
                + "must be one of boolean,date,integer,number,string")),
        Arguments.of("kind not a label", (Consumer<ObjectNode>) c ->
                ((ObjectNode) spec(c).get("names")).put("kind", "Wid_get").put("singular", "widget")
                    .put("listKind", "WidgetList"),
            List.of("spec.names.kind: Invalid value: \"Wid_get\": may have mixed case, but should otherwise match: "
                + "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an "
                + "alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', "
                + "regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')")),
        Arguments.of("protected group", (Consumer<ObjectNode>) c -> {
              spec(c).put("group", "widgets.k8s.io");
              ((ObjectNode) c.get("metadata")).put("name", "widgets.widgets.k8s.io");
            },
            List.of("metadata.annotations[api-approved.kubernetes.io]: Required value: protected groups must have"
                + " approval annotation \"api-approved.kubernetes.io\", see"
                + " https://github.com/kubernetes/enhancements/pull/1111")));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("invalidDefinitions")
  void refusesInvalidDefinitions(String name, Consumer<ObjectNode> change, List<String> expected) {
    assertThat(causesOf(crd(change))).containsExactlyElementsOf(expected);
  }

  @Test
  void intOrStringPatternIsStructural() {
    ObjectNode crd = crd(c -> specProps(c).set("port", Json.YAML.readTree(
        "{x-kubernetes-int-or-string: true, anyOf: [{type: integer}, {type: string}]}")));
    assertThat(causesOf(crd)).isEmpty();
  }

  @Test
  void updateKeepsGroupAndPluralAndStoredVersions() {
    ObjectNode old = crd(c -> {});
    strategy.prepareForCreate(old);
    ((ObjectNode) old.get("status")).putArray("conditions").addObject().put("type", "Established").put("status", "True");
    ObjectNode renamed = old.deepCopy();
    ((ObjectNode) renamed.at("/spec/names")).put("kind", "Gadget").put("listKind", "GadgetList");
    spec(renamed).put("scope", "Cluster");
    strategy.prepareForUpdate(renamed, old);
    assertThat(strategy.validateUpdate(renamed, old)).extracting(c -> c.field() + ": " + c.message())
        .containsExactly("spec.scope: Invalid value: \"Cluster\": field is immutable",
            "spec.names.kind: Invalid value: \"Gadget\": field is immutable");

    ObjectNode moved = old.deepCopy();
    version(moved, 0).put("name", "v2");
    strategy.prepareForUpdate(moved, old);
    assertThat(moved.at("/status/storedVersions").toString()).isEqualTo("[\"v1\",\"v2\"]");
    assertThat(strategy.validateUpdate(moved, old)).extracting(c -> c.field() + ": " + c.message())
        .containsExactly("status.storedVersions[0]: Invalid value: \"v1\": missing from spec.versions; v1 was"
            + " previously a storage version, and must remain in spec.versions until a storage migration ensures"
            + " no data remains persisted in v1 and removes v1 from status.storedVersions");
  }
}
