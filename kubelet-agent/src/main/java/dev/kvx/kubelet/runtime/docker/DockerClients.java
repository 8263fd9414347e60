package dev.kvx.kubelet.runtime.docker;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.core.DefaultDockerClientConfig;
import com.github.dockerjava.core.DockerClientConfig;
import com.github.dockerjava.core.DockerClientImpl;
import com.github.dockerjava.httpclient5.ApacheDockerHttpClient;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;

/** Builds the docker-java client of the Docker runtime. */
public final class DockerClients {
  /** The engine's default socket, as the docker CLI uses without {@code DOCKER_HOST}. */
  public static final String DEFAULT_HOST = "unix:///var/run/docker.sock";

  private DockerClients() {}

  /**
   * A client for {@code dockerHost} (e.g. {@code unix:///var/run/docker.sock}; null: {@code
   * $DOCKER_HOST}, else the default socket). No response timeout: log streams and container stops
   * legitimately take long. Calls block.
   */
  public static DockerClient connect(String dockerHost) {
    String host = dockerHost;
    if (host == null || host.isEmpty()) {
      String env = System.getenv("DOCKER_HOST");
      host = env == null || env.isEmpty() ? DEFAULT_HOST : env;
    }
    DockerClientConfig config =
        DefaultDockerClientConfig.createDefaultConfigBuilder().withDockerHost(host).build();
    ApacheDockerHttpClient http =
        new ApacheDockerHttpClient.Builder()
            .dockerHost(config.getDockerHost())
            .sslConfig(config.getSSLConfig())
            .maxConnections(200)
            .connectionTimeout(Duration.ofSeconds(10))
            .build();
    URI uri = config.getDockerHost();
    Path socket = "unix".equals(uri.getScheme()) ? Path.of(uri.getPath()) : null;
    return DockerClientImpl.getInstance(config, new HalfClosingHijackTransport(http, socket));
  }
}
