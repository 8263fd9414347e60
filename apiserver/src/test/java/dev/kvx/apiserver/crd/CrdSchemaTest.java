package dev.kvx.apiserver.crd;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kvx.apiserver.json.Json;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import tools.jackson.databind.node.ObjectNode;

/** Custom resources against a structural schema: validation messages, pruning and defaulting. */
class CrdSchemaTest {

  private static final StructuralSchema SCHEMA = StructuralSchema.parse(yaml("""
      type: object
      properties:
        spec:
          type: object
          required: [size]
          properties:
            replicas: {type: integer, minimum: 0, default: 1}
            size: {type: string, pattern: '^[a-z]+$', maxLength: 8, minLength: 2}
            mode: {type: string, enum: [a, b]}
            level: {type: integer, enum: [1, 2]}
            ratio: {type: number, maximum: 1, exclusiveMinimum: true, minimum: 0}
            big: {type: number, maximum: 1000000}
            port: {x-kubernetes-int-or-string: true}
            tags: {type: array, minItems: 1, maxItems: 2, items: {type: string}}
            set: {type: array, x-kubernetes-list-type: set, items: {type: string}}
            ports:
              type: array
              x-kubernetes-list-type: map
              x-kubernetes-list-map-keys: [name]
              items: {type: object, properties: {name: {type: string}, port: {type: integer}}}
            labels: {type: object, additionalProperties: {type: string}}
            free: {type: object, x-kubernetes-preserve-unknown-fields: true}
            template:
              type: object
              x-kubernetes-embedded-resource: true
              x-kubernetes-preserve-unknown-fields: true
            note: {type: string, nullable: true}
            count: {type: integer}
            nested:
              type: object
              default: {}
              properties:
                depth: {type: integer, default: 3}
            when: {type: string, format: date-time}
        status:
          type: object
          properties:
            ready: {type: boolean}
      """));

  static ObjectNode yaml(String text) {
    return (ObjectNode) Json.YAML.readTree(text);
  }

  private static List<String> causes(String objectYaml) {
    ObjectNode obj = yaml(objectYaml);
    SchemaPruning.prune(SCHEMA, obj);
    SchemaPruning.applyDefaults(SCHEMA, obj);
    return SchemaValidator.validate(SCHEMA, obj).stream().map(c -> c.field() + ": " + c.message()).toList();
  }

  static Stream<Arguments> invalidObjects() {
    return Stream.of(
        Arguments.of("integer given a string", "spec: {size: ab, replicas: three}", List.of("spec.replicas: Invalid value: \"string\": spec.replicas in body must be of type integer: \"string\"")),
        Arguments.of("integer given a fraction", "spec: {size: ab, replicas: 1.5}", List.of("spec.replicas: Invalid value: \"number\": spec.replicas in body must be of type integer: \"number\"")),
        Arguments.of("required field missing", "spec: {replicas: 1}", List.of("spec.size: Required value")),
        Arguments.of("enum of strings", "spec: {size: ab, mode: z}", List.of("spec.mode: Unsupported value: \"z\": supported values: \"a\", \"b\"")),
        Arguments.of("enum of integers", "spec: {size: ab, level: 3}", List.of("spec.level: Unsupported value: 3: supported values: \"1\", \"2\"")),
        Arguments.of("pattern", "spec: {size: AB}", List.of("spec.size: Invalid value: \"AB\": spec.size in body should match '^[a-z]+$'")),
        Arguments.of("maxLength", "spec: {size: abcdefghij}", List.of("spec.size: Too long: may not be more than 8 bytes")),
        Arguments.of("minLength", "spec: {size: a}", List.of("spec.size: Invalid value: \"a\": spec.size in body should be at least 2 chars long")),
        Arguments.of("minimum", "spec: {size: ab, replicas: -1}", List.of("spec.replicas: Invalid value: -1: spec.replicas in body should be greater than or equal to 0")),
        Arguments.of("maximum", "spec: {size: ab, ratio: 1.5}", List.of("spec.ratio: Invalid value: 1.5: spec.ratio in body should be less than or equal to 1")),
        Arguments.of("exclusive minimum", "spec: {size: ab, ratio: 0}", List.of("spec.ratio: Invalid value: 0: spec.ratio in body should be greater than 0")),
        Arguments.of("float bound printed as Go does", "spec: {size: ab, big: 2000000.5}", List.of("spec.big: Invalid value: 2.0000005e+06: spec.big in body should be less than or equal to 1e+06")),
        Arguments.of("int-or-string", "spec: {size: ab, port: true}", List.of("spec.port: Invalid value: \"boolean\": spec.port in body must be of type integer,string: \"boolean\"")),
        Arguments.of("maxItems", "spec: {size: ab, tags: [a, b, c]}", List.of("spec.tags: Too many: 3: must have at most 2 items")),
        Arguments.of("minItems", "spec: {size: ab, tags: []}", List.of("spec.tags: Invalid value: 0: spec.tags in body should have at least 1 items")),
        Arguments.of("array items", "spec: {size: ab, tags: [a, 1]}", List.of("spec.tags[1]: Invalid value: \"integer\": spec.tags[1] in body must be of type string: \"integer\"")),
        Arguments.of("additionalProperties values", "spec: {size: ab, labels: {a: 1}}", List.of("spec.labels.a: Invalid value: \"integer\": spec.labels.a in body must be of type string: \"integer\"")),
        Arguments.of("list-type set", "spec: {size: ab, set: [x, y, x]}", List.of("spec.set[2]: Duplicate value: \"x\"")),
        Arguments.of("list-type map", "spec: {size: ab, ports: [{name: a, port: 1}, {name: a, port: 2}]}", List.of("spec.ports[1]: Duplicate value: map[string]interface {}{\"name\":\"a\"}")),
        Arguments.of("embedded resource needs apiVersion and kind", "spec: {size: ab, template: {foo: 1}}", List.of("spec.template.apiVersion: Required value: must not be empty",
            "spec.template.kind: Required value: must not be empty")),
        Arguments.of("null inside an array", "spec: {size: ab, tags: [null]}", List.of("spec.tags[0]: Invalid value: \"null\": spec.tags[0] in body must be of type string: \"null\"")),
        Arguments.of("format date-time", "spec: {size: ab, when: yesterday}", List.of("spec.when: Invalid value: \"yesterday\": spec.when in body must be of type date-time: \"yesterday\"")),
        Arguments.of("object given a string", "spec: oops", List.of("spec: Invalid value: \"string\": spec in body must be of type object: \"string\"")));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("invalidObjects")
  void refusesWithUpstreamCauses(String name, String object, List<String> expected) {
    assertThat(causes(object)).containsExactlyElementsOf(expected);
  }

  @Test
  void acceptsValidValuesOfEveryKind() {
    assertThat(causes("""
        spec:
          size: abc
          replicas: 2.0
          mode: b
          level: 2
          ratio: 0.5
          port: 8080
          tags: [x]
          set: [x, y]
          ports: [{name: a, port: 1}, {name: b, port: 1}]
          labels: {a: b}
          free: {anything: [1, {deep: true}]}
          template: {apiVersion: v1, kind: Pod, spec: {containers: []}}
          note: null
          when: "2024-01-02T03:04:05Z"
        status: {ready: true}
        """)).isEmpty();
    assertThat(causes("spec: {size: ab, port: http}")).isEmpty();
  }

  @Test
  void prunesUnknownFieldsButKeepsResourceFieldsAndPreservedTrees() {
    ObjectNode obj = yaml("""
        apiVersion: example.com/v1
        kind: Widget
        metadata: {name: w, labels: {a: b}, bogus: 1}
        spec:
          size: ab
          extra: 1
          free: {kept: {deep: 1}}
          template: {apiVersion: v1, kind: Pod, metadata: {name: p, junk: 1}, spec: {kept: true}}
          ports: [{name: a, stray: 1}]
        unknownTop: {x: 1}
        status: {ready: true, stray: 1}
        """);
    List<String> removed = SchemaPruning.prune(SCHEMA, obj);
    assertThat(removed).containsExactlyInAnyOrder("metadata.bogus", "spec.extra", "spec.template.metadata.junk",
        "spec.ports[0].stray", "unknownTop", "status.stray");
    assertThat(obj).isEqualTo(yaml("""
        apiVersion: example.com/v1
        kind: Widget
        metadata: {name: w, labels: {a: b}}
        spec:
          size: ab
          free: {kept: {deep: 1}}
          template: {apiVersion: v1, kind: Pod, metadata: {name: p}, spec: {kept: true}}
          ports: [{name: a}]
        status: {ready: true}
        """));
  }

  @Test
  void dropsNullsOfNonNullableFieldsAndAppliesDefaults() {
    ObjectNode obj = yaml("spec: {size: ab, replicas: null, count: null, note: null}");
    SchemaPruning.prune(SCHEMA, obj);
    SchemaPruning.applyDefaults(SCHEMA, obj);
    assertThat(obj).isEqualTo(yaml("spec: {size: ab, replicas: 1, note: null, nested: {depth: 3}}"));
  }

  @Test
  void goFormatting() {
    assertThat(GoFormat.floatV(1000000)).isEqualTo("1e+06");
    assertThat(GoFormat.floatV(123456)).isEqualTo("123456");
    assertThat(GoFormat.floatV(0.0001)).isEqualTo("0.0001");
    assertThat(GoFormat.floatV(0.00001)).isEqualTo("1e-05");
    assertThat(GoFormat.floatV(-2.5)).isEqualTo("-2.5");
    assertThat(GoFormat.quote("a\"b\n\u0001é")).isEqualTo("\"a\\\"b\\n\\x01é\"");
    assertThat(GoFormat.badValue(yaml("{b: [1, x], a: null}")))
        .isEqualTo("map[string]interface {}{\"a\":interface {}(nil), \"b\":[]interface {}{1, \"x\"}}");
  }

  @Test
  void versionPriorityAsKubernetesSortsVersions() {
    List<String> versions = new java.util.ArrayList<>(
        List.of("foo1", "v1alpha1", "v1beta1", "v2", "v1", "v11alpha2", "v10beta3", "v3beta1", "foo10", "v12alpha1"));
    versions.sort(VersionPriority::compare);
    assertThat(versions).containsExactly(
        "v2", "v1", "v10beta3", "v3beta1", "v1beta1", "v12alpha1", "v11alpha2", "v1alpha1", "foo1", "foo10");
  }
}
