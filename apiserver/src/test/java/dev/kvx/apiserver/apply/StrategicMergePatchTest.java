package dev.kvx.apiserver.apply;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kvx.apiserver.errors.StatusException;
import dev.kvx.apiserver.json.Json;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Strategic merge patch semantics, as a table of original/patch/result cases in the spirit of
 * upstream's {@code strategicpatch/patch_test.go}, over a schema shaped like its {@code MergeItem}.
 */
class StrategicMergePatchTest {

  /** MergeItem: lists that merge (by name, or as a set of ints), lists that do not, special maps. */
  static final String SCHEMA = """
      {"components":{"schemas":{"mergeItem":{"type":"object","properties":{
        "name":{"type":"string"},"value":{"type":"string"},"other":{"type":"string"},
        "mergingList":{"type":"array","items":{"$ref":"#/components/schemas/mergeItem"},
          "x-kubernetes-patch-strategy":"merge","x-kubernetes-patch-merge-key":"name"},
        "nonMergingList":{"type":"array","items":{"$ref":"#/components/schemas/mergeItem"}},
        "mergingIntList":{"type":"array","items":{"type":"integer"},"x-kubernetes-patch-strategy":"merge"},
        "nonMergingIntList":{"type":"array","items":{"type":"integer"}},
        "simpleMap":{"type":"object","additionalProperties":{"type":"string"}},
        "replacingItem":{"x-kubernetes-preserve-unknown-fields":true,"x-kubernetes-patch-strategy":"replace"},
        "retainKeysMap":{"allOf":[{"$ref":"#/components/schemas/mergeItem"}],
          "x-kubernetes-patch-strategy":"retainKeys"},
        "retainKeysMergingList":{"type":"array","items":{"$ref":"#/components/schemas/mergeItem"},
          "x-kubernetes-patch-strategy":"merge,retainKeys","x-kubernetes-patch-merge-key":"name"}
      }}}}}""";

  static final PatchMeta MERGE_ITEM = metaOf(SCHEMA, "mergeItem");

  static PatchMeta metaOf(String document, String definition) {
    JsonNode schemas = Json.parse(document).get("components").get("schemas");
    return OpenApiPatchMeta.of(schemas.get(definition), schemas::get);
  }

  record Case(String name, String original, String patch, String result) {
    @Override
    public String toString() {
      return name;
    }
  }

  static Stream<Case> cases() {
    List<Case> c = new ArrayList<>();
    c.add(new Case("add a field", "{name: 1}", "{value: 1}", "{name: 1, value: 1}"));
    c.add(new Case("null deletes a field", "{name: 1, value: 1}", "{value: null}", "{name: 1}"));
    c.add(new Case("null of a missing field is ignored", "{name: 1}", "{value: null}", "{name: 1}"));
    c.add(new Case("maps merge key by key", "{simpleMap: {a: x, b: y}}", "{simpleMap: {b: z, c: w, a: null}}",
        "{simpleMap: {b: z, c: w}}"));
    c.add(new Case("a value of another type replaces", "{simpleMap: {a: x}}", "{simpleMap: [1]}",
        "{simpleMap: [1]}"));
    c.add(new Case("scalar sets stay unique", "{mergingIntList: [1, 2]}", "{mergingIntList: [2, 3]}",
        "{mergingIntList: [1, 2, 3]}"));
    c.add(new Case("non-merging lists are replaced", "{nonMergingIntList: [1, 2]}", "{nonMergingIntList: [3]}",
        "{nonMergingIntList: [3]}"));
    c.add(new Case("non-merging lists of maps are replaced",
        "{nonMergingList: [{name: 1, value: a}, {name: 2}]}", "{nonMergingList: [{name: 1}]}",
        "{nonMergingList: [{name: 1}]}"));
    c.add(new Case("items merge by their merge key",
        "{mergingList: [{name: 1, value: a}, {name: 2, value: b}]}",
        "{mergingList: [{name: 1, other: x}]}",
        "{mergingList: [{name: 1, value: a, other: x}, {name: 2, value: b}]}"));
    c.add(new Case("a field of an item is deleted with null",
        "{mergingList: [{name: 1, value: a, other: x}]}",
        "{mergingList: [{name: 1, other: null}]}",
        "{mergingList: [{name: 1, value: a}]}"));
    c.add(new Case("new items come before live-only ones without an order directive",
        "{mergingList: [{name: 1}, {name: 2}]}", "{mergingList: [{name: 3}]}",
        "{mergingList: [{name: 3}, {name: 1}, {name: 2}]}"));
    c.add(new Case("patch order wins among patched items",
        "{mergingList: [{name: 1}, {name: 2, value: b}, {name: 3}]}",
        "{mergingList: [{name: 3, value: c}, {name: 1, value: a}, {name: 2, other: x}]}",
        "{mergingList: [{name: 3, value: c}, {name: 1, value: a}, {name: 2, value: b, other: x}]}"));
    c.add(new Case("live-only items keep their place before later patched items",
        "{mergingList: [{name: 1}, {name: 2, value: b}, {name: 3}]}",
        "{mergingList: [{name: 3, value: c}, {name: 1, value: a}]}",
        "{mergingList: [{name: 2, value: b}, {name: 3, value: c}, {name: 1, value: a}]}"));
    c.add(new Case("scalar lists follow the patch order too",
        "{mergingIntList: [1, 2, 3]}", "{mergingIntList: [3, 1]}", "{mergingIntList: [2, 3, 1]}"));
    c.add(new Case("$patch: delete removes an item",
        "{mergingList: [{name: 1}, {name: 2, value: b}]}",
        "{mergingList: [{name: 1, $patch: delete}]}",
        "{mergingList: [{name: 2, value: b}]}"));
    c.add(new Case("$patch: delete removes one duplicate per directive",
        "{mergingList: [{name: 1}, {name: 1}, {name: 2, value: a}, {name: 3}, {name: 3}]}",
        "{mergingList: [{name: 1, $patch: delete}, {name: 3, $patch: delete}]}",
        "{mergingList: [{name: 1}, {name: 2, value: a}, {name: 3}]}"));
    c.add(new Case("$patch: replace in a list replaces it",
        "{mergingList: [{name: 1}, {name: 2}]}",
        "{mergingList: [{name: 3, value: c}, {$patch: replace}]}",
        "{mergingList: [{name: 3, value: c}]}"));
    c.add(new Case("$patch: replace alone empties a list",
        "{mergingList: [{name: 1}, {name: 2}]}", "{mergingList: [{$patch: replace}]}", "{mergingList: []}"));
    c.add(new Case("$patch: replace on a map replaces it",
        "{simpleMap: {a: x}, name: n}", "{simpleMap: {b: y, $patch: replace}}", "{simpleMap: {b: y}, name: n}"));
    c.add(new Case("$patch: replace at the top replaces the object",
        "{name: 1, value: 1}", "{other: a, $patch: replace}", "{other: a}"));
    c.add(new Case("$patch: delete on a map empties it",
        "{simpleMap: {a: x}}", "{simpleMap: {$patch: delete}}", "{simpleMap: {}}"));
    c.add(new Case("a replace strategy replaces the whole value",
        "{replacingItem: {a: 1, b: {c: 2}}}", "{replacingItem: {b: {d: 3}}}", "{replacingItem: {b: {d: 3}}}"));
    c.add(new Case("$retainKeys clears keys it does not list",
        "{retainKeysMap: {name: foo, value: a, other: b}}",
        "{retainKeysMap: {$retainKeys: [name, other], other: c}}",
        "{retainKeysMap: {name: foo, other: c}}"));
    c.add(new Case("without $retainKeys a retainKeys map merges",
        "{retainKeysMap: {name: foo}}", "{retainKeysMap: {value: bar}}", "{retainKeysMap: {name: foo, value: bar}}"));
    c.add(new Case("$retainKeys inside merged items",
        "{retainKeysMergingList: [{name: foo, value: a}, {name: bar}]}",
        "{retainKeysMergingList: [{name: foo, other: b, $retainKeys: [name, other]}]}",
        "{retainKeysMergingList: [{name: foo, other: b}, {name: bar}]}"));
    c.add(new Case("$setElementOrder orders a merged list",
        "{mergingList: [{name: 1}, {name: 2}, {name: 3}]}",
        "{$setElementOrder/mergingList: [{name: 3}, {name: 1}, {name: 2}], mergingList: [{name: 3, value: c}]}",
        "{mergingList: [{name: 3, value: c}, {name: 1}, {name: 2}]}"));
    c.add(new Case("$setElementOrder puts an added item in place",
        "{mergingList: [{name: 1}, {name: 3}]}",
        "{$setElementOrder/mergingList: [{name: 1}, {name: 2}, {name: 3}], mergingList: [{name: 2, value: b}]}",
        "{mergingList: [{name: 1}, {name: 2, value: b}, {name: 3}]}"));
    c.add(new Case("$setElementOrder with a deletion",
        "{mergingList: [{name: 1}, {name: 2}, {name: 3}]}",
        "{$setElementOrder/mergingList: [{name: 3}, {name: 1}], mergingList: [{name: 2, $patch: delete}]}",
        "{mergingList: [{name: 3}, {name: 1}]}"));
    c.add(new Case("$setElementOrder naming a missing item",
        "{mergingList: [{name: 1}, {name: 3}]}",
        "{$setElementOrder/mergingList: [{name: 3}, {name: 2}, {name: 1}], mergingList: [{name: 3, value: 3},"
            + " {name: 1, value: 1}]}",
        "{mergingList: [{name: 3, value: 3}, {name: 1, value: 1}]}"));
    c.add(new Case("$setElementOrder of a scalar list alone reorders",
        "{mergingIntList: [1, 3]}", "{$setElementOrder/mergingIntList: [3, 2, 1]}", "{mergingIntList: [3, 1]}"));
    c.add(new Case("$deleteFromPrimitiveList removes scalars",
        "{mergingIntList: [1, 2, 3]}", "{$deleteFromPrimitiveList/mergingIntList: [2, 4]}",
        "{mergingIntList: [1, 3]}"));
    c.add(new Case("kubectl's finalizer removal: order plus deletion list",
        "{mergingIntList: [1, 2, 3]}",
        "{$setElementOrder/mergingIntList: [1, 3], $deleteFromPrimitiveList/mergingIntList: [2]}",
        "{mergingIntList: [1, 3]}"));
    c.add(new Case("a deletion list for a missing list adds nothing",
        "{name: 1}", "{$deleteFromPrimitiveList/mergingIntList: [2]}", "{name: 1}"));
    c.add(new Case("a new value is stored without nulls or directives",
        "{name: 1}",
        "{mergingList: [{name: 2, value: null, mergingList: [{name: 3, $patch: delete}]}], simpleMap: {a: null}}",
        "{name: 1, mergingList: [{name: 2, mergingList: []}], simpleMap: {}}"));
    c.add(new Case("nested merging lists merge at every level",
        "{mergingList: [{name: 1, mergingList: [{name: a, value: x}]}]}",
        "{mergingList: [{name: 1, mergingList: [{name: b}]}]}",
        "{mergingList: [{name: 1, mergingList: [{name: b}, {name: a, value: x}]}]}"));
    c.add(new Case("merge keys compare numbers by value",
        "{mergingList: [{name: 80, value: a}]}", "{mergingList: [{name: 80.0, other: b}]}",
        "{mergingList: [{name: 80.0, value: a, other: b}]}"));
    return c.stream();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void appliesPatch(Case c) {
    ObjectNode original = yaml(c.original());
    ObjectNode before = original.deepCopy();
    ObjectNode result = StrategicMergePatch.apply(original, yaml(c.patch()), MERGE_ITEM);
    assertThat(Json.string(result)).isEqualTo(Json.string(yaml(c.result())));
    assertThat(original).as("the original is not modified").isEqualTo(before);
  }

  record Bad(String name, String original, String patch, String message) {
    @Override
    public String toString() {
      return name;
    }
  }

  static Stream<Bad> malformed() {
    return Stream.of(
        new Bad("missing merge key", "{mergingList: [{name: 1, value: a}]}", "{mergingList: [{value: b}]}",
            "does not contain declared merge key: name"),
        new Bad("order directive disagrees with the patch list", "{mergingList: [{name: 1}, {name: 3}, {name: 2}]}",
            "{$setElementOrder/mergingList: [{name: 1}, {name: 2}, {name: 3}], mergingList: [{name: 3, value: 3},"
                + " {name: 1, value: 1}]}", "doesn't match $setElementOrder list"),
        new Bad("patch content outside $retainKeys", "{retainKeysMap: {name: a}}",
            "{retainKeysMap: {$retainKeys: [name], value: b}}", "patch content doesn't match retainKeys list"),
        new Bad("unknown map directive", "{simpleMap: {a: b}}", "{simpleMap: {$patch: explode}}",
            "unknown patch type: explode"),
        new Bad("merge directive in a list", "{mergingList: [{name: 1}]}", "{mergingList: [{$patch: merge}]}",
            "merging lists cannot yet be specified in the patch"),
        new Bad("lists of lists", "{mergingIntList: [1]}", "{mergingIntList: [[2]]}", "lists of lists are not supported"),
        new Bad("retainKeys that is not a list", "{retainKeysMap: {name: a}}", "{retainKeysMap: {$retainKeys: a}}",
            "invalid patch format of retainKeys"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("malformed")
  void rejectsMalformedPatch(Bad c) {
    assertThatThrownBy(() -> StrategicMergePatch.apply(yaml(c.original()), yaml(c.patch()), MERGE_ITEM))
        .isInstanceOfSatisfying(StatusException.class, e -> assertThat(e.code()).isEqualTo(400))
        .hasMessageContaining(c.message());
  }

  @Test
  void withoutSchemaListsAreReplacedAndMapsMerged() {
    ObjectNode result = StrategicMergePatch.apply(yaml("{a: {b: 1, c: [1, 2]}}"), yaml("{a: {c: [3], d: 2}}"),
        PatchMeta.NONE);
    assertThat(result).isEqualTo(yaml("{a: {b: 1, c: [3], d: 2}}"));
  }

  @Test
  void aPatchMustBeAnObject() {
    assertThatThrownBy(() -> StrategicMergePatch.apply(yaml("{a: 1}"), Json.parse("[1]"), MERGE_ITEM))
        .isInstanceOf(StatusException.class).hasMessage("invalid JSON document");
  }

  static ObjectNode yaml(String flow) {
    return (ObjectNode) Json.YAML.readTree(flow);
  }
}
