package dev.kvx.apiserver.discovery;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kvx.apiserver.registry.ResourceRegistry;
import dev.kvx.apiserver.registry.ResourceType;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

class DiscoveryTest {

  private static final String KUBECTL_ACCEPT =
      "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,"
          + "application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList,"
          + "application/json";

  private final ResourceRegistry registry = ResourceRegistry.withBuiltins();
  private final Discovery discovery = new Discovery(registry);

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource(delimiter = '|', value = {
      KUBECTL_ACCEPT + "|v2",
      "application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList,application/json|v2beta1",
      "application/json|legacy",
      "*/*|legacy",
      "|legacy",
      "application/vnd.kubernetes.protobuf;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,"
          + "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList|v2",
      "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList;q=0.5,application/json|legacy",
      "application/json;g=apidiscovery.k8s.io;v=v3;as=APIGroupDiscoveryList,application/json|legacy",
      "text/html|legacy",
  })
  void negotiatesTheFormInTheClientsOrder(String accept, String form) {
    assertThat(Discovery.negotiate(accept)).isEqualTo(form);
  }

  @Test
  void namesTheExactContentTypes() {
    assertThat(Discovery.contentType(Discovery.V2))
        .isEqualTo("application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList");
    assertThat(Discovery.contentType(Discovery.V2BETA1))
        .isEqualTo("application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList");
    assertThat(Discovery.contentType(Discovery.LEGACY)).isEqualTo("application/json");
  }

  @Test
  void versionIsA132ReleaseKubectlCanParse() {
    ObjectNode v = discovery.version();

    assertThat(v.get("major").asString()).isEqualTo("1");
    assertThat(v.get("minor").asString()).isEqualTo("32");
    assertThat(v.get("gitVersion").asString()).matches("v1\\.32\\.\\d+(\\+[0-9A-Za-z.-]+)?");
    assertThat(v.get("platform").asString()).contains("/");
    for (String field : List.of("gitCommit", "gitTreeState", "buildDate", "goVersion", "compiler")) {
      assertThat(v.has(field)).as(field).isTrue();
    }
  }

  @Test
  void apiVersionsNamesTheServerAddress() {
    ObjectNode api = discovery.apiVersions("10.0.0.1:6443");

    assertThat(api.get("kind").asString()).isEqualTo("APIVersions");
    assertThat(api.get("versions").get(0).asString()).isEqualTo("v1");
    assertThat(api.at("/serverAddressByClientCIDRs/0/clientCIDR").asString()).isEqualTo("0.0.0.0/0");
    assertThat(api.at("/serverAddressByClientCIDRs/0/serverAddress").asString()).isEqualTo("10.0.0.1:6443");
  }

  @Test
  void coreResourceListHasSubresourcesAsUpstream() {
    ObjectNode list = discovery.apiResourceList("", "v1");

    assertThat(list.get("kind").asString()).isEqualTo("APIResourceList");
    assertThat(list.get("groupVersion").asString()).isEqualTo("v1");
    assertThat(resource(list, "pods").get("shortNames").get(0).asString()).isEqualTo("po");
    assertThat(resource(list, "pods").get("categories").get(0).asString()).isEqualTo("all");
    assertThat(resource(list, "pods").get("singularName").asString()).isEqualTo("pod");
    assertThat(resource(list, "pods").get("namespaced").asBoolean()).isTrue();
    assertThat(verbs(resource(list, "pods/log"))).containsExactly("get");
    assertThat(resource(list, "pods/log").get("kind").asString()).isEqualTo("Pod");
    assertThat(resource(list, "pods/binding").get("kind").asString()).isEqualTo("Binding");
    assertThat(verbs(resource(list, "pods/exec"))).containsExactly("create", "get");
    JsonNode eviction = resource(list, "pods/eviction");
    assertThat(eviction.get("group").asString()).isEqualTo("policy");
    assertThat(eviction.get("version").asString()).isEqualTo("v1");
    assertThat(eviction.get("kind").asString()).isEqualTo("Eviction");
    assertThat(resource(list, "serviceaccounts/token").get("kind").asString()).isEqualTo("TokenRequest");
    assertThat(resource(list, "pods/status").has("group")).isFalse();
    assertThat(verbs(resource(list, "namespaces"))).doesNotContain("deletecollection");
    assertThat(verbs(resource(list, "configmaps"))).containsExactly(
        "create", "delete", "deletecollection", "get", "list", "patch", "update", "watch");
    assertThat(resource(list, "nodes").get("namespaced").asBoolean()).isFalse();
  }

  @Test
  void resourcesAreListedInUpstreamOrder() {
    List<String> names = new ArrayList<>();
    discovery.apiResourceList("", "v1").get("resources").forEach(r -> names.add(r.get("name").asString()));

    assertThat(names).isSorted();
    assertThat(names).containsSubsequence("pods", "pods/attach", "pods/binding", "pods/status", "resourcequotas");
  }

  @Test
  void scaleSubresourcesAnswerWithAutoscalingScale() {
    ObjectNode apps = discovery.apiResourceList("apps", "v1");

    assertThat(apps.get("apiVersion").asString()).isEqualTo("v1");
    JsonNode scale = resource(apps, "deployments/scale");
    assertThat(scale.get("group").asString()).isEqualTo("autoscaling");
    assertThat(scale.get("version").asString()).isEqualTo("v1");
    assertThat(scale.get("kind").asString()).isEqualTo("Scale");
    assertThat(verbs(scale)).containsExactly("get", "patch", "update");
  }

  @Test
  void unknownGroupsAndVersionsAreNull() {
    assertThat(discovery.apiResourceList("apps", "v1beta1")).isNull();
    assertThat(discovery.apiResourceList("example.com", "v1")).isNull();
    assertThat(discovery.apiGroup("example.com")).isNull();
  }

  @Test
  void groupListPrefersTheFirstRegisteredVersion() {
    ObjectNode groups = discovery.apiGroupList();

    assertThat(groups.get("kind").asString()).isEqualTo("APIGroupList");
    List<String> names = new ArrayList<>();
    groups.get("groups").forEach(g -> names.add(g.get("name").asString()));
    assertThat(names).contains("apps", "batch", "rbac.authorization.k8s.io").doesNotContain("");
    JsonNode autoscaling = discovery.apiGroup("autoscaling");
    assertThat(autoscaling.get("kind").asString()).isEqualTo("APIGroup");
    assertThat(autoscaling.at("/preferredVersion/groupVersion").asString()).isEqualTo("autoscaling/v2");
    assertThat(autoscaling.at("/versions/1/groupVersion").asString()).isEqualTo("autoscaling/v1");
  }

  @Test
  void aggregatedCoreDiscovery() {
    ObjectNode agg = discovery.aggregated(true);

    assertThat(agg.get("kind").asString()).isEqualTo("APIGroupDiscoveryList");
    assertThat(agg.get("apiVersion").asString()).isEqualTo("apidiscovery.k8s.io/v2");
    assertThat(agg.get("items")).hasSize(1);
    JsonNode v1 = agg.at("/items/0/versions/0");
    assertThat(agg.at("/items/0/metadata").has("name")).isFalse();
    assertThat(v1.get("version").asString()).isEqualTo("v1");
    assertThat(v1.get("freshness").asString()).isEqualTo("Current");
    JsonNode pods = find(v1.get("resources"), "resource", "pods");
    assertThat(pods.get("scope").asString()).isEqualTo("Namespaced");
    assertThat(pods.get("singularResource").asString()).isEqualTo("pod");
    assertThat(pods.at("/responseKind/kind").asString()).isEqualTo("Pod");
    JsonNode eviction = find(pods.get("subresources"), "subresource", "eviction");
    assertThat(eviction.at("/responseKind/group").asString()).isEqualTo("policy");
    assertThat(eviction.at("/responseKind/kind").asString()).isEqualTo("Eviction");
    assertThat(find(v1.get("resources"), "resource", "namespaces").get("scope").asString())
        .isEqualTo("Cluster");
  }

  @Test
  void aggregatedGroupsMatchTheLegacyGroupList() {
    ObjectNode agg = discovery.aggregated(false, Discovery.V2BETA1);

    assertThat(agg.get("apiVersion").asString()).isEqualTo("apidiscovery.k8s.io/v2beta1");
    List<String> aggregatedNames = new ArrayList<>();
    agg.get("items").forEach(i -> aggregatedNames.add(i.at("/metadata/name").asString()));
    List<String> legacyNames = new ArrayList<>();
    discovery.apiGroupList().get("groups").forEach(g -> legacyNames.add(g.get("name").asString()));
    assertThat(aggregatedNames).isEqualTo(legacyNames);
    // client-go drops any resource or subresource without a responseKind: every one has one.
    agg.get("items").forEach(item -> item.get("versions").forEach(v -> v.get("resources").forEach(r -> {
      assertThat(r.at("/responseKind/kind").asString()).as(r.toString()).isNotEmpty();
      r.path("subresources").forEach(s ->
          assertThat(s.at("/responseKind/kind").asString()).as(s.toString()).isNotEmpty());
    })));
  }

  @Test
  void followsRegistryChanges() {
    ResourceType widgets = new ResourceType("example.com", "v1", "Widget", "widgets", "widget", true,
        List.of("wd"), List.of(), Set.of("status", "scale"), "/registry/example.com/widgets/");
    discovery.apiGroupList(); // warm the cache

    registry.add(widgets);
    ObjectNode list = discovery.apiResourceList("example.com", "v1");
    assertThat(resource(list, "widgets").get("kind").asString()).isEqualTo("Widget");
    assertThat(resource(list, "widgets/scale").get("kind").asString()).isEqualTo("Scale");
    assertThat(discovery.apiGroup("example.com")).isNotNull();

    registry.remove(widgets);
    assertThat(discovery.apiResourceList("example.com", "v1")).isNull();
    assertThat(discovery.apiGroup("example.com")).isNull();
  }

  @Test
  void callersGetCopies() {
    discovery.apiGroupList().putArray("groups");

    assertThat(discovery.apiGroupList().get("groups")).isNotEmpty();
  }

  private static JsonNode resource(JsonNode list, String name) {
    return find(list.get("resources"), "name", name);
  }

  private static JsonNode find(JsonNode array, String field, String value) {
    for (JsonNode n : array) {
      if (n.get(field).asString().equals(value)) {
        return n;
      }
    }
    throw new AssertionError("no " + field + "=" + value + " in " + array);
  }

  private static List<String> verbs(JsonNode resource) {
    List<String> out = new ArrayList<>();
    resource.get("verbs").forEach(v -> out.add(v.asString()));
    return out;
  }
}
