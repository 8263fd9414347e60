package dev.kvx.e2e;

import static org.awaitility.Awaitility.await;

import dev.kvx.apiserver.testing.InJvmApiServer;
import dev.kvx.e2e.cluster.DockerHost;
import dev.kvx.kubelet.KubeletAgent;
import dev.kvx.kubelet.KubeletOptions;
import dev.kvx.kubelet.KubeletTimings;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * One node for a test class: an in-JVM kubelet-agent (its own Vert.x and temp dir, a random node
 * name) registered with an in-JVM API server and running its pods on the host's Docker engine, plus
 * a fabric8 client to create pods pinned to it. Needs Docker and the local busybox image ({@link
 * DockerHost#require()}): fails without them when CI=true, skips elsewhere. On a static field only,
 * after the server, which must start first (JUnit orders extension fields by {@code @Order}, not by
 * declaration):
 *
 * <pre>{@code
 * @RegisterExtension @Order(1) static final InJvmApiServer server = new InJvmApiServer();
 * @RegisterExtension @Order(2) static final DockerNode node = new DockerNode(server, "pod-io");
 * ... node.createPod("shell", "main", "exec sleep 3600"); node.awaitRunning("shell");
 * }</pre>
 *
 * <p>When the class is done the agent stops before the server (after-callbacks run in reverse), and
 * every container of the node is removed, so a failed test leaves nothing behind on the engine.
 */
public final class DockerNode implements BeforeAllCallback, AfterAllCallback {

  /** Where {@link #createPod} creates its pods (the tests' kubectl commands name it too). */
  public static final String NAMESPACE = "default";

  /** The image of every pod and of the sandboxes: local only, never pulled. */
  public static final String IMAGE = DockerHost.BASE_IMAGE;

  private static final Duration RUNNING_TIMEOUT = Duration.ofSeconds(60);

  private final InJvmApiServer server;
  private final String prefix;
  private DockerHost docker;
  private Path dir;
  private String name;
  private Vertx vertx;
  private KubeletAgent agent;
  private KubernetesClient client;

  /**
   * A node named {@code PREFIX-<random>} with its files under a temp dir {@code kvx-PREFIX-…}, for
   * the pods of {@code server}.
   */
  public DockerNode(InJvmApiServer server, String prefix) {
    this.server = server;
    this.prefix = prefix;
  }

  @Override
  public void beforeAll(ExtensionContext context) throws IOException {
    docker = DockerHost.require();
    dir = Files.createTempDirectory("kvx-" + prefix + "-");
    name = prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    vertx = Vertx.vertx();
    agent =
        KubeletAgent.start(
                vertx,
                new KubeletOptions()
                    .kubeconfig(server.kubeconfig())
                    .nodeName(name)
                    .rootDir(dir.resolve("agent"))
                    .address("127.0.0.1")
                    .port(0)
                    .nodeIp("127.0.0.1")
                    .sandboxImage(IMAGE)
                    .sandboxCommand(List.of("sleep", "2147483647"))
                    // A fast relist: the tests wait for container state changes.
                    .timings(
                        KubeletTimings.upstream().withPlegRelistPeriod(Duration.ofMillis(300))))
            .await();
    client = InJvmApiServer.clientFor(server.kubeconfig());
  }

  @Override
  public void afterAll(ExtensionContext context) {
    try {
      if (client != null) {
        client.close();
      }
      if (agent != null) {
        agent.close().await();
      }
      if (vertx != null) {
        vertx.close().await();
      }
    } finally {
      try {
        if (docker != null) {
          docker.removeNodeContainers(name);
        }
      } finally {
        if (docker != null) {
          docker.close();
        }
        InJvmApiServer.deleteRecursively(dir);
      }
    }
  }

  /** The node's name, for {@code spec.nodeName}. */
  public String name() {
    return name;
  }

  /** A fabric8 client with the admin credentials; closed after the class. */
  public KubernetesClient client() {
    return client;
  }

  public KubeletAgent agent() {
    return agent;
  }

  /** The node's temp dir, for the test's own files; deleted after the class. */
  public Path dir() {
    return dir;
  }

  /**
   * Creates a pod pinned to this node (no scheduler needed): one container of {@link #IMAGE}
   * running {@code sh -c script}, the default restart policy, no grace period on deletion.
   */
  public Pod createPod(String pod, String container, String script) {
    return createPod(pod, container, null, script);
  }

  /** {@link #createPod(String, String, String)} with a restart policy ({@code Never}, …). */
  public Pod createPod(String pod, String container, String restartPolicy, String script) {
    return client
        .pods()
        .inNamespace(NAMESPACE)
        .resource(
            new PodBuilder()
                .withNewMetadata()
                .withName(pod)
                .endMetadata()
                .withNewSpec()
                .withNodeName(name)
                .withRestartPolicy(restartPolicy)
                .withTerminationGracePeriodSeconds(0L)
                .addNewContainer()
                .withName(container)
                .withImage(IMAGE)
                .withImagePullPolicy("Never")
                .withCommand("sh", "-c", script)
                .endContainer()
                .endSpec()
                .build())
        .create();
  }

  /** Waits (up to 60 s) until the pod's first container is reported running. */
  public void awaitRunning(String pod) {
    await()
        .atMost(RUNNING_TIMEOUT)
        .pollInterval(Duration.ofMillis(200))
        .until(
            () -> firstContainerRunning(client.pods().inNamespace(NAMESPACE).withName(pod).get()));
  }

  private static boolean firstContainerRunning(Pod pod) {
    List<ContainerStatus> statuses =
        pod == null || pod.getStatus() == null ? null : pod.getStatus().getContainerStatuses();
    return statuses != null
        && !statuses.isEmpty()
        && statuses.get(0).getState() != null
        && statuses.get(0).getState().getRunning() != null;
  }
}
