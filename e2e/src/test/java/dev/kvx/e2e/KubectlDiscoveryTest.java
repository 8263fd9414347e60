package dev.kvx.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.extension.RegisterExtension;
import tools.jackson.databind.JsonNode;

/**
 * {@code kubectl version}, {@code api-resources} and {@code api-versions}: discovery as users see
 * it.
 */
class KubectlDiscoveryTest {

  @RegisterExtension static final InJvmApiServer server = new InJvmApiServer();

  /** Every resource issue 2 registers, as {@code kubectl api-resources -o name} prints it. */
  static final List<String> REGISTERED =
      List.of(
          "configmaps",
          "endpoints",
          "events",
          "limitranges",
          "namespaces",
          "nodes",
          "persistentvolumeclaims",
          "persistentvolumes",
          "pods",
          "resourcequotas",
          "secrets",
          "serviceaccounts",
          "services",
          "customresourcedefinitions.apiextensions.k8s.io",
          "controllerrevisions.apps",
          "daemonsets.apps",
          "deployments.apps",
          "replicasets.apps",
          "statefulsets.apps",
          "horizontalpodautoscalers.autoscaling",
          "cronjobs.batch",
          "jobs.batch",
          "leases.coordination.k8s.io",
          "endpointslices.discovery.k8s.io",
          "events.events.k8s.io",
          "ingressclasses.networking.k8s.io",
          "ingresses.networking.k8s.io",
          "networkpolicies.networking.k8s.io",
          "poddisruptionbudgets.policy",
          "clusterrolebindings.rbac.authorization.k8s.io",
          "clusterroles.rbac.authorization.k8s.io",
          "rolebindings.rbac.authorization.k8s.io",
          "roles.rbac.authorization.k8s.io",
          "priorityclasses.scheduling.k8s.io",
          "storageclasses.storage.k8s.io");

  @EachKubectl
  void versionShowsClientAndServer(KubectlBinary binary) {
    Kubectl kubectl = server.kubectl(binary);

    Kubectl.Result plain = kubectl.run("version");
    assertThat(plain.exitCode()).as(plain.toString()).isZero();
    assertThat(plain.stdout()).contains("Client Version:").contains("Server Version:");

    JsonNode json = kubectl.json("version");
    assertThat(json.at("/clientVersion/minor").asString())
        .isEqualTo(String.valueOf(binary.minor()));
    assertThat(json.at("/serverVersion/major").asString()).isEqualTo("1");
    assertThat(json.at("/serverVersion/minor").asString()).matches("\\d+\\+?");
    assertThat(json.at("/serverVersion/gitVersion").asString()).matches("v1\\.\\d+\\.\\d+.*");
  }

  @EachKubectl
  void apiResourcesListsEveryRegisteredResource(KubectlBinary binary) {
    Kubectl kubectl = server.kubectl(binary);

    Kubectl.Result names = kubectl.run("api-resources", "-o", "name");
    assertThat(names.exitCode()).as(names.toString()).isZero();
    assertThat(names.stderr()).as(names.toString()).isEmpty();
    assertThat(names.stdout().lines()).containsAll(REGISTERED).doesNotHaveDuplicates();

    Kubectl.Result table = kubectl.run("api-resources");
    assertThat(table.exitCode()).as(table.toString()).isZero();
    List<List<String>> rows =
        table.stdout().lines().map(l -> Arrays.asList(l.trim().split("\\s+"))).toList();
    assertThat(rows.get(0))
        .containsExactly("NAME", "SHORTNAMES", "APIVERSION", "NAMESPACED", "KIND");
    assertThat(rows)
        .contains(
            List.of("deployments", "deploy", "apps/v1", "true", "Deployment"),
            List.of("pods", "po", "v1", "true", "Pod"),
            List.of("namespaces", "ns", "v1", "false", "Namespace"),
            List.of("cronjobs", "cj", "batch/v1", "true", "CronJob"),
            List.of("storageclasses", "sc", "storage.k8s.io/v1", "false", "StorageClass"));
  }

  @EachKubectl
  void apiVersionsServesCurrentVersionsOnly(KubectlBinary binary) {
    Kubectl.Result r = server.kubectl(binary).run("api-versions");
    assertThat(r.exitCode()).as(r.toString()).isZero();
    assertThat(r.stdout().lines())
        .contains(
            "v1",
            "apps/v1",
            "batch/v1",
            "autoscaling/v1",
            "autoscaling/v2",
            "policy/v1",
            "networking.k8s.io/v1",
            "rbac.authorization.k8s.io/v1",
            "coordination.k8s.io/v1",
            "discovery.k8s.io/v1",
            "events.k8s.io/v1",
            "scheduling.k8s.io/v1",
            "storage.k8s.io/v1",
            "apiextensions.k8s.io/v1");
    // Removed upstream in 1.25: a 1.32-compatible server no longer offers it.
    assertThat(r.stdout().lines()).doesNotContain("batch/v1beta1", "policy/v1beta1");
  }
}
