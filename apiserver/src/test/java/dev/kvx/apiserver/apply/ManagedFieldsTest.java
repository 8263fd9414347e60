package dev.kvx.apiserver.apply;

import static dev.kvx.apiserver.apply.ServerSideApplyTest.STATUS;
import static dev.kvx.apiserver.apply.ServerSideApplyTest.T1;
import static dev.kvx.apiserver.apply.ServerSideApplyTest.T2;
import static dev.kvx.apiserver.apply.ServerSideApplyTest.WIDGET;
import static dev.kvx.apiserver.apply.ServerSideApplyTest.fieldsOf;
import static dev.kvx.apiserver.apply.ServerSideApplyTest.widget;
import static dev.kvx.apiserver.apply.ServerSideApplyTest.yaml;
import static org.assertj.core.api.Assertions.assertThat;

import dev.kvx.apiserver.json.Json;
import java.util.List;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/** Ownership recorded for writes that are not applies: create, update, patch, subresources. */
class ManagedFieldsTest {

  static ObjectNode update(ObjectNode before, ObjectNode after, String manager) {
    return ManagedFields.recordUpdate(before, after, manager, "example.com/v1", null, T2, WIDGET, STATUS);
  }

  @Test
  void aCreateOwnsEverythingButIdentityAndServerFields() {
    ObjectNode obj = widget("{replicas: 1, containers: [{name: c, image: i}]}");
    Json.with(obj, "metadata").put("uid", "u").put("resourceVersion", "5");
    Json.with(obj, "metadata").putObject("labels").put("a", "b");
    ObjectNode created = ManagedFields.recordUpdate(null, obj, "kubectl-create", "example.com/v1", null, T1, WIDGET,
        STATUS);
    JsonNode entry = created.at("/metadata/managedFields/0");
    assertThat(Json.text(entry, "operation")).isEqualTo("Update");
    assertThat(Json.text(entry, "time")).isEqualTo("2026-11-26T10:00:00Z");
    assertThat(entry.get("fieldsV1")).isEqualTo(Json.parse("{\"f:metadata\":{\"f:labels\":{\".\":{},\"f:a\":{}}},"
        + "\"f:spec\":{\"f:containers\":{\".\":{},\"k:{\\\"name\\\":\\\"c\\\"}\":{\".\":{},\"f:image\":{},"
        + "\"f:name\":{}}},\"f:replicas\":{}}}"));
    assertThat(obj.at("/metadata/managedFields").isMissingNode()).as("the input is not modified").isTrue();
  }

  @Test
  void withoutASchemaListsAreOwnedWhole() {
    ObjectNode created = ManagedFields.recordUpdate(null, widget("{containers: [{name: c}]}"), "m", "example.com/v1",
        T1);
    assertThat(fieldsOf(created, "m", "Update")).isEqualTo(Json.parse("{\"f:spec\":{\".\":{},\"f:containers\":{}}}"));
  }

  @Test
  void anUpdateMovesChangedFieldsToItsManager() {
    ObjectNode v1 = update(null, widget("{replicas: 1, containers: [{name: c, image: i}]}"), "creator");
    ObjectNode v2 = v1.deepCopy();
    Json.with(v2, "spec").put("replicas", 2);
    v2 = update(v1, v2, "scaler");
    assertThat(fieldsOf(v2, "scaler", "Update")).isEqualTo(Json.parse("{\"f:spec\":{\"f:replicas\":{}}}"));
    assertThat(fieldsOf(v2, "creator", "Update").at("/f:spec").has("f:replicas")).isFalse();
    assertThat(fieldsOf(v2, "creator", "Update").at("/f:spec").has("f:containers")).isTrue();
  }

  @Test
  void removedFieldsLeaveEveryOwner() {
    ObjectNode v1 = update(null, widget("{replicas: 1, paused: true}"), "creator");
    ObjectNode v2 = v1.deepCopy();
    ((ObjectNode) v2.get("spec")).remove("paused");
    v2 = update(v1, v2, "editor");
    assertThat(fieldsOf(v2, "creator", "Update").at("/f:spec").has("f:paused")).isFalse();
    assertThat(fieldsOf(v2, "editor", "Update")).as("removing gives nothing").isNull();
  }

  @Test
  void anUnchangedWriteKeepsTimesAndEntries() {
    ObjectNode v1 = update(null, widget("{replicas: 1}"), "creator");
    ObjectNode same = ManagedFields.recordUpdate(v1, v1.deepCopy(), "other", "example.com/v1", null,
        T2.plusSeconds(60), WIDGET, STATUS);
    assertThat(same).isEqualTo(v1);
  }

  @Test
  void existingObjectsWithoutManagedFieldsAreNotTrackedByUpdates() {
    ObjectNode old = widget("{replicas: 1}");
    ObjectNode next = widget("{replicas: 2}");
    assertThat(update(old, next, "editor").at("/metadata/managedFields").isMissingNode()).isTrue();
  }

  @Test
  void managedFieldsSentByTheClientReplaceTheStoredOnes() {
    // kubectl's client-side → server-side apply migration: a JSON patch replaces managedFields.
    ObjectNode live = update(null, widget("{replicas: 1}"), "kubectl-client-side-apply");
    ObjectNode migrated = live.deepCopy();
    ObjectNode entry = (ObjectNode) migrated.at("/metadata/managedFields/0");
    entry.put("manager", "kubectl").put("operation", "Apply");
    ObjectNode stored = update(live, migrated, "kubectl");
    assertThat(stored.at("/metadata/managedFields")).hasSize(1);
    assertThat(fieldsOf(stored, "kubectl", "Apply")).isEqualTo(fieldsOf(live, "kubectl-client-side-apply", "Update"));
  }

  @Test
  void subresourceWritesAreSeparateEntriesAndIgnoreWhatTheyCannotSet() {
    ObjectNode v1 = update(null, widget("{replicas: 1}"), "creator");
    ObjectNode v2 = v1.deepCopy();
    v2.putObject("status").put("ready", 1);
    v2 = ManagedFields.recordUpdate(v1, v2, "kubelet", "example.com/v1", "status", T2, WIDGET,
        FieldSet.of(List.of(List.of("f:spec"), List.of("f:metadata"))));
    JsonNode e = v2.at("/metadata/managedFields/1");
    assertThat(Json.text(e, "subresource")).isEqualTo("status");
    assertThat(e.get("fieldsV1")).isEqualTo(Json.parse("{\"f:status\":{\"f:ready\":{}}}"));
  }

  @Test
  void entriesAreSortedAsUpstreamSortsThem() {
    ObjectNode v1 = update(null, widget("{replicas: 1}"), "zed");
    ObjectNode v2 = ServerSideApply.apply(v1, widget("{paused: true}"), "applier", false, WIDGET, null, STATUS, T1);
    assertThat(v2.at("/metadata/managedFields")).extracting(n -> Json.text(n, "manager"))
        .containsExactly("applier", "zed");
  }

  @Test
  void aWriteThatOnlyMovesTimesIsANoOp() {
    ObjectNode v1 = update(null, widget("{replicas: 1}"), "creator");
    ObjectNode touched = v1.deepCopy();
    ((ObjectNode) touched.at("/metadata/managedFields/0")).put("time", "2030-01-01T00:00:00Z");
    assertThat(ManagedFields.ignoreTimestampOnlyChanges(v1, touched)).isEqualTo(v1);
    ObjectNode changed = touched.deepCopy();
    Json.with(changed, "spec").put("replicas", 2);
    assertThat(ManagedFields.ignoreTimestampOnlyChanges(v1, changed)).isEqualTo(changed);
  }

  @Test
  void fieldsV1RoundTrips() {
    String text = "{\"f:metadata\":{\"f:labels\":{\".\":{},\"f:app\":{}}},\"f:spec\":{\"f:containers\":{"
        + "\"k:{\\\"name\\\":\\\"c\\\"}\":{\".\":{},\"f:ports\":{\"k:{\\\"containerPort\\\":80,\\\"protocol\\\":"
        + "\\\"TCP\\\"}\":{\".\":{},\"f:containerPort\":{}}}}},\"f:replicas\":{}}}";
    FieldSet set = FieldSet.fromFieldsV1(Json.parse(text));
    assertThat(Json.string(set.toFieldsV1())).isEqualTo(text);
    assertThat(set.members()).extracting(FieldSet::pathString).containsExactly(
        ".metadata.labels", ".metadata.labels.app", ".spec.replicas", ".spec.containers[name=\"c\"]",
        ".spec.containers[name=\"c\"].ports[containerPort=80,protocol=\"TCP\"]",
        ".spec.containers[name=\"c\"].ports[containerPort=80,protocol=\"TCP\"].containerPort");
  }

  @Test
  void invalidManagedFieldsAreNotDecoded() {
    ObjectNode obj = yaml("{metadata: {managedFields: [{manager: m, operation: Explode, fieldsType: FieldsV1}]}}");
    assertThat(ManagedFields.decode(obj)).isEmpty();
    ObjectNode ok = yaml("{metadata: {managedFields: [{manager: m, operation: Apply, fieldsType: FieldsV1,"
        + " fieldsV1: {'f:spec': {}}}]}}");
    assertThat(ManagedFields.decode(ok)).hasValueSatisfying(m -> assertThat(m).hasSize(1));
  }
}
