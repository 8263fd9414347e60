package dev.kvx.launcher.cluster;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.model.Container;
import dev.kvx.kubelet.runtime.RuntimeLabels;
import dev.kvx.kubelet.runtime.docker.DockerClients;
import java.io.IOException;
import java.net.URI;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

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
    String host = host(dockerHost);
    int ping;
    try {
      ping = status(host, "/_ping");
    } catch (Exception e) {
      return Optional.of("no Docker engine answers at " + host + " (" + rootMessage(e) + ")");
    }
    if (ping != 200) {
      return Optional.of("the Docker engine at " + host + " answers /_ping with HTTP " + ping);
    }
    try {
      if (status(host, "/images/" + sandboxImage + "/json") == 404) {
        return Optional.of(
            "the sandbox image "
                + sandboxImage
                + " is not in the Docker engine (no registry is needed, but the image must be"
                + " built locally first)");
      }
      return Optional.empty();
    } catch (Exception e) {
      return Optional.of("Docker engine at " + host + ": " + rootMessage(e));
    }
  }

  /** Whether a Docker engine answers at {@code dockerHost}. */
  public static boolean reachable(String dockerHost) {
    try {
      return status(host(dockerHost), "/_ping") == 200;
    } catch (Exception e) {
      return false;
    }
  }

  /**
   * The HTTP status of {@code GET path} on the engine. On its UNIX socket (the usual case) this is
   * one request by hand: docker-java and its JSON stack cost {@code kvx up} seconds of CPU to load
   * for two yes/no questions, while the cluster it starts competes for the same cores. Other
   * hosts (TCP, maybe with TLS) go through docker-java.
   */
  static int status(String host, String path) throws Exception {
    URI uri = URI.create(host);
    if (!"unix".equals(uri.getScheme())) {
      try (DockerClient docker = DockerClients.connect(host)) {
        try {
          if (path.equals("/_ping")) {
            docker.pingCmd().exec();
          } else {
            docker.inspectImageCmd(path.substring("/images/".length(), path.length() - "/json".length())).exec();
          }
          return 200;
        } catch (NotFoundException e) {
          return 404;
        }
      }
    }
    ExecutorService thread =
        Executors.newSingleThreadExecutor(
            r -> {
              Thread t = new Thread(r, "docker-ping");
              t.setDaemon(true);
              return t;
            });
    try {
      return thread.submit(() -> unixGet(Path.of(uri.getPath()), path)).get(10, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      throw e.getCause() instanceof Exception cause ? cause : e;
    } finally {
      thread.shutdownNow();
    }
  }

  private static int unixGet(Path socket, String path) throws IOException {
    try (SocketChannel ch = SocketChannel.open(UnixDomainSocketAddress.of(socket))) {
      ch.write(
          ByteBuffer.wrap(
              ("GET " + path + " HTTP/1.0\r\nHost: docker\r\n\r\n").getBytes(StandardCharsets.US_ASCII)));
      // The status line is all we need: "HTTP/1.0 200 OK".
      ByteBuffer buf = ByteBuffer.allocate(256);
      while (buf.hasRemaining() && ch.read(buf) >= 0) {
        String head = new String(buf.array(), 0, buf.position(), StandardCharsets.US_ASCII);
        int eol = head.indexOf("\r\n");
        if (eol > 0) {
          String[] parts = head.substring(0, eol).split(" ");
          if (parts.length < 2) {
            throw new IOException("not an HTTP answer: " + head.substring(0, eol));
          }
          return Integer.parseInt(parts[1]);
        }
      }
      throw new IOException("no HTTP answer on " + socket);
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
    } catch (IOException e) {
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
