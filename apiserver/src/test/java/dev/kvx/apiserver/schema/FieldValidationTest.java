package dev.kvx.apiserver.schema;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kvx.apiserver.errors.StatusException;
import dev.kvx.apiserver.json.Json;
import dev.kvx.apiserver.registry.BuiltinResources;
import dev.kvx.apiserver.registry.ResourceType;
import dev.kvx.apiserver.schema.FieldValidation.Directive;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import tools.jackson.databind.node.ObjectNode;

/** Decoding built-in objects: pruning, unknown and duplicate fields per directive, type errors. */
class FieldValidationTest {

  static ResourceType type(String apiVersion, String kind) {
    return BuiltinResources.ALL.stream()
        .filter(t -> t.apiVersion().equals(apiVersion) && t.kind().equals(kind))
        .findFirst().orElseThrow();
  }

  static final ResourceType DEPLOYMENT = type("apps/v1", "Deployment");
  static final ResourceType POD = type("v1", "Pod");

  static ObjectNode json(String s) {
    return (ObjectNode) Json.parse(s);
  }

  private static final String DEPLOYMENT_WITH_UNKNOWN = """
      {"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"d","bogus":1},
       "spec":{"foo":"x","template":{"spec":{"containers":[{"name":"c","image":"i","extra":true}]}}}}""";

  @Test
  void unknownFieldsAreNamedWithTheirPath() {
    assertThat(FieldValidation.unknownFields(DEPLOYMENT, json(DEPLOYMENT_WITH_UNKNOWN)))
        .containsExactly("metadata.bogus", "spec.foo", "spec.template.spec.containers[0].extra");
  }

  @Test
  void strictRefusesUnknownFieldsWithUpstreamsMessage() {
    assertThatThrownBy(() -> FieldValidation.decode(DEPLOYMENT, json(DEPLOYMENT_WITH_UNKNOWN), List.of(), Directive.STRICT))
        .isInstanceOfSatisfying(StatusException.class, e -> {
          assertThat(e.code()).isEqualTo(400);
          assertThat(e.reason()).isEqualTo("BadRequest");
          assertThat(e.getMessage()).isEqualTo("Deployment in version \"v1\" cannot be handled as a Deployment:"
              + " strict decoding error: unknown field \"metadata.bogus\", unknown field \"spec.foo\","
              + " unknown field \"spec.template.spec.containers[0].extra\"");
        });
  }

  @Test
  void warnReturnsWarningsAndPrunes() {
    ObjectNode obj = json(DEPLOYMENT_WITH_UNKNOWN);
    List<String> warnings = FieldValidation.decode(DEPLOYMENT, obj, List.of("spec.replicas"), Directive.WARN);
    assertThat(warnings).containsExactly("duplicate field \"spec.replicas\"", "unknown field \"metadata.bogus\"",
        "unknown field \"spec.foo\"", "unknown field \"spec.template.spec.containers[0].extra\"");
    assertThat(obj.at("/spec").has("foo")).isFalse();
    assertThat(obj.at("/spec/template/spec/containers/0").has("extra")).isFalse();
    assertThat(obj.at("/spec/template/spec/containers/0/image").asString()).isEqualTo("i");
  }

  @Test
  void ignoreSaysNothingButStillPrunes() {
    ObjectNode obj = json(DEPLOYMENT_WITH_UNKNOWN);
    assertThat(FieldValidation.decode(DEPLOYMENT, obj, List.of("spec.replicas"), Directive.IGNORE)).isEmpty();
    assertThat(FieldValidation.unknownFields(DEPLOYMENT, obj)).isEmpty();
  }

  @Test
  void pruneDropsNullsOfKnownFields() {
    ObjectNode obj = json("{\"metadata\":{\"name\":\"p\",\"labels\":null},\"spec\":{\"nodeName\":null,\"containers\":[]}}");
    FieldValidation.prune(POD, obj);
    assertThat(obj.at("/metadata").has("labels")).isFalse();
    assertThat(obj.at("/spec").has("nodeName")).isFalse();
    assertThat(obj.at("/spec").has("containers")).isTrue();
  }

  @Test
  void managedFieldsAreFreeForm() {
    ObjectNode obj = json("""
        {"metadata":{"name":"p","managedFields":[{"manager":"kubectl","operation":"Apply","fieldsType":"FieldsV1",
          "fieldsV1":{"f:spec":{"f:containers":{"k:{\\"name\\":\\"c\\"}":{".":{}}}}}}]}}""");
    ObjectNode before = obj.deepCopy();
    assertThat(FieldValidation.decode(POD, obj, List.of(), Directive.STRICT)).isEmpty();
    assertThat(obj).isEqualTo(before);
  }

  @Test
  void customResourcesPassUntouched() {
    ResourceType widget = new ResourceType("example.com", "v1", "Widget", "widgets", "widget", true,
        List.of(), List.of(), java.util.Set.of(), "/registry/example.com/widgets/");
    ObjectNode obj = json("{\"spec\":{\"anything\":1}}");
    assertThat(FieldValidation.decode(widget, obj, List.of(), Directive.STRICT)).isEmpty();
    assertThat(obj.at("/spec/anything").asInt()).isEqualTo(1);
  }

  static Stream<Arguments> typeErrors() {
    return Stream.of(
        Arguments.of("array for an object", """
            {"spec":{"affinity":{"nodeAffinity":{"requiredDuringSchedulingIgnoredDuringExecution":[{"weight":5}]}}}}""",
            "json: cannot unmarshal array into Go struct field NodeAffinity.spec.affinity.nodeAffinity"
                + ".requiredDuringSchedulingIgnoredDuringExecution of type v1.NodeSelector"),
        Arguments.of("number for a string", """
            {"spec":{"containers":[{"name":"c","env":[{"name":"PORT","value":8080}]}]}}""",
            "json: cannot unmarshal number into Go struct field EnvVar.spec.containers.env.value of type string"),
        Arguments.of("string for an int32", """
            {"spec":{"containers":[{"name":"c","ports":[{"containerPort":"80"}]}]}}""",
            "json: cannot unmarshal string into Go struct field ContainerPort.spec.containers.ports.containerPort of type int32"),
        Arguments.of("fraction for an int64", """
            {"spec":{"terminationGracePeriodSeconds":1.5}}""",
            "json: cannot unmarshal number 1.5 into Go struct field PodSpec.spec.terminationGracePeriodSeconds of type int64"),
        Arguments.of("object for a list", """
            {"spec":{"containers":{"name":"c"}}}""",
            "json: cannot unmarshal object into Go struct field PodSpec.spec.containers of type []v1.Container"),
        Arguments.of("bool for a label value", """
            {"metadata":{"labels":{"on":true}}}""",
            "json: cannot unmarshal bool into Go struct field ObjectMeta.metadata.labels of type string"),
        Arguments.of("bad quantity", """
            {"spec":{"containers":[{"name":"c","resources":{"limits":{"cpu":"one"}}}]}}""",
            "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("typeErrors")
  void mistypedValuesAreBadRequests(String name, String body, String error) {
    ObjectNode obj = json(body);
    assertThat(FieldValidation.typeError(POD, obj)).contains(error);
    assertThatThrownBy(() -> FieldValidation.decode(POD, obj, List.of(), Directive.IGNORE))
        .isInstanceOfSatisfying(StatusException.class, e -> {
          assertThat(e.code()).isEqualTo(400);
          assertThat(e.getMessage()).isEqualTo("Pod in version \"v1\" cannot be handled as a Pod: " + error);
        });
  }

  @Test
  void wellTypedScalarsPass() {
    ObjectNode obj = json("""
        {"spec":{"containers":[{"name":"c","ports":[{"containerPort":80}],
          "resources":{"limits":{"cpu":"500m","memory":"1Gi"},"requests":{"cpu":1}},
          "livenessProbe":{"httpGet":{"port":"http"}}}],"terminationGracePeriodSeconds":30,
          "hostNetwork":false}}""");
    assertThat(FieldValidation.typeError(POD, obj)).isEmpty();
  }

  @Test
  void duplicateFieldsInJsonAndYaml() {
    String body = """
        {"metadata":{"name":"a","name":"b"},"spec":{"template":{"spec":{"containers":[
          {"name":"c","image":"i"},{"name":"d","imagePullPolicy":"Always","imagePullPolicy":"Never"}]}}}}""";
    assertThat(DuplicateFields.of(body.getBytes(StandardCharsets.UTF_8), false))
        .containsExactly("metadata.name", "spec.template.spec.containers[1].imagePullPolicy");
    String yaml = """
        metadata:
          name: a
        spec:
          replicas: 1
          selector: {matchLabels: {app: x}}
          replicas: 2
        """;
    assertThat(DuplicateFields.of(yaml.getBytes(StandardCharsets.UTF_8), true)).containsExactly("spec.replicas");
    assertThat(DuplicateFields.of("{not json".getBytes(StandardCharsets.UTF_8), false)).isEmpty();
  }

  @Test
  void directiveParsing() {
    assertThat(Directive.parse(null, "CreateOptions")).isEqualTo(Directive.WARN);
    assertThat(Directive.parse("Strict", "CreateOptions")).isEqualTo(Directive.STRICT);
    assertThat(Directive.parse("Ignore", "PatchOptions")).isEqualTo(Directive.IGNORE);
    assertThatThrownBy(() -> Directive.parse("strict", "UpdateOptions"))
        .isInstanceOfSatisfying(StatusException.class, e -> {
          assertThat(e.code()).isEqualTo(422);
          assertThat(e.getMessage()).startsWith("UpdateOptions.meta.k8s.io \"\" is invalid: fieldValidation:"
              + " Unsupported value: \"strict\"");
        });
  }
}
