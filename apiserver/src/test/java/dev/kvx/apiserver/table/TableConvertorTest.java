package dev.kvx.apiserver.table;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kvx.apiserver.errors.StatusException;
import dev.kvx.apiserver.json.Json;
import dev.kvx.apiserver.registry.ResourceRegistry;
import dev.kvx.apiserver.registry.ResourceType;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

class TableConvertorTest {

  static final Instant NOW = Instant.parse("2024-06-01T12:00:00Z");
  private static final String KUBECTL_ACCEPT = "application/json;as=Table;v=v1;g=meta.k8s.io,"
      + "application/json;as=Table;v=v1beta1;g=meta.k8s.io,application/json";

  private final ResourceRegistry registry = ResourceRegistry.withBuiltins();
  private final TableConvertor tables = new TableConvertor();

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource(delimiter = '|', nullValues = "null", value = {
      KUBECTL_ACCEPT + "|meta.k8s.io/v1",
      "application/json;as=Table;v=v1beta1;g=meta.k8s.io,application/json|meta.k8s.io/v1beta1",
      "application/json|null",
      "application/json, */*|null",
      "|null",
      "application/yaml|null",
      "application/vnd.kubernetes.protobuf;as=Table;v=v1;g=meta.k8s.io,application/json;as=Table;v=v1;g=meta.k8s.io|meta.k8s.io/v1",
      "application/json;as=Table;v=v2;g=meta.k8s.io,application/json|null",
      "application/json;as=PartialObjectMetadataList;v=v1;g=meta.k8s.io,application/json;as=Table;v=v1;g=meta.k8s.io|meta.k8s.io/v1",
      "application/json;q=0.9,application/json;as=Table;v=v1;g=meta.k8s.io|meta.k8s.io/v1",
  })
  void picksTheTableVersionFromAccept(String accept, String version) {
    assertThat(TableConvertor.tableVersion(accept)).isEqualTo(version);
    assertThat(TableConvertor.wantsTable(accept)).isEqualTo(version != null);
  }

  @Test
  void listTableHasUpstreamShape() {
    ObjectNode table = tables.toTable(type("", "pods"),
        List.of(pod("a", "Running"), pod("b", "Pending")), null, "42", "next-page", NOW);

    assertThat(table.get("kind").asString()).isEqualTo("Table");
    assertThat(table.get("apiVersion").asString()).isEqualTo("meta.k8s.io/v1");
    assertThat(table.at("/metadata/resourceVersion").asString()).isEqualTo("42");
    assertThat(table.at("/metadata/continue").asString()).isEqualTo("next-page");
    assertThat(names(table.get("columnDefinitions"))).containsExactly(
        "Name", "Ready", "Status", "Restarts", "Age", "IP", "Node", "Nominated Node", "Readiness Gates");
    JsonNode nameColumn = table.at("/columnDefinitions/0");
    assertThat(nameColumn.get("format").asString()).isEqualTo("name");
    assertThat(nameColumn.get("type").asString()).isEqualTo("string");
    assertThat(nameColumn.get("priority").asInt()).isZero();
    assertThat(nameColumn.get("description").asString()).isNotEmpty();
    assertThat(table.at("/columnDefinitions/5/priority").asInt()).isEqualTo(1);
    assertThat(table.get("rows")).hasSize(2);
    assertThat(table.at("/rows/0/cells")).hasSize(9);
    assertThat(table.at("/rows/1/cells/0").asString()).isEqualTo("b");
  }

  @Test
  void rowsCarryPartialObjectMetadataByDefault() {
    ObjectNode table = tables.toTable(type("", "pods"), List.of(pod("a", "Running")), "", "1", null, NOW);

    JsonNode object = table.at("/rows/0/object");
    assertThat(object.get("kind").asString()).isEqualTo("PartialObjectMetadata");
    assertThat(object.get("apiVersion").asString()).isEqualTo("meta.k8s.io/v1");
    assertThat(object.at("/metadata/name").asString()).isEqualTo("a");
    assertThat(object.at("/metadata/namespace").asString()).isEqualTo("default");
    assertThat(object.at("/metadata/labels/app").asString()).isEqualTo("web");
    assertThat(object.has("spec")).isFalse();
    assertThat(table.get("metadata").has("continue")).isFalse();
  }

  @Test
  void includeObjectSelectsWhatRowsCarry() {
    ObjectNode full = tables.toTable(type("", "pods"), List.of(pod("a", "Running")), "Object", "1", null, NOW);
    ObjectNode none = tables.toTable(type("", "pods"), List.of(pod("a", "Running")), "None", "1", null, NOW);

    assertThat(full.at("/rows/0/object/kind").asString()).isEqualTo("Pod");
    assertThat(full.at("/rows/0/object/apiVersion").asString()).isEqualTo("v1");
    assertThat(full.at("/rows/0/object/spec").isObject()).isTrue();
    assertThat(none.at("/rows/0").has("object")).isFalse();
    assertThatThrownBy(() -> tables.toTable(type("", "pods"), List.of(), "Everything", "1", null, NOW))
        .isInstanceOfSatisfying(StatusException.class, e -> assertThat(e.code()).isEqualTo(400));
  }

  @Test
  void v1beta1TablesSayV1beta1Throughout() {
    ObjectNode table = tables.toTable(type("", "pods"), List.of(pod("a", "Running")), null, "1", null,
        NOW, true, true);

    assertThat(table.get("apiVersion").asString()).isEqualTo("meta.k8s.io/v1beta1");
    assertThat(table.at("/rows/0/object/apiVersion").asString()).isEqualTo("meta.k8s.io/v1beta1");
  }

  @Test
  void watchEventsCarryColumnsOnlyInTheFirstTable() {
    TableConvertor.Watch watch = tables.watch(type("apps", "deployments"), null, false);
    ObjectNode d = deployment("web");
    d.withObject("metadata").put("resourceVersion", "77");

    ObjectNode first = watch.next(d, NOW);
    ObjectNode second = watch.next(d, NOW);

    assertThat(first.get("columnDefinitions").isArray()).isTrue();
    assertThat(first.at("/metadata/resourceVersion").asString()).isEqualTo("77");
    assertThat(first.get("rows")).hasSize(1);
    assertThat(second.get("columnDefinitions").isNull()).isTrue();
    assertThat(second.get("rows")).hasSize(1);
    assertThat(tables.toTableEvent(type("apps", "deployments"), d, "None", false, false, NOW)
        .get("columnDefinitions").isNull()).isTrue();
  }

  @Test
  void kindsWithoutAPrinterGetNameAndCreatedAt() {
    ObjectNode role = obj("""
        {"apiVersion":"rbac.authorization.k8s.io/v1","kind":"Role",
         "metadata":{"name":"reader","namespace":"default","creationTimestamp":"2024-05-01T10:00:00Z"}}""");

    ObjectNode table = tables.toTable(type("rbac.authorization.k8s.io", "roles"), List.of(role), null, "1", null, NOW);

    assertThat(names(table.get("columnDefinitions"))).containsExactly("Name", "Created At");
    assertThat(table.at("/columnDefinitions/1/type").asString()).isEqualTo("date");
    assertThat(cells(table)).containsExactly("reader", "2024-05-01T10:00:00Z");
  }

  @Test
  void customResourcesUseTheirPrinterColumns() {
    ResourceType crontabs = new ResourceType("stable.example.com", "v1", "CronTab", "crontabs", "crontab",
        true, List.of("ct"), List.of(), Set.of(), "/registry/stable.example.com/crontabs/");
    tables.setPrinterColumns("stable.example.com", "v1", "CronTab", PrinterColumn.fromCrd(Json.parse("""
        [{"name":"Spec","type":"string","jsonPath":".spec.cronSpec"},
         {"name":"Replicas","type":"integer","jsonPath":".spec.replicas"},
         {"name":"Ready","type":"boolean","jsonPath":".status.conditions[0].ready","priority":1},
         {"name":"Labels","type":"string","jsonPath":".metadata.labels"},
         {"name":"App","type":"string","jsonPath":".metadata.labels['app.kubernetes.io/name']"},
         {"name":"Missing","type":"string","jsonPath":".spec.nothing"},
         {"name":"Age","type":"date","jsonPath":".metadata.creationTimestamp"}]""")));
    ObjectNode cr = obj("""
        {"apiVersion":"stable.example.com/v1","kind":"CronTab",
         "metadata":{"name":"c1","creationTimestamp":"2024-06-01T11:57:00Z",
                     "labels":{"app.kubernetes.io/name":"cron","tier":"b"}},
         "spec":{"cronSpec":"* * * * */5","replicas":3},"status":{"conditions":[{"ready":true}]}}""");

    ObjectNode table = tables.toTable(crontabs, List.of(cr), null, "1", null, NOW);

    assertThat(names(table.get("columnDefinitions")))
        .containsExactly("Name", "Spec", "Replicas", "Ready", "Labels", "App", "Missing", "Age");
    assertThat(table.at("/columnDefinitions/3/priority").asInt()).isEqualTo(1);
    assertThat(cells(table)).containsExactly(
        "c1", "* * * * */5", 3L, true, "map[app.kubernetes.io/name:cron tier:b]", "cron", null, "3m");

    tables.setPrinterColumns("stable.example.com", "v1", "CronTab", List.of());
    assertThat(names(tables.toTable(crontabs, List.of(cr), null, "1", null, NOW).get("columnDefinitions")))
        .containsExactly("Name", "Age");
    tables.removePrinterColumns("stable.example.com", "v1", "CronTab");
    assertThat(names(tables.toTable(crontabs, List.of(cr), null, "1", null, NOW).get("columnDefinitions")))
        .containsExactly("Name", "Created At");
  }

  @Test
  void everyRegisteredKindPrintsOneCellPerColumn() {
    for (ResourceType t : registry.all()) {
      ObjectNode o = obj("{\"metadata\":{\"name\":\"x\",\"creationTimestamp\":\"2024-06-01T11:00:00Z\"}}");
      ObjectNode table = tables.toTable(t, List.of(o), null, "1", null, NOW);
      assertThat(table.at("/rows/0/cells")).as(t.groupResource()).hasSize(table.get("columnDefinitions").size());
      int nameColumn = -1;
      for (int i = 0; i < table.get("columnDefinitions").size(); i++) {
        if (table.get("columnDefinitions").get(i).get("format").asString().equals("name")) {
          nameColumn = i;
          break;
        }
      }
      assertThat(table.at("/rows/0/cells/" + nameColumn).asString()).as(t.groupResource()).isEqualTo("x");
    }
  }

  // ---- helpers shared with the printer tests ------------------------------------------------

  ResourceType type(String group, String plural) {
    return registry.all().stream()
        .filter(t -> t.group().equals(group) && t.plural().equals(plural))
        .findFirst().orElseThrow();
  }

  static ObjectNode obj(String json) {
    return (ObjectNode) Json.parse(json);
  }

  static List<Object> cells(ObjectNode table) {
    List<Object> out = new ArrayList<>();
    for (JsonNode c : table.at("/rows/0/cells")) {
      if (c.isNull()) {
        out.add(null);
      } else if (c.isIntegralNumber()) {
        out.add(c.asLong());
      } else if (c.isBoolean()) {
        out.add(c.asBoolean());
      } else {
        out.add(c.asString());
      }
    }
    return out;
  }

  private static List<String> names(JsonNode columns) {
    List<String> out = new ArrayList<>();
    columns.forEach(c -> out.add(c.get("name").asString()));
    return out;
  }

  private static ObjectNode pod(String name, String phase) {
    return obj("""
        {"apiVersion":"v1","kind":"Pod",
         "metadata":{"name":"%s","namespace":"default","labels":{"app":"web"},
                     "creationTimestamp":"2024-06-01T11:00:00Z","resourceVersion":"5"},
         "spec":{"containers":[{"name":"c","image":"busybox"}]},
         "status":{"phase":"%s"}}""".formatted(name, phase));
  }

  private static ObjectNode deployment(String name) {
    return obj("""
        {"apiVersion":"apps/v1","kind":"Deployment",
         "metadata":{"name":"%s","namespace":"default","creationTimestamp":"2024-06-01T11:00:00Z"},
         "spec":{"replicas":2,"selector":{"matchLabels":{"app":"web"}},
                 "template":{"spec":{"containers":[{"name":"c","image":"nginx"}]}}},
         "status":{"readyReplicas":1,"updatedReplicas":2,"availableReplicas":1}}""".formatted(name));
  }
}
