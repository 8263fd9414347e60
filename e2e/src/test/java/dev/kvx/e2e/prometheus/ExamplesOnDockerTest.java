package dev.kvx.e2e.prometheus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.model.Container;
import dev.kvx.e2e.Kubectl;
import dev.kvx.e2e.KubectlBinary;
import dev.kvx.e2e.RequiredTools;
import dev.kvx.kubelet.runtime.RuntimeLabels;
import dev.kvx.kubelet.runtime.docker.DockerClients;
import dev.kvx.launcher.cluster.LocalCluster;
import dev.kvx.testing.Kubeconfig;
import dev.kvx.testing.KvxCluster;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's promise for manifests/: on a cluster with the Docker runtime, {@code kubectl apply
 * -f manifests/} runs every example as real containers of the local engine from the locally built
 * busybox image: the web pods serve their ConfigMap page and back the Service's EndpointSlice, the
 * Job completes, the CronJob's template runs, the DaemonSet has a pod on each node, the
 * StatefulSet's pods come up with their ordinal names, and the config demo sees its ConfigMap and
 * Secret.
 */
@KvxCluster(nodes = 2, runtime = LocalCluster.Runtime.DOCKER)
class ExamplesOnDockerTest {

  private static final String NS = "default";
  private static final String WAIT = "180s";

  @TempDir Path dir;

  @Test
  void everyExampleRunsAsContainers(
      LocalCluster cluster, KubernetesClient client, @Kubeconfig Path kubeconfig) throws Exception {
    KubectlBinary binary = KubectlBinary.of("1.32");
    RequiredTools.require(binary);
    Kubectl kubectl = new Kubectl(binary, kubeconfig, dir.resolve("kubectl"));

    ok(kubectl.run("apply", "-f", ExampleManifests.directory().toString()));
    ok(kubectl.run("create", "job", "--from=cronjob/clock", "clock-now"));

    ok(rollout(kubectl, "deployment/web"));
    ok(rollout(kubectl, "deployment/config-demo"));
    ok(rollout(kubectl, "daemonset/node-logger"));
    ok(rollout(kubectl, "statefulset/store"));
    ok(
        kubectl.run(
            "wait", "--for=condition=Complete", "job/sum", "job/clock-now", "--timeout=" + WAIT));

    // Every pod of the examples is a container of this cluster's nodes in the local engine
    // (Pods of a Job the CronJob may just have started are left out: they may not run yet.)
    List<Pod> pods =
        client.pods().inNamespace(NS).list().getItems().stream()
            .filter(p -> List.of("Running", "Succeeded").contains(p.getStatus().getPhase()))
            .toList();
    assertThat(pods).hasSizeGreaterThanOrEqualTo(2 + 1 + 2 + 3 + 3 + 1);
    try (DockerClient docker = DockerClients.connect(null)) {
      for (Pod pod : pods) {
        List<Container> containers =
            docker
                .listContainersCmd()
                .withShowAll(true)
                .withLabelFilter(
                    Map.of(
                        RuntimeLabels.NODE, pod.getSpec().getNodeName(),
                        RuntimeLabels.POD_NAME, pod.getMetadata().getName()))
                .exec();
        assertThat(containers)
            .as("containers of pod %s", pod.getMetadata().getName())
            .extracting(Container::getImage)
            .contains(ExampleManifests.BUSYBOX_IMAGE);
      }
    }

    // The web Deployment serves the ConfigMap's page on each pod IP; the Service follows them.
    List<Pod> web = running(client, "app", "web");
    assertThat(web).hasSize(2);
    for (Pod pod : web) {
      assertThat(httpGet(pod, 8080)).contains("<h1>Hello from kvx</h1>");
    }
    await("EndpointSlice of service web lists both ready pods")
        .atMost(Duration.ofSeconds(60))
        .until(() -> readyEndpoints(client, "web"), n -> n == 2);

    // The DaemonSet runs on every node, the StatefulSet's pods know their ordinal.
    assertThat(running(client, "app", "node-logger"))
        .extracting(p -> p.getSpec().getNodeName())
        .containsExactlyInAnyOrderElementsOf(cluster.nodeNames());
    for (int i = 0; i < 3; i++) {
      Pod store = client.pods().inNamespace(NS).withName("store-" + i).get();
      assertThat(httpGet(store, 8080)).isEqualTo("I am store-" + i + ", ordinal " + i + "\n");
    }

    // The Job's three pods printed their sums; the CronJob's Job printed the time on its node.
    String sums = kubectl.run("logs", "-l", "job-name=sum", "--tail=-1").stdout();
    assertThat(sums.lines().filter(l -> l.endsWith(": sum 1..100000 = 5000050000"))).hasSize(3);
    assertThat(kubectl.run("logs", "job/clock-now").stdout())
        .matches("(?s)it is \\d\\d:\\d\\d:\\d\\d UTC on \\S+\n");

    // The config demo got its ConfigMap and Secret as variables and as files.
    await("config-demo logs")
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () ->
                assertThat(kubectl.run("logs", "deployment/config-demo").stdout())
                    .contains("GREETING=Hello from a ConfigMap DB_USER=demo CFG_LOG_LEVEL=info")
                    .contains("color=blue")
                    .contains("password file has " + "s3cr3t-for-the-example".length() + " bytes"));
  }

  private static Kubectl.Result rollout(Kubectl kubectl, String object) {
    return kubectl.run(
        Duration.ofMinutes(4), null, List.of("rollout", "status", object, "--timeout=" + WAIT));
  }

  private static void ok(Kubectl.Result result) {
    assertThat(result.exitCode()).as(result.toString()).isZero();
  }

  private static List<Pod> running(KubernetesClient client, String label, String value) {
    return client.pods().inNamespace(NS).withLabel(label, value).list().getItems().stream()
        .filter(p -> "Running".equals(p.getStatus().getPhase()))
        .toList();
  }

  private static long readyEndpoints(KubernetesClient client, String service) {
    return client
        .discovery()
        .v1()
        .endpointSlices()
        .inNamespace(NS)
        .withLabel("kubernetes.io/service-name", service)
        .list()
        .getItems()
        .stream()
        .map(EndpointSlice::getEndpoints)
        .filter(Objects::nonNull)
        .flatMap(List::stream)
        .filter(e -> e.getConditions() != null && Boolean.TRUE.equals(e.getConditions().getReady()))
        .count();
  }

  /** GET / on the pod's IP: pod IPs on Docker's bridge are reachable from the host. */
  private static String httpGet(Pod pod, int port) throws IOException, InterruptedException {
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    HttpRequest request =
        HttpRequest.newBuilder(
                URI.create("http://" + pod.getStatus().getPodIP() + ":" + port + "/"))
            .timeout(Duration.ofSeconds(10))
            .build();
    HttpResponse<String> r = http.send(request, HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).as("GET / on %s", pod.getMetadata().getName()).isEqualTo(200);
    return r.body();
  }
}
