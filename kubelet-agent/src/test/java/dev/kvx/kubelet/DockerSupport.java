package dev.kvx.kubelet;

import static org.assertj.core.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.model.Container;
import dev.kvx.kubelet.runtime.RuntimeLabels;
import dev.kvx.kubelet.runtime.docker.DockerClients;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Docker for tests: the engine and the local busybox image (built by .ci/run: FROM scratch plus
 * Debian's static busybox). Missing Docker fails the test when {@code CI=true} and skips it
 * otherwise.
 */
public final class DockerSupport {
  /** The test image; no registry is reachable, so pods use it with imagePullPolicy Never. */
  public static final String IMAGE = "kvx/busybox:latest";

  /** Sandboxes run the busybox image sleeping: no pause image can be pulled here. */
  public static final List<String> SANDBOX_COMMAND = List.of("sleep", "2147483647");

  private DockerSupport() {}

  /** A connected client, or the test fails (CI) or is skipped. */
  public static DockerClient requireDocker() {
    DockerClient docker = DockerClients.connect(null);
    String problem = null;
    try {
      docker.pingCmd().exec();
      try {
        docker.inspectImageCmd(IMAGE).exec();
      } catch (RuntimeException e) {
        problem = "image " + IMAGE + " missing (build it as .ci/run does)";
      }
    } catch (RuntimeException e) {
      problem = "Docker engine not reachable: " + e.getMessage();
    }
    if (problem != null) {
      if ("true".equals(System.getenv("CI"))) {
        fail(problem);
      }
      assumeTrue(false, problem);
    }
    return docker;
  }

  /** A node name no other test uses, so tests sharing the engine stay apart. */
  public static String uniqueNodeName(String prefix) {
    return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
  }

  /** Removes every container of {@code node} (test cleanup). */
  public static void removeNodeContainers(DockerClient docker, String node) {
    List<Container> left =
        docker
            .listContainersCmd()
            .withShowAll(true)
            .withLabelFilter(Map.of(RuntimeLabels.NODE, node))
            .exec();
    for (Container c : left) {
      try {
        docker.removeContainerCmd(c.getId()).withForce(true).exec();
      } catch (RuntimeException e) {
        // already gone
      }
    }
  }

  /** The node's containers still present (running or not). */
  public static List<Container> nodeContainers(DockerClient docker, String node) {
    return docker
        .listContainersCmd()
        .withShowAll(true)
        .withLabelFilter(Map.of(RuntimeLabels.NODE, node))
        .exec();
  }
}
