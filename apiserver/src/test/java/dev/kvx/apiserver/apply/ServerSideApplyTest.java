package dev.kvx.apiserver.apply;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kvx.apiserver.errors.StatusException;
import dev.kvx.apiserver.errors.Statuses;
import dev.kvx.apiserver.json.Json;
import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Server-side apply ownership: who owns what after create, update and apply, conflicts and force,
 * pruning of fields an applier stops applying, keyed lists and sets, atomic structs, and the
 * decorations of upstream's field manager (before-first-apply, kubectl's last-applied allowance).
 */
class ServerSideApplyTest {

  /** A Deployment-like kind: keyed containers and ports, a set of finalizers, an atomic selector. */
  static final String SCHEMA = """
      {"components":{"schemas":{
        "Widget":{"type":"object","properties":{
          "apiVersion":{"type":"string"},"kind":{"type":"string"},
          "metadata":{"$ref":"#/components/schemas/ObjectMeta"},
          "spec":{"$ref":"#/components/schemas/WidgetSpec"},
          "status":{"type":"object","properties":{"ready":{"type":"integer"}}}}},
        "ObjectMeta":{"type":"object","properties":{
          "name":{"type":"string"},"namespace":{"type":"string"},"resourceVersion":{"type":"string"},
          "labels":{"type":"object","additionalProperties":{"type":"string"}},
          "annotations":{"type":"object","additionalProperties":{"type":"string"}},
          "finalizers":{"type":"array","items":{"type":"string"},"x-kubernetes-patch-strategy":"merge"},
          "managedFields":{"type":"array","items":{"type":"object"}}}},
        "WidgetSpec":{"type":"object","properties":{
          "replicas":{"type":"integer"},
          "selector":{"$ref":"#/components/schemas/Selector"},
          "tolerations":{"type":"array","items":{"type":"object"}},
          "source":{"$ref":"#/components/schemas/Source"},
          "containers":{"type":"array","items":{"$ref":"#/components/schemas/Container"},
            "x-kubernetes-patch-strategy":"merge","x-kubernetes-patch-merge-key":"name"}}},
        "Selector":{"type":"object","x-kubernetes-map-type":"atomic",
          "properties":{"matchLabels":{"type":"object","additionalProperties":{"type":"string"}}}},
        "Container":{"type":"object","properties":{
          "name":{"type":"string"},"image":{"type":"string"},
          "env":{"type":"array","items":{"type":"object","properties":{"name":{"type":"string"},
            "value":{"type":"string"}}},"x-kubernetes-patch-strategy":"merge","x-kubernetes-patch-merge-key":"name"},
          "ports":{"type":"array","items":{"$ref":"#/components/schemas/Port"},
            "x-kubernetes-patch-strategy":"merge","x-kubernetes-patch-merge-key":"containerPort",
            "x-kubernetes-list-type":"map","x-kubernetes-list-map-keys":["containerPort","protocol"]}}},
        "Source":{"type":"object","properties":{
          "emptyDir":{"type":"object","properties":{"medium":{"type":"string"}}},
          "configMap":{"type":"object","properties":{"name":{"type":"string"}}}}},
        "Port":{"type":"object","properties":{"containerPort":{"type":"integer"},
          "protocol":{"type":"string","default":"TCP"}}}
      }}}""";

  static final PatchMeta WIDGET = StrategicMergePatchTest.metaOf(SCHEMA, "Widget");
  static final Instant T1 = Instant.parse("2026-11-26T10:00:00Z");
  static final Instant T2 = Instant.parse("2026-11-26T11:00:00Z");
  static final FieldSet STATUS = FieldSet.of(List.of(List.of("f:status")));

  static ObjectNode yaml(String flow) {
    return StrategicMergePatchTest.yaml(flow);
  }

  static ObjectNode widget(String spec) {
    return yaml("{apiVersion: example.com/v1, kind: Widget, metadata: {name: w, namespace: default}, spec: "
        + spec + "}");
  }

  static ObjectNode apply(ObjectNode live, ObjectNode config, String manager, boolean force, Instant at) {
    return ServerSideApply.apply(live, config, manager, force, WIDGET, null, STATUS, at);
  }

  static ObjectNode create(ObjectNode obj, String manager) {
    return ManagedFields.recordUpdate(null, obj, manager, "example.com/v1", null, T1, WIDGET, STATUS);
  }

  /** The FieldsV1 of one manager's entry, or null. */
  static JsonNode fieldsOf(JsonNode obj, String manager, String operation) {
    for (JsonNode e : obj.path("metadata").path("managedFields")) {
      if (manager.equals(Json.text(e, "manager")) && operation.equals(Json.text(e, "operation"))) {
        return e.get("fieldsV1");
      }
    }
    return null;
  }

  static int status(Runnable r) {
    try {
      r.run();
      return 200;
    } catch (StatusException e) {
      return e.code();
    }
  }

  @Test
  void createOnApplyOwnsExactlyTheAppliedFields() {
    ObjectNode config = widget("{replicas: 2, selector: {matchLabels: {app: w}}, containers: [{name: c, image: i,"
        + " ports: [{containerPort: 80}]}]}");
    Json.with(config, "metadata").putObject("labels").put("app", "w");
    ObjectNode created = apply(null, config, "kubectl", false, T1);

    assertThat(created.get("spec")).isEqualTo(config.get("spec"));
    JsonNode entry = created.at("/metadata/managedFields/0");
    assertThat(Json.string(entry)).isEqualTo("{\"manager\":\"kubectl\",\"operation\":\"Apply\","
        + "\"apiVersion\":\"example.com/v1\",\"time\":\"2026-11-26T10:00:00Z\",\"fieldsType\":\"FieldsV1\","
        + "\"fieldsV1\":{\"f:metadata\":{\"f:labels\":{\"f:app\":{}}},\"f:spec\":{\"f:containers\":{"
        + "\"k:{\\\"name\\\":\\\"c\\\"}\":{\".\":{},\"f:image\":{},\"f:name\":{},\"f:ports\":{"
        + "\"k:{\\\"containerPort\\\":80,\\\"protocol\\\":\\\"TCP\\\"}\":{\".\":{},\"f:containerPort\":{}}}}},"
        + "\"f:replicas\":{},\"f:selector\":{}}}}");
  }

  @Test
  void anEmptyStructIsOwnedAsALeaf() {
    ObjectNode created = apply(null, widget("{source: {emptyDir: {}}}"), "kubectl", false, T1);
    assertThat(fieldsOf(created, "kubectl", "Apply"))
        .isEqualTo(Json.parse("{\"f:spec\":{\"f:source\":{\"f:emptyDir\":{}}}}"));
  }

  @Test
  void applyingTheSameConfigurationTwiceChangesNothing() {
    ObjectNode config = widget("{replicas: 2, containers: [{name: c, image: i}]}");
    ObjectNode first = apply(null, config, "kubectl", false, T1);
    ObjectNode again = apply(first, config, "kubectl", false, T2);
    assertThat(again).isEqualTo(first);
  }

  @Test
  void aConflictIsA409NamingTheOwnerAndTheField() {
    ObjectNode live = create(widget("{replicas: 1}"), "kubectl-client-side-apply");
    assertThatThrownBy(() -> apply(live, widget("{replicas: 3}"), "other", false, T2))
        .isInstanceOfSatisfying(StatusException.class, e -> {
          assertThat(e.code()).isEqualTo(409);
          assertThat(e.reason()).isEqualTo("Conflict");
          assertThat(e.getMessage()).isEqualTo("Apply failed with 1 conflict: conflict with"
              + " \"kubectl-client-side-apply\" using example.com/v1: .spec.replicas");
          assertThat(e.causes()).containsExactly(new StatusException.Cause("FieldManagerConflict",
              ".spec.replicas", "conflict with \"kubectl-client-side-apply\" using example.com/v1"));
          ObjectNode body = Statuses.toJson(e);
          assertThat(body.at("/details/causes/0/reason").asString()).isEqualTo("FieldManagerConflict");
        });
  }

  @Test
  void severalConflictsAreListedByManager() {
    ObjectNode live = create(widget("{replicas: 1, containers: [{name: c, image: a}]}"), "editor");
    StatusException e = (StatusException) org.assertj.core.api.Assertions.catchThrowable(() ->
        apply(live, widget("{replicas: 3, containers: [{name: c, image: b}]}"), "other", false, T2));
    assertThat(e.getMessage()).isEqualTo("Apply failed with 2 conflicts: conflicts with \"editor\" using"
        + " example.com/v1:\n- .spec.replicas\n- .spec.containers[name=\"c\"].image");
    assertThat(e.causes()).extracting(StatusException.Cause::field)
        .containsExactly(".spec.replicas", ".spec.containers[name=\"c\"].image");
  }

  @Test
  void forceTakesOwnership() {
    ObjectNode live = create(widget("{replicas: 1, containers: [{name: c, image: a}]}"), "editor");
    ObjectNode forced = apply(live, widget("{replicas: 3}"), "other", true, T2);
    assertThat(forced.at("/spec/replicas").asInt()).isEqualTo(3);
    assertThat(fieldsOf(forced, "other", "Apply")).isEqualTo(Json.parse("{\"f:spec\":{\"f:replicas\":{}}}"));
    assertThat(fieldsOf(forced, "editor", "Update").at("/f:spec").has("f:replicas")).isFalse();
    assertThat(fieldsOf(forced, "editor", "Update").at("/f:spec/f:containers").isMissingNode()).isFalse();
  }

  @Test
  void applyingAnEqualValueSharesOwnershipWithoutConflict() {
    ObjectNode live = create(widget("{replicas: 1}"), "editor");
    ObjectNode shared = apply(live, widget("{replicas: 1}"), "other", false, T2);
    assertThat(fieldsOf(shared, "editor", "Update").at("/f:spec").has("f:replicas")).isTrue();
    assertThat(fieldsOf(shared, "other", "Apply").at("/f:spec").has("f:replicas")).isTrue();
    assertThat(shared.at("/metadata/managedFields/0/time").isMissingNode())
        .as("nothing changed: an applier that changed nothing gets no time").isTrue();
  }

  record Prune(String name, String first, String second, String otherApplier, String expectedSpec) {
    @Override
    public String toString() {
      return name;
    }
  }

  static Stream<Prune> pruning() {
    return Stream.of(
        new Prune("a field no longer applied goes", "{replicas: 2, tolerations: [{key: a}]}", "{replicas: 2}", null,
            "{replicas: 2}"),
        new Prune("a field another applier owns stays", "{replicas: 2, tolerations: [{key: a}]}", "{replicas: 2}",
            "{tolerations: [{key: a}]}", "{replicas: 2, tolerations: [{key: a}]}"),
        new Prune("a keyed item no longer applied goes", "{containers: [{name: a, image: x}, {name: b, image: y}]}",
            "{containers: [{name: a, image: x}]}", null, "{containers: [{name: a, image: x}]}"),
        new Prune("a keyed item another applier owns stays, with the fields it owns",
            "{containers: [{name: a, image: x}, {name: b, image: y}]}", "{containers: [{name: a, image: x}]}",
            "{containers: [{name: b}]}", "{containers: [{name: a, image: x}, {name: b}]}"),
        new Prune("a removed env var goes, the others stay",
            "{containers: [{name: a, env: [{name: X, value: '1'}, {name: Y, value: '2'}]}]}",
            "{containers: [{name: a, env: [{name: Y, value: '2'}]}]}", null,
            "{containers: [{name: a, env: [{name: Y, value: '2'}]}]}"),
        new Prune("a field of a kept item goes", "{containers: [{name: a, image: x}]}", "{containers: [{name: a}]}",
            null, "{containers: [{name: a}]}"),
        new Prune("an empty struct no longer applied goes (a volume's emptyDir: {} → configMap)",
            "{source: {emptyDir: {}}}", "{source: {configMap: {name: c}}}", null, "{source: {configMap: {name: c}}}"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("pruning")
  void fieldsAnApplierStopsApplyingAreRemovedWhenNobodyElseOwnsThem(Prune c) {
    ObjectNode live = apply(null, widget(c.first()), "mine", false, T1);
    if (c.otherApplier() != null) {
      live = apply(live, widget(c.otherApplier()), "theirs", false, T1);
    }
    ObjectNode after = apply(live, widget(c.second()), "mine", false, T2);
    assertThat(after.get("spec")).isEqualTo(yaml(c.expectedSpec()));
  }

  @Test
  void fieldsSetByAnUpdaterSurviveAnApplierThatNeverAppliedThem() {
    ObjectNode live = apply(null, widget("{replicas: 2}"), "mine", false, T1);
    ObjectNode edited = live.deepCopy();
    Json.with(edited, "spec").put("paused", true);
    edited = ManagedFields.recordUpdate(live, edited, "kubectl-edit", "example.com/v1", null, T1, WIDGET, STATUS);
    ObjectNode after = apply(edited, widget("{replicas: 3}"), "mine", false, T2);
    assertThat(after.get("spec")).isEqualTo(yaml("{replicas: 3, paused: true}"));
  }

  @Test
  void keyedListsMergeItemByItemAndKeepLiveOnlyItems() {
    ObjectNode live = apply(null, widget("{containers: [{name: a, image: x}, {name: b, image: y}]}"), "one", false, T1);
    ObjectNode after = apply(live, widget("{containers: [{name: c, image: z}, {name: b, image: y2}]}"), "two", true, T2);
    assertThat(after.at("/spec/containers")).isEqualTo(Json.parse(
        "[{\"name\":\"a\",\"image\":\"x\"},{\"name\":\"c\",\"image\":\"z\"},{\"name\":\"b\",\"image\":\"y2\"}]"));
  }

  @Test
  void setsAreOwnedValueByValue() {
    ObjectNode live = apply(null, yaml("{apiVersion: example.com/v1, kind: Widget, metadata: {name: w,"
        + " finalizers: [x]}}"), "one", false, T1);
    live = apply(live, yaml("{apiVersion: example.com/v1, kind: Widget, metadata: {name: w, finalizers: [y]}}"),
        "two", false, T1);
    assertThat(live.at("/metadata/finalizers")).isEqualTo(Json.parse("[\"x\",\"y\"]"));
    assertThat(fieldsOf(live, "two", "Apply")).isEqualTo(Json.parse(
        "{\"f:metadata\":{\"f:finalizers\":{\"v:\\\"y\\\"\":{}}}}"));
    ObjectNode after = apply(live, yaml("{apiVersion: example.com/v1, kind: Widget, metadata: {name: w}}"), "one",
        false, T2);
    assertThat(after.at("/metadata/finalizers")).isEqualTo(Json.parse("[\"y\"]"));
  }

  @Test
  void atomicStructsConflictAsAWhole() {
    ObjectNode live = apply(null, widget("{selector: {matchLabels: {a: '1'}}}"), "one", false, T1);
    assertThatThrownBy(() -> apply(live, widget("{selector: {matchLabels: {b: '2'}}}"), "two", false, T2))
        .hasMessage("Apply failed with 1 conflict: conflict with \"one\": .spec.selector");
    ObjectNode forced = apply(live, widget("{selector: {matchLabels: {b: '2'}}}"), "two", true, T2);
    assertThat(forced.at("/spec/selector")).isEqualTo(yaml("{matchLabels: {b: '2'}}"));
  }

  @Test
  void anObjectWithoutManagedFieldsBelongsToBeforeFirstApply() {
    ObjectNode live = widget("{replicas: 1}");
    assertThatThrownBy(() -> apply(live, widget("{replicas: 2}"), "mine", false, T2))
        .hasMessage("Apply failed with 1 conflict: conflict with \"before-first-apply\" using example.com/v1:"
            + " .spec.replicas");
  }

  @Test
  void kubectlMayTakeOverFieldsUnchangedSinceItsLastClientSideApply() {
    ObjectNode config = widget("{replicas: 1}");
    ObjectNode created = config.deepCopy();
    Json.with(created, "metadata").putObject("annotations").put(ServerSideApply.LAST_APPLIED, Json.string(config));
    ObjectNode live = create(created, "kubectl-client-side-apply");

    ObjectNode after = apply(live, widget("{replicas: 3}"), "kubectl", false, T2);
    assertThat(after.at("/spec/replicas").asInt()).isEqualTo(3);
    assertThat(Json.parse(after.at("/metadata/annotations").get(ServerSideApply.LAST_APPLIED).asString()))
        .as("the last-applied annotation follows server-side applies by kubectl")
        .isEqualTo(widget("{replicas: 3}"));

    ObjectNode drifted = live.deepCopy();
    Json.with(drifted, "spec").put("replicas", 5);
    drifted = ManagedFields.recordUpdate(live, drifted, "kubectl-scale", "example.com/v1", null, T1, WIDGET, STATUS);
    ObjectNode d = drifted;
    assertThatThrownBy(() -> apply(d, widget("{replicas: 3}"), "kubectl", false, T2))
        .hasMessage("Apply failed with 1 conflict: conflict with \"kubectl-scale\" using example.com/v1:"
            + " .spec.replicas");
  }

  @Test
  void statusIsNotOwnedThroughTheMainResource() {
    ObjectNode config = widget("{replicas: 1}");
    config.putObject("status").put("ready", 1);
    ObjectNode created = apply(null, config, "mine", false, T1);
    assertThat(fieldsOf(created, "mine", "Apply").has("f:status")).isFalse();
  }

  @Test
  void malformedConfigurationsAre400s() {
    ObjectNode withManaged = widget("{}");
    Json.with(withManaged, "metadata").putArray("managedFields");
    assertThat(status(() -> apply(null, withManaged, "m", false, T1))).isEqualTo(400);
    assertThat(status(() -> apply(null, yaml("{apiVersion: v1, metadata: {name: x}}"), "m", false, T1)))
        .isEqualTo(400);
    assertThat(status(() -> apply(null, widget("{containers: [{image: x}]}"), "m", false, T1))).isEqualTo(400);
  }
}
