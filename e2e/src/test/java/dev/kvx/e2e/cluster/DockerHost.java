package dev.kvx.e2e.cluster;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.model.Container;
import dev.kvx.e2e.RequiredTools;
import dev.kvx.kubelet.runtime.RuntimeLabels;
import dev.kvx.kubelet.runtime.docker.DockerClients;
import java.io.IOException;
import java.util.List;
import java.util.Map;

/**
 * The host's Docker engine as the e2e tests see it: the one every kubelet-agent of a cluster runs
 * its pods on. Containers are found by the labels the agents put on them (node, pod, container), so
 * tests kill exactly the container they mean and clean up exactly their nodes' containers.
 */
public final class DockerHost implements AutoCloseable {

  /** The local busybox image .ci/run builds (FROM scratch + Debian's static busybox). */
  public static final String BASE_IMAGE = "kvx/busybox:latest";

  private final DockerClient docker;

  private DockerHost(DockerClient docker) {
    this.docker = docker;
  }

  /**
   * Connects, or fails the test (CI) / skips it when there is no engine or no base image: the one
   * Docker requirement of every e2e test that runs pods (clusters and {@code DockerNode}).
   */
  public static DockerHost require() {
    DockerClient docker = DockerClients.connect(null);
    String problem = null;
    try {
      docker.pingCmd().exec();
      try {
        docker.inspectImageCmd(BASE_IMAGE).exec();
      } catch (RuntimeException e) {
        problem = "the image " + BASE_IMAGE + " (built by .ci/run)";
      }
    } catch (RuntimeException e) {
      problem = "a Docker engine (" + e.getMessage() + ")";
    }
    if (problem != null) {
      closeQuietly(docker);
      RequiredTools.require(false, problem);
    }
    return new DockerHost(docker);
  }

  /**
   * Tags the base image as {@code repository:tag}: a second name for the same local image, so a
   * Deployment can roll from one image to another with no registry. Idempotent.
   */
  public void tagBaseImage(String repository, String tag) {
    docker.tagImageCmd(BASE_IMAGE, repository, tag).withForce(true).exec();
  }

  /** The app containers (not sandboxes) of one pod, running or not. */
  public List<Container> appContainers(String namespace, String pod) {
    return docker
        .listContainersCmd()
        .withShowAll(true)
        .withLabelFilter(
            Map.of(
                RuntimeLabels.POD_NAMESPACE, namespace,
                RuntimeLabels.POD_NAME, pod,
                RuntimeLabels.TYPE, RuntimeLabels.TYPE_CONTAINER))
        .exec();
  }

  /** The running containers (sandboxes included) an agent created for its node. */
  public List<Container> runningOnNode(String node) {
    return docker.listContainersCmd().withLabelFilter(Map.of(RuntimeLabels.NODE, node)).exec();
  }

  /** The running containers (sandboxes included) of one namespace's pods on one node. */
  public List<Container> runningOnNode(String node, String namespace) {
    return docker
        .listContainersCmd()
        .withLabelFilter(Map.of(RuntimeLabels.NODE, node, RuntimeLabels.POD_NAMESPACE, namespace))
        .exec();
  }

  /** {@code docker kill ID}: SIGKILL to the container's process, as an OOM kill or crash would. */
  public void kill(String containerId) {
    docker.killContainerCmd(containerId).exec();
  }

  /** Removes every container of {@code node}, running or not (cluster cleanup). */
  public void removeNodeContainers(String node) {
    List<Container> left =
        docker
            .listContainersCmd()
            .withShowAll(true)
            .withLabelFilter(Map.of(RuntimeLabels.NODE, node))
            .exec();
    for (Container c : left) {
      try {
        docker.removeContainerCmd(c.getId()).withForce(true).exec();
      } catch (RuntimeException alreadyGone) {
        // removed meanwhile
      }
    }
  }

  @Override
  public void close() {
    closeQuietly(docker);
  }

  private static void closeQuietly(DockerClient docker) {
    try {
      docker.close();
    } catch (IOException e) {
      // nothing to do about it
    }
  }
}
