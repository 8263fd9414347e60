package dev.kvx.e2e.prometheus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.kvx.e2e.KubectlBinary;
import dev.kvx.e2e.RequiredTools;
import dev.kvx.launcher.cluster.LocalCluster;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * A real Prometheus scrapes every component of a running cluster, configured by the sample {@code
 * manifests/prometheus/prometheus.yml} (data dir and ports filled in, nodes listed by its {@code
 * kubelets.sh} through real kubectl): every target is up and the key upstream series of each
 * component are there. {@code promtool check metrics} accepts each component's /metrics page.
 */
class PrometheusScrapeTest {

  /** For start-up, every target up and the series: generous for a busy 2-core machine. */
  private static final Duration DEADLINE = Duration.ofSeconds(90);

  /** Scrape interval and timeout: the sample's 15 s made short for a test. */
  private static final String SCRAPE_INTERVAL = "2s";

  @TempDir Path dir;

  @Test
  void prometheusScrapesEveryComponentOfACluster() throws Exception {
    RequiredTools.requireExecutable(Tools.PROMETHEUS);
    RequiredTools.requireExecutable(Tools.PROMTOOL);
    KubectlBinary kubectl = KubectlBinary.of("1.32");
    RequiredTools.require(kubectl);

    try (LocalCluster cluster = LocalCluster.builder().nodes(2).startAndWait()) {
      KubernetesClient client = cluster.client();
      runADeployment(client);
      Map<String, String> endpoints = cluster.metricsEndpoints();
      assertThat(endpoints).hasSize(5);

      checkEveryPageWithPromtool(client, endpoints);

      Path config = writeScrapeConfig(cluster, kubectl);
      try (PrometheusServer prometheus =
          PrometheusServer.start(Tools.PROMETHEUS, config, dir.resolve("prometheus"), DEADLINE)) {
        awaitEveryTargetUp(prometheus, cluster.nodeNames());
        awaitKeySeries(prometheus, cluster.nodeNames());
      }
    }
  }

  /** {@code promtool check metrics} (exposition format and lint) on every component's page. */
  private void checkEveryPageWithPromtool(KubernetesClient client, Map<String, String> endpoints)
      throws IOException, InterruptedException {
    Path pages = Files.createDirectories(dir.resolve("pages"));
    MetricsPages reader = new MetricsPages(client);
    List<String> problems = new ArrayList<>();
    for (Map.Entry<String, String> e : endpoints.entrySet()) {
      String page = reader.read(e.getValue(), e.getKey().equals(LocalCluster.APISERVER_METRICS));
      Path file = pages.resolve(e.getKey().replace('/', '_') + ".txt");
      Files.writeString(file, page, StandardCharsets.UTF_8);
      Path out = pages.resolve(e.getKey().replace('/', '_') + ".promtool");
      Process p =
          new ProcessBuilder(Tools.PROMTOOL.toString(), "check", "metrics")
              .redirectInput(file.toFile())
              .redirectErrorStream(true)
              .redirectOutput(out.toFile())
              .start();
      assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("promtool check metrics finished").isTrue();
      if (p.exitValue() != 0) {
        problems.add(
            e.getKey()
                + " ("
                + e.getValue()
                + "), exit "
                + p.exitValue()
                + ":\n"
                + Files.readString(out));
      }
    }
    assertThat(problems).as("promtool check metrics").isEmpty();
  }

  /**
   * The sample config with this cluster's data dir and ports, its kubelet file written by the
   * sample's kubelets.sh through real kubectl; {@code promtool check config} accepts it.
   */
  private Path writeScrapeConfig(LocalCluster cluster, KubectlBinary kubectl) throws IOException {
    Map<String, String> jobUrls = new LinkedHashMap<>();
    Map<String, String> endpoints = cluster.metricsEndpoints();
    jobUrls.put("kube-apiserver", endpoints.get(LocalCluster.APISERVER_METRICS));
    jobUrls.put("kube-scheduler", endpoints.get(LocalCluster.SCHEDULER_METRICS));
    jobUrls.put("kube-controller-manager", endpoints.get(LocalCluster.CONTROLLER_MANAGER_METRICS));
    String sample = Files.readString(ExampleManifests.file("prometheus/prometheus.yml"));
    Path config = dir.resolve("prometheus.yml");
    Files.writeString(
        config, ScrapeConfig.forCluster(sample, cluster.dataDir(), jobUrls, SCRAPE_INTERVAL));

    Path kubelets = cluster.dataDir().resolve("prometheus/kubelets.json");
    ExampleManifests.run(
        List.of(
            ExampleManifests.file("prometheus/kubelets.sh").toString(),
            kubelets.toString(),
            "--kubeconfig=" + cluster.kubeconfig(),
            "--cache-dir=" + dir.resolve("kubectl-cache")),
        Map.of("KUBECTL", kubectl.path().toString()),
        dir.resolve("kubelets-sh.log"));
    assertThat(Files.readString(kubelets))
        .contains("\"node\": \"" + cluster.nodeNames().get(0) + "\"");

    String checked =
        ExampleManifests.run(
            List.of(Tools.PROMTOOL.toString(), "check", "config", config.toString()),
            Map.of(),
            dir.resolve("promtool-config.log"));
    assertThat(checked).contains("SUCCESS");
    return config;
  }

  /** One target per static job and one per node, all up. */
  private static void awaitEveryTargetUp(PrometheusServer prometheus, List<String> nodes) {
    Set<String> expected = new TreeSet<>(ScrapeConfig.DEFAULT_TARGETS.keySet());
    nodes.forEach(n -> expected.add("kubelet/" + n));
    await("every target up")
        .atMost(DEADLINE)
        .pollInterval(Duration.ofSeconds(1))
        .untilAsserted(
            () -> {
              JsonNode targets = prometheus.activeTargets();
              Map<String, String> health = new TreeMap<>();
              for (JsonNode t : targets) {
                String job = t.at("/labels/job").asString();
                String key =
                    job.equals("kubelet") ? "kubelet/" + t.at("/labels/node").asString() : job;
                String error = t.path("lastError").asString();
                health.put(
                    key, t.path("health").asString() + (error.isEmpty() ? "" : ": " + error));
              }
              assertThat(health.keySet()).as(targets.toString()).isEqualTo(expected);
              assertThat(health)
                  .as(targets.toString())
                  .allSatisfy((k, h) -> assertThat(h).isEqualTo("up"));
            });
  }

  /**
   * The key upstream series of each component, found through PromQL with the job (and node) labels
   * of the sample config, and the values the Deployment's two pods must have left.
   */
  private static void awaitKeySeries(PrometheusServer prometheus, List<String> nodes) {
    Map<String, List<String>> seriesByJob =
        Map.of(
            "kube-apiserver",
            List.of(
                "apiserver_request_total",
                "apiserver_request_duration_seconds_bucket",
                "etcd_request_duration_seconds_bucket",
                "apiserver_storage_objects",
                "apiserver_registered_watchers",
                "process_start_time_seconds"),
            "kube-scheduler",
            List.of(
                "scheduler_schedule_attempts_total",
                "scheduler_scheduling_attempt_duration_seconds_bucket",
                "scheduler_pod_scheduling_sli_duration_seconds_bucket",
                "scheduler_pending_pods",
                "process_start_time_seconds"),
            "kube-controller-manager",
            List.of(
                "workqueue_adds_total",
                "workqueue_depth",
                "workqueue_queue_duration_seconds_bucket",
                "workqueue_work_duration_seconds_bucket",
                "workqueue_retries_total",
                "workqueue_unfinished_work_seconds",
                "workqueue_longest_running_processor_seconds",
                "process_start_time_seconds"),
            "kubelet",
            List.of(
                "kubelet_running_pods",
                "kubelet_running_containers",
                "kubelet_pod_start_duration_seconds_bucket",
                "kubelet_pod_start_sli_duration_seconds_bucket",
                "kubelet_pod_worker_duration_seconds_bucket",
                "kubelet_runtime_operations_total",
                "kubelet_runtime_operations_duration_seconds_bucket",
                "process_start_time_seconds"));
    Map<String, Double> atLeast = new LinkedHashMap<>();
    atLeast.put(
        "sum(apiserver_request_total{job=\"kube-apiserver\",resource=\"deployments\",verb=\"POST\",code=\"201\"})",
        1.0);
    atLeast.put(
        "sum(scheduler_schedule_attempts_total{job=\"kube-scheduler\",result=\"scheduled\"})", 2.0);
    atLeast.put(
        "sum(workqueue_adds_total{job=\"kube-controller-manager\",name=\"deployment\"})", 1.0);
    atLeast.put("sum(kubelet_running_pods{job=\"kubelet\"})", 2.0);

    await("key series of every component")
        .atMost(DEADLINE)
        .pollInterval(Duration.ofSeconds(1))
        .untilAsserted(
            () -> {
              List<String> missing = new ArrayList<>();
              for (Map.Entry<String, List<String>> job : seriesByJob.entrySet()) {
                for (String metric : job.getValue()) {
                  JsonNode result =
                      prometheus.query(
                          "count by (node) (" + metric + "{job=\"" + job.getKey() + "\"})");
                  int expected = job.getKey().equals("kubelet") ? nodes.size() : 1;
                  if (result.size() != expected) {
                    missing.add(job.getKey() + ": " + metric + " -> " + result);
                  }
                }
              }
              for (Map.Entry<String, Double> q : atLeast.entrySet()) {
                JsonNode result = prometheus.query(q.getKey());
                double value = result.isEmpty() ? 0 : result.get(0).at("/value/1").asDouble();
                if (value < q.getValue()) {
                  missing.add(q.getKey() + " = " + result + ", want >= " + q.getValue());
                }
              }
              assertThat(missing).isEmpty();
            });
  }

  /**
   * Two replicas on the simulated nodes: work for the scheduler, the controllers and the agents.
   */
  private static void runADeployment(KubernetesClient client) {
    Deployment d =
        new DeploymentBuilder()
            .withNewMetadata()
            .withName("scraped")
            .endMetadata()
            .withNewSpec()
            .withReplicas(2)
            .withNewSelector()
            .addToMatchLabels("app", "scraped")
            .endSelector()
            .withNewTemplate()
            .withNewMetadata()
            .addToLabels("app", "scraped")
            .endMetadata()
            .withNewSpec()
            .addNewContainer()
            .withName("c")
            .withImage(ExampleManifests.BUSYBOX_IMAGE)
            .endContainer()
            .endSpec()
            .endTemplate()
            .endSpec()
            .build();
    client.apps().deployments().inNamespace("default").resource(d).create();
    await("deployment scraped available")
        .atMost(DEADLINE)
        .until(
            () -> {
              Deployment got =
                  client.apps().deployments().inNamespace("default").withName("scraped").get();
              Integer available =
                  got.getStatus() == null ? null : got.getStatus().getAvailableReplicas();
              return available != null && available == 2;
            });
  }
}
