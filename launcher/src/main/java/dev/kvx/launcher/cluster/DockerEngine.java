package dev.kvx.launcher.cluster;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.model.Container;
import dev.kvx.kubelet.runtime.RuntimeLabels;
import dev.kvx.kubelet.runtime.docker.DockerClients;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What a cluster on the Docker runtime needs from the engine, checked before any component starts
 * (so {@code kvx up} can say what to fix), and the removal of a cluster's containers when nothing
 * could adopt them any more (an in-memory cluster closed, {@code kvx down --purge}). Calls block.
 */
public final class DockerEngine {

  private DockerEngine() {}

  /**
   * Why the engine at {@code dockerHost} (null: {@code $DOCKER_HOST}, else the default socket) cannot
   * run this cluster's pods: unreachable, or without the sandbox image. Empty when it can.
   */
  public static Optional<String> problem(String dockerHost, String sandboxImage) {
    try (DockerClient docker = DockerClients.connect(dockerHost)) {
      try {
        docker.pingCmd().exec();
      } catch (RuntimeException e) {
        return Optional.of(
            "no Docker engine answers at " + host(dockerHost) + " (" + rootMessage(e) + ")");
      }
      try {
        docker.inspectImageCmd(sandboxImage).exec();
      } catch (NotFoundException e) {
        return Optional.of(
            "the sandbox image "
                + sandboxImage
                + " is not in the Docker engine (no registry is needed, but the image must be"
                + " built locally first)");
      }
      return Optional.empty();
    } catch (Exception e) {
      return Optional.of("Docker engine at " + host(dockerHost) + ": " + rootMessage(e));
    }
  }

  /** Whether a Docker engine answers at {@code dockerHost}. */
  public static boolean reachable(String dockerHost) {
    try (DockerClient docker = DockerClients.connect(dockerHost)) {
      docker.pingCmd().exec();
      return true;
    } catch (Exception e) {
      return false;
    }
  }

  /**
   * Removes every container (running or not) the agents of {@code nodes} created; returns how many.
   */
  public static int removeNodeContainers(String dockerHost, Collection<String> nodes) {
    int removed = 0;
    try (DockerClient docker = DockerClients.connect(dockerHost)) {
      for (String node : nodes) {
        List<Container> found =
            docker
                .listContainersCmd()
                .withShowAll(true)
                .withLabelFilter(Map.of(RuntimeLabels.NODE, node))
                .exec();
        for (Container c : found) {
          try {
            docker.removeContainerCmd(c.getId()).withForce(true).withRemoveVolumes(true).exec();
            removed++;
          } catch (NotFoundException e) {
            // removed meanwhile
          }
        }
      }
    } catch (java.io.IOException e) {
      // closing the client failed: the removals above are done
    }
    return removed;
  }

  private static String host(String dockerHost) {
    if (dockerHost != null && !dockerHost.isEmpty()) {
      return dockerHost;
    }
    String env = System.getenv("DOCKER_HOST");
    return env == null || env.isEmpty() ? DockerClients.DEFAULT_HOST : env;
  }

  private static String rootMessage(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null && t.getCause() != t) {
      t = t.getCause();
    }
    return t.getMessage() == null ? t.toString() : t.getMessage();
  }
}
