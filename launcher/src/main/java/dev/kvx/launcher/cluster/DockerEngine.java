package dev.kvx.launcher.cluster;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.model.Container;
import dev.kvx.kubelet.runtime.RuntimeLabels;
import dev.kvx.kubelet.runtime.docker.BusyboxImage;
import dev.kvx.kubelet.runtime.docker.DockerClients;
import dev.kvx.kubelet.runtime.docker.ImageBuildException;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * What a cluster on the Docker runtime needs from the engine, checked (and the default sandbox
 * image built) before any component starts, so {@code kvx up} can say what to fix; and the removal
 * of a cluster's containers when nothing could adopt them any more (an in-memory cluster closed,
 * {@code kvx down --purge}). Calls block.
 */
public final class DockerEngine {

  private DockerEngine() {}

  /** Why a cluster on the Docker runtime cannot start. */
  public record Problem(Reason reason, String message) {
    /** What is missing. */
    public enum Reason {
      /** No engine answers. */
      NO_ENGINE,
      /** The sandbox image is missing and could not be built. */
      NO_SANDBOX_IMAGE
    }

    /** What the user can do about it. */
    public String hint() {
      return reason == Reason.NO_ENGINE
          ? "Start a Docker engine (on Debian `sudo .ci/setup` installs and starts one) or use"
              + " --runtime=simulated"
          : "Fix that, or run the pods without containers: kvx up --runtime=simulated";
    }
  }

  /** A cluster start that failed on a {@link Problem}: the message is the problem's. */
  public static final class ProblemException extends RuntimeException {
    private final transient Problem problem;

    public ProblemException(Problem problem) {
      super(problem.message(), null, false, false); // the message says it all; no trace
      this.problem = problem;
    }

    public Problem problem() {
      return problem;
    }
  }

  /**
   * Why the engine at {@code dockerHost} (null: {@code $DOCKER_HOST}, else the default socket)
   * cannot run this cluster's pods: unreachable, or without the sandbox image. Empty when it can. A
   * missing {@link LocalCluster#DEFAULT_SANDBOX_IMAGE} is built first (see {@link #prepare}).
   */
  public static Optional<String> problem(String dockerHost, String sandboxImage) {
    return prepare(dockerHost, sandboxImage, line -> {}).map(Problem::message);
  }

  /**
   * Makes the engine at {@code dockerHost} ready for this cluster's pods: the default sandbox image
   * {@link LocalCluster#DEFAULT_SANDBOX_IMAGE}, which no registry serves, is built from the host's
   * static busybox when missing ({@link BusyboxImage}), and {@code progress} hears e.g. "built
   * kvx/busybox:latest from /bin/busybox in 1.2 s". Any other missing image is a problem.
   *
   * @return why the pods cannot run, or empty when they can
   */
  public static Optional<Problem> prepare(
      String dockerHost, String sandboxImage, Consumer<String> progress) {
    return prepare(
        dockerHost,
        sandboxImage,
        LocalCluster.DEFAULT_SANDBOX_IMAGE.equals(sandboxImage),
        progress);
  }

  /** As the public {@link #prepare}; {@code buildable}: build {@code sandboxImage} when missing. */
  static Optional<Problem> prepare(
      String dockerHost, String sandboxImage, boolean buildable, Consumer<String> progress) {
    try (DockerClient docker = DockerClients.connect(dockerHost)) {
      try {
        docker.pingCmd().exec();
      } catch (RuntimeException e) {
        return Optional.of(
            new Problem(
                Problem.Reason.NO_ENGINE,
                "no Docker engine answers at " + host(dockerHost) + " (" + rootMessage(e) + ")"));
      }
      if (!buildable) {
        try {
          docker.inspectImageCmd(sandboxImage).exec();
          return Optional.empty();
        } catch (NotFoundException e) {
          return Optional.of(
              new Problem(
                  Problem.Reason.NO_SANDBOX_IMAGE,
                  "the sandbox image "
                      + sandboxImage
                      + " is not in the Docker engine (no registry is needed, but the image must"
                      + " be built locally first)"));
        }
      }
      try {
        BusyboxImage.ensure(docker, sandboxImage).ifPresent(b -> progress.accept(b.summary()));
        return Optional.empty();
      } catch (ImageBuildException e) {
        return Optional.of(
            new Problem(
                Problem.Reason.NO_SANDBOX_IMAGE,
                "the sandbox image "
                    + sandboxImage
                    + " is not in the Docker engine and could not be built: "
                    + e.getMessage()));
      }
    } catch (Exception e) {
      return Optional.of(
          new Problem(
              Problem.Reason.NO_ENGINE,
              "Docker engine at " + host(dockerHost) + ": " + rootMessage(e)));
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
