package dev.kvx.kubelet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.github.dockerjava.api.DockerClient;
import dev.kvx.kubelet.runtime.RuntimeLabels;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.http.HttpResponse;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Pods on real Docker through one agent and a real in-JVM API server. The restart back-off is
 * shortened (1 s doubling to 4 s instead of 10 s to 5 min) and the runtime is relisted every 300 ms
 * so crash loops and probes show within seconds; everything else runs with upstream timing.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DockerPodsTest {
  static final String NS = "default";
  @TempDir static Path dir;
  DockerClient docker;
  String node;
  ClusterSupport cluster;
  KubeletAgent agent;
  KubeletClient kubelet;

  @BeforeAll
  void setUp() throws Exception {
    docker = DockerSupport.requireDocker();
    node = DockerSupport.uniqueNodeName("docker-pods");
    cluster = new ClusterSupport(dir);
    KubeletOptions options =
        cluster
            .agentOptions(node, dir.resolve("agent"))
            .sandboxImage(DockerSupport.IMAGE)
            .sandboxCommand(DockerSupport.SANDBOX_COMMAND);
    options.timings(
        options.timings().withCrashLoopBackOff(Duration.ofSeconds(1), Duration.ofSeconds(4)));
    agent = cluster.startAgent(options);
    kubelet = new KubeletClient(cluster.kubeconfig(), agent.port(), true);
  }

  @AfterAll
  void tearDown() throws Exception {
    if (kubelet != null) {
      kubelet.close();
    }
    if (agent != null) {
      agent.close().await();
    }
    if (cluster != null) {
      cluster.close();
    }
    if (docker != null) {
      DockerSupport.removeNodeContainers(docker, node);
      docker.close();
    }
  }

  private PodBuilder pod(String name) {
    return new PodBuilder()
        .withNewMetadata()
        .withName(name)
        .withNamespace(NS)
        .endMetadata()
        .withNewSpec()
        .withNodeName(node)
        .withTerminationGracePeriodSeconds(2L)
        .endSpec();
  }

  private Pod create(Pod pod) {
    return cluster.client.pods().inNamespace(NS).resource(pod).create();
  }

  private Pod get(String name) {
    return cluster.pod(NS, name);
  }

  private static ContainerStatus status(Pod pod, String container) {
    return pod.getStatus().getContainerStatuses().stream()
        .filter(s -> s.getName().equals(container))
        .findFirst()
        .orElseThrow();
  }

  private static String condition(Pod pod, String type) {
    return pod.getStatus().getConditions().stream()
        .filter(c -> c.getType().equals(type))
        .map(PodCondition::getStatus)
        .findFirst()
        .orElse(null);
  }

  private void awaitRunning(String name) {
    await()
        .ignoreExceptions()
        .atMost(Duration.ofSeconds(60))
        .untilAsserted(
            () -> {
              Pod p = get(name);
              assertThat(p.getStatus()).isNotNull();
              assertThat(p.getStatus().getPhase()).isEqualTo("Running");
            });
  }

  private List<Event> events(String pod) {
    return cluster.client.v1().events().inNamespace(NS).list().getItems().stream()
        .filter(e -> pod.equals(e.getInvolvedObject().getName()))
        .toList();
  }

  @Test
  void containersOfAPodReachEachOtherOnLocalhost() throws Exception {
    create(
        pod("duo")
            .editSpec()
            .addNewContainer()
            .withName("server")
            .withImage(DockerSupport.IMAGE)
            .withImagePullPolicy("Never")
            .withCommand(
                "sh",
                "-c",
                "mkdir -p /www && echo hello-from-server > /www/index.html && exec httpd -f -p 8080"
                    + " -h /www")
            .addNewPort()
            .withName("http")
            .withContainerPort(8080)
            .endPort()
            .withNewStartupProbe()
            .withNewHttpGet()
            .withPath("/index.html")
            .withNewPort("http")
            .endHttpGet()
            .withPeriodSeconds(1)
            .withTimeoutSeconds(5)
            .withFailureThreshold(30)
            .endStartupProbe()
            .withNewReadinessProbe()
            .withNewHttpGet()
            .withPath("/index.html")
            .withNewPort(8080)
            .endHttpGet()
            .withPeriodSeconds(1)
            .withTimeoutSeconds(5)
            .endReadinessProbe()
            .withNewLivenessProbe()
            .withNewTcpSocket()
            .withNewPort(8080)
            .endTcpSocket()
            .withPeriodSeconds(1)
            .withTimeoutSeconds(5)
            .endLivenessProbe()
            .withNewLifecycle()
            .withNewPostStart()
            .withNewExec()
            .withCommand("sh", "-c", "echo started > /poststart")
            .endExec()
            .endPostStart()
            .endLifecycle()
            .endContainer()
            .addNewContainer()
            .withName("client")
            .withImage(DockerSupport.IMAGE)
            .withImagePullPolicy("IfNotPresent")
            .withCommand(
                "sh",
                "-c",
                "until wget -q -O /got http://127.0.0.1:8080/index.html; do sleep 0.2; done; cat"
                    + " /got; exec sleep 3600")
            .withNewReadinessProbe()
            .withNewExec()
            .withCommand("cat", "/got")
            .endExec()
            .withPeriodSeconds(1)
            .withTimeoutSeconds(5)
            .endReadinessProbe()
            .endContainer()
            .endSpec()
            .build());
    await()
        .ignoreExceptions()
        .atMost(Duration.ofSeconds(60))
        .untilAsserted(
            () -> {
              Pod p = get("duo");
              assertThat(p.getStatus().getPhase()).isEqualTo("Running");
              assertThat(condition(p, "Ready")).isEqualTo("True");
            });
    Pod p = get("duo");
    assertThat(p.getStatus().getPodIP()).matches("\\d+\\.\\d+\\.\\d+\\.\\d+");
    assertThat(p.getStatus().getHostIP()).isEqualTo("127.0.0.1");
    assertThat(p.getStatus().getQosClass()).isEqualTo("BestEffort");
    assertThat(p.getStatus().getStartTime()).isNotNull();
    assertThat(p.getStatus().getConditions())
        .extracting(PodCondition::getType)
        .contains("PodReadyToStartContainers", "Initialized", "Ready", "ContainersReady");
    ContainerStatus server = status(p, "server");
    assertThat(server.getContainerID()).startsWith("docker://");
    assertThat(server.getImageID()).startsWith("docker://sha256:");
    assertThat(server.getState().getRunning().getStartedAt()).isNotNull();
    assertThat(server.getStarted()).isTrue();
    assertThat(server.getReady()).isTrue();
    assertThat(server.getRestartCount()).isZero();
    assertThat(
            kubelet
                .exec(NS, "duo", "server", List.of("cat", "/poststart"), null, "v5.channel.k8s.io")
                .stdout())
        .isEqualTo("started\n");

    HttpResponse<String> log = kubelet.get("/containerLogs/default/duo/client");
    assertThat(log.code()).isEqualTo(200);
    assertThat(log.body()).isEqualTo("hello-from-server\n");
    // the pod IP serves the same page from the host: one network namespace, one IP
    assertThat(
            kubelet
                .exec(
                    NS,
                    "duo",
                    "client",
                    List.of(
                        "wget",
                        "-q",
                        "-O",
                        "-",
                        "http://" + p.getStatus().getPodIP() + ":8080/index.html"),
                    null,
                    "v4.channel.k8s.io")
                .stdout())
        .isEqualTo("hello-from-server\n");
    assertThat(events("duo")).extracting(Event::getReason).contains("Created", "Started", "Pulled");
  }

  @Test
  void execAndLogsOnTheAgentPort() throws Exception {
    create(
        pod("shell")
            .editSpec()
            .addNewContainer()
            .withName("c")
            .withImage(DockerSupport.IMAGE)
            .withImagePullPolicy("Never")
            .withCommand("sh", "-c", "echo one; echo two; exec sleep 3600")
            .endContainer()
            .endSpec()
            .build());
    awaitRunning("shell");

    KubeletClient.ExecOutcome hostname =
        kubelet.exec(NS, "shell", "c", List.of("cat", "/etc/hostname"), null, "v5.channel.k8s.io");
    assertThat(hostname.stdout()).isEqualTo("shell\n");
    assertThat(hostname.status()).isEqualTo("{\"metadata\":{},\"status\":\"Success\"}");
    KubeletClient.ExecOutcome failing =
        kubelet.exec(
            NS,
            "shell",
            "c",
            List.of("sh", "-c", "echo oops >&2; exit 3"),
            null,
            "v4.channel.k8s.io");
    assertThat(failing.stderr()).isEqualTo("oops\n");
    assertThat(failing.status())
        .contains("\"reason\":\"NonZeroExitCode\"")
        .contains("{\"reason\":\"ExitCode\",\"message\":\"3\"}");
    KubeletClient.ExecOutcome withStdin =
        kubelet.exec(NS, "shell", "c", List.of("wc", "-l"), "a\nb\nc\n", "v5.channel.k8s.io");
    assertThat(withStdin.stdout().strip()).isEqualTo("3");

    assertThat(kubelet.get("/containerLogs/default/shell/c?tailLines=1").body()).isEqualTo("two\n");
    assertThat(kubelet.get("/containerLogs/default/shell/c?timestamps=true").body())
        .matches("(?s)\\d{4}-\\d\\d-\\d\\dT\\S+Z one\n.*");
    assertThat(kubelet.get("/containerLogs/default/shell/c?previous=true").code()).isEqualTo(400);
    try (InputStream follow = kubelet.stream("/containerLogs/default/shell/c?follow=true");
        BufferedReader reader =
            new BufferedReader(new InputStreamReader(follow, StandardCharsets.UTF_8))) {
      assertThat(reader.readLine()).isEqualTo("one");
      assertThat(reader.readLine()).isEqualTo("two");
    }
    try (KubeletClient anonymous = new KubeletClient(cluster.kubeconfig(), agent.port(), false)) {
      assertThat(anonymous.get("/containerLogs/default/shell/c").code()).isEqualTo(401);
      assertThat(anonymous.get("/healthz").body()).isEqualTo("ok");
      assertThat(anonymous.get("/metrics").body())
          .contains("kubelet_running_pods ")
          .contains("kubelet_running_containers{container_state=\"running\"}")
          .contains("kubelet_pod_start_sli_duration_seconds_bucket")
          .contains("kubelet_pod_worker_duration_seconds_bucket")
          .contains("kubelet_runtime_operations_total{operation_type=\"create_container\"}");
    }
  }

  @Test
  void anExitingContainerIsRestartedWithBackOffAndShowsCrashLoopBackOff() throws Exception {
    create(
        pod("crasher")
            .editSpec()
            .addNewContainer()
            .withName("c")
            .withImage(DockerSupport.IMAGE)
            .withImagePullPolicy("Never")
            .withCommand("sh", "-c", "echo boom; exit 1")
            .endContainer()
            .endSpec()
            .build());
    Set<String> waitingReasons = ConcurrentHashMap.newKeySet();
    await()
        .ignoreExceptions()
        .atMost(Duration.ofSeconds(60))
        .pollInterval(Duration.ofMillis(100))
        .untilAsserted(
            () -> {
              ContainerStatus s = status(get("crasher"), "c");
              if (s.getState().getWaiting() != null) {
                waitingReasons.add(s.getState().getWaiting().getReason());
              }
              assertThat(s.getRestartCount()).isGreaterThanOrEqualTo(2);
              assertThat(waitingReasons).contains("CrashLoopBackOff");
            });
    Pod p = get("crasher");
    assertThat(p.getStatus().getPhase()).isEqualTo("Running");
    ContainerStatus s = status(p, "c");
    assertThat(s.getLastState().getTerminated().getExitCode()).isEqualTo(1);
    assertThat(s.getLastState().getTerminated().getReason()).isEqualTo("Error");
    assertThat(events("crasher")).extracting(Event::getReason).contains("BackOff");
    assertThat(kubelet.get("/containerLogs/default/crasher/c?previous=true").body())
        .isEqualTo("boom\n");
  }

  @Test
  void aFailingLivenessProbeRestartsTheContainer() {
    create(
        pod("unhealthy")
            .editSpec()
            .addNewContainer()
            .withName("c")
            .withImage(DockerSupport.IMAGE)
            .withImagePullPolicy("Never")
            .withCommand("sh", "-c", "sleep 2; touch /dead; exec sleep 3600")
            .withNewLivenessProbe()
            .withNewExec()
            .withCommand("sh", "-c", "test ! -f /dead")
            .endExec()
            .withPeriodSeconds(1)
            .withTimeoutSeconds(5)
            .withFailureThreshold(1)
            .endLivenessProbe()
            .endContainer()
            .endSpec()
            .build());
    await()
        .ignoreExceptions()
        .atMost(Duration.ofSeconds(60))
        .untilAsserted(
            () ->
                assertThat(status(get("unhealthy"), "c").getRestartCount())
                    .isGreaterThanOrEqualTo(1));
    await()
        .ignoreExceptions()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(
            () ->
                assertThat(events("unhealthy"))
                    .extracting(Event::getMessage)
                    .anyMatch(m -> m.startsWith("Liveness probe failed"))
                    .anyMatch(
                        m -> m.equals("Container c failed liveness probe, will be restarted")));
  }

  @Test
  void readinessFlipsTheReadyCondition() throws Exception {
    create(
        pod("flip")
            .editSpec()
            .addNewContainer()
            .withName("c")
            .withImage(DockerSupport.IMAGE)
            .withImagePullPolicy("Never")
            .withCommand("sleep", "3600")
            .withNewReadinessProbe()
            .withNewExec()
            .withCommand("cat", "/ready")
            .endExec()
            .withPeriodSeconds(1)
            .withTimeoutSeconds(5)
            .withFailureThreshold(1)
            .endReadinessProbe()
            .endContainer()
            .endSpec()
            .build());
    awaitRunning("flip");
    assertThat(condition(get("flip"), "Ready")).isEqualTo("False");
    assertThat(
            kubelet
                .exec(NS, "flip", "c", List.of("touch", "/ready"), null, "v5.channel.k8s.io")
                .status())
        .isEqualTo("{\"metadata\":{},\"status\":\"Success\"}");
    await()
        .ignoreExceptions()
        .atMost(Duration.ofSeconds(20))
        .untilAsserted(
            () -> {
              Pod p = get("flip");
              assertThat(condition(p, "Ready")).isEqualTo("True");
              assertThat(condition(p, "ContainersReady")).isEqualTo("True");
              assertThat(status(p, "c").getReady()).isTrue();
            });
    assertThat(
            kubelet
                .exec(NS, "flip", "c", List.of("rm", "/ready"), null, "v5.channel.k8s.io")
                .status())
        .isEqualTo("{\"metadata\":{},\"status\":\"Success\"}");
    await()
        .ignoreExceptions()
        .atMost(Duration.ofSeconds(20))
        .untilAsserted(() -> assertThat(condition(get("flip"), "Ready")).isEqualTo("False"));
    assertThat(status(get("flip"), "c").getRestartCount()).isZero();
  }

  @Test
  void configMapAndSecretEnvAndVolumesAppearInTheContainer() throws Exception {
    cluster
        .client
        .configMaps()
        .inNamespace(NS)
        .resource(
            new ConfigMapBuilder()
                .withNewMetadata()
                .withName("settings")
                .endMetadata()
                .withData(Map.of("color", "blue", "config.txt", "line1\nline2\n"))
                .build())
        .create();
    cluster
        .client
        .secrets()
        .inNamespace(NS)
        .resource(
            new SecretBuilder()
                .withNewMetadata()
                .withName("creds")
                .endMetadata()
                .withStringData(Map.of("password", "s3cret"))
                .build())
        .create();
    create(
        pod("configured")
            .editMetadata()
            .addToLabels("app", "demo")
            .endMetadata()
            .editSpec()
            .addNewVolume()
            .withName("cm")
            .withNewConfigMap()
            .withName("settings")
            .endConfigMap()
            .endVolume()
            .addNewVolume()
            .withName("sec")
            .withNewSecret()
            .withSecretName("creds")
            .endSecret()
            .endVolume()
            .addNewVolume()
            .withName("info")
            .withNewDownwardAPI()
            .addNewItem()
            .withPath("labels")
            .withNewFieldRef()
            .withFieldPath("metadata.labels")
            .endFieldRef()
            .endItem()
            .endDownwardAPI()
            .endVolume()
            .addNewVolume()
            .withName("scratch")
            .withNewEmptyDir()
            .endEmptyDir()
            .endVolume()
            .addNewContainer()
            .withName("c")
            .withImage(DockerSupport.IMAGE)
            .withImagePullPolicy("Never")
            .withCommand(
                "sh",
                "-c",
                "echo \"$COLOR $PASSWORD $POD $GREETING\"; cat /etc/cm/config.txt"
                    + " /etc/sec/password; echo; cat /etc/info/labels; echo; echo hi > /scratch/x"
                    + " && cat /scratch/x; exec sleep 3600")
            .addNewEnv()
            .withName("COLOR")
            .withNewValueFrom()
            .withNewConfigMapKeyRef("color", "settings", false)
            .endValueFrom()
            .endEnv()
            .addNewEnv()
            .withName("PASSWORD")
            .withNewValueFrom()
            .withNewSecretKeyRef("password", "creds", false)
            .endValueFrom()
            .endEnv()
            .addNewEnv()
            .withName("POD")
            .withNewValueFrom()
            .withNewFieldRef()
            .withFieldPath("metadata.name")
            .endFieldRef()
            .endValueFrom()
            .endEnv()
            .addNewEnv()
            .withName("GREETING")
            .withValue("hello-$(POD)")
            .endEnv()
            .addNewEnvFrom()
            .withNewConfigMapRef()
            .withName("settings")
            .endConfigMapRef()
            .withPrefix("CM_")
            .endEnvFrom()
            .withNewResources()
            .addToLimits("memory", new Quantity("64Mi"))
            .addToLimits("cpu", new Quantity("500m"))
            .endResources()
            .addNewVolumeMount()
            .withName("cm")
            .withMountPath("/etc/cm")
            .endVolumeMount()
            .addNewVolumeMount()
            .withName("sec")
            .withMountPath("/etc/sec")
            .withReadOnly(true)
            .endVolumeMount()
            .addNewVolumeMount()
            .withName("info")
            .withMountPath("/etc/info")
            .endVolumeMount()
            .addNewVolumeMount()
            .withName("scratch")
            .withMountPath("/scratch")
            .endVolumeMount()
            .endContainer()
            .endSpec()
            .build());
    awaitRunning("configured");
    await()
        .ignoreExceptions()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(
            () ->
                assertThat(kubelet.get("/containerLogs/default/configured/c").body())
                    .isEqualTo(
                        "blue s3cret configured hello-configured\n"
                            + "line1\n"
                            + "line2\n"
                            + "s3cret\n"
                            + "app=\"demo\"\n"
                            + "hi\n"));
    assertThat(
            kubelet
                .exec(
                    NS,
                    "configured",
                    "c",
                    List.of("sh", "-c", "echo $CM_color"),
                    null,
                    "v5.channel.k8s.io")
                .stdout())
        .isEqualTo("blue\n");
    // limits become the container's cgroup settings
    Pod p = get("configured");
    assertThat(p.getStatus().getQosClass()).isEqualTo("Guaranteed");
    String id = status(p, "c").getContainerID().substring("docker://".length());
    var host = docker.inspectContainerCmd(id).exec().getHostConfig();
    assertThat(host.getMemory()).isEqualTo(64L * 1024 * 1024);
    assertThat(host.getCpuQuota()).isEqualTo(50_000L);
    assertThat(host.getCpuPeriod()).isEqualTo(100_000L);
  }

  @Test
  void aMissingConfigMapKeepsThePodPendingWithCreateContainerConfigError() {
    create(
        pod("misconfigured")
            .editSpec()
            .addNewContainer()
            .withName("c")
            .withImage(DockerSupport.IMAGE)
            .withImagePullPolicy("Never")
            .withCommand("sleep", "3600")
            .addNewEnv()
            .withName("X")
            .withNewValueFrom()
            .withNewConfigMapKeyRef("k", "absent", false)
            .endValueFrom()
            .endEnv()
            .endContainer()
            .endSpec()
            .build());
    await()
        .ignoreExceptions()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () -> {
              Pod p = get("misconfigured");
              assertThat(p.getStatus().getPhase()).isEqualTo("Pending");
              assertThat(status(p, "c").getState().getWaiting().getReason())
                  .isEqualTo("CreateContainerConfigError");
              assertThat(status(p, "c").getState().getWaiting().getMessage())
                  .isEqualTo("configmap \"absent\" not found");
            });
  }

  @Test
  void anImageThatIsNotPresentWithPolicyNeverShowsErrImageNeverPull() {
    create(
        pod("neverpull")
            .editSpec()
            .addNewContainer()
            .withName("c")
            .withImage("kvx/absent:1")
            .withImagePullPolicy("Never")
            .endContainer()
            .endSpec()
            .build());
    await()
        .ignoreExceptions()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () ->
                assertThat(status(get("neverpull"), "c").getState().getWaiting().getReason())
                    .isEqualTo("ErrImageNeverPull"));
  }

  @Test
  void initContainersRunInOrderAndAJobLikePodSucceeds() {
    create(
        pod("job")
            .editSpec()
            .withRestartPolicy("Never")
            .addNewVolume()
            .withName("shared")
            .withNewEmptyDir()
            .endEmptyDir()
            .endVolume()
            .addNewInitContainer()
            .withName("first")
            .withImage(DockerSupport.IMAGE)
            .withImagePullPolicy("Never")
            .withCommand("sh", "-c", "echo first >> /shared/order")
            .addNewVolumeMount()
            .withName("shared")
            .withMountPath("/shared")
            .endVolumeMount()
            .endInitContainer()
            .addNewInitContainer()
            .withName("second")
            .withImage(DockerSupport.IMAGE)
            .withImagePullPolicy("Never")
            .withCommand("sh", "-c", "echo second >> /shared/order")
            .addNewVolumeMount()
            .withName("shared")
            .withMountPath("/shared")
            .endVolumeMount()
            .endInitContainer()
            .addNewContainer()
            .withName("main")
            .withImage(DockerSupport.IMAGE)
            .withImagePullPolicy("Never")
            .withCommand("sh", "-c", "cat /shared/order; echo done > /dev/termination-log")
            .addNewVolumeMount()
            .withName("shared")
            .withMountPath("/shared")
            .endVolumeMount()
            .endContainer()
            .endSpec()
            .build());
    await()
        .ignoreExceptions()
        .atMost(Duration.ofSeconds(60))
        .untilAsserted(() -> assertThat(get("job").getStatus().getPhase()).isEqualTo("Succeeded"));
    Pod p = get("job");
    assertThat(p.getStatus().getInitContainerStatuses())
        .extracting(s -> s.getState().getTerminated().getExitCode())
        .containsExactly(0, 0);
    assertThat(status(p, "main").getState().getTerminated().getReason()).isEqualTo("Completed");
    assertThat(status(p, "main").getState().getTerminated().getMessage()).isEqualTo("done\n");
    assertThat(condition(p, "Ready")).isEqualTo("False");
    assertThat(p.getStatus().getConditions())
        .anySatisfy(
            c -> {
              assertThat(c.getType()).isEqualTo("Ready");
              assertThat(c.getReason()).isEqualTo("PodCompleted");
            });
  }

  @Test
  void gracefulDeleteRunsPreStopAndRemovesTheContainers() throws Exception {
    Path out = Files.createDirectories(dir.resolve("prestop-out"));
    Pod created =
        create(
            pod("leaving")
                .editSpec()
                .withTerminationGracePeriodSeconds(10L)
                .addNewVolume()
                .withName("out")
                .withNewHostPath()
                .withPath(out.toString())
                .endHostPath()
                .endVolume()
                .addNewContainer()
                .withName("c")
                .withImage(DockerSupport.IMAGE)
                .withImagePullPolicy("Never")
                .withCommand("sleep", "3600")
                .withNewLifecycle()
                .withNewPreStop()
                .withNewExec()
                .withCommand("sh", "-c", "echo bye > /out/prestop")
                .endExec()
                .endPreStop()
                .endLifecycle()
                .addNewVolumeMount()
                .withName("out")
                .withMountPath("/out")
                .endVolumeMount()
                .endContainer()
                .endSpec()
                .build());
    awaitRunning("leaving");
    String uid = created.getMetadata().getUid();
    assertThat(
            docker
                .listContainersCmd()
                .withShowAll(true)
                .withLabelFilter(Map.of(RuntimeLabels.POD_UID, uid))
                .exec())
        .hasSize(2);

    cluster.client.pods().inNamespace(NS).withName("leaving").delete();
    await()
        .ignoreExceptions()
        .atMost(Duration.ofSeconds(60))
        .untilAsserted(() -> assertThat(get("leaving")).isNull());
    assertThat(Files.readString(out.resolve("prestop"))).isEqualTo("bye\n");
    await()
        .ignoreExceptions()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () ->
                assertThat(
                        docker
                            .listContainersCmd()
                            .withShowAll(true)
                            .withLabelFilter(Map.of(RuntimeLabels.POD_UID, uid))
                            .exec())
                    .isEmpty());
    assertThat(events("leaving")).extracting(Event::getReason).contains("Killing");
  }
}
