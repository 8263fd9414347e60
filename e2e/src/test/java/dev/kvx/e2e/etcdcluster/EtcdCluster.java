package dev.kvx.e2e.etcdcluster;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.Network;
import org.testcontainers.containers.wait.strategy.Wait;
import org.testcontainers.lifecycle.Startables;
import org.testcontainers.utility.DockerImageName;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * An etcd cluster of Testcontainers, one member per container on a network of its own, from a
 * locally built image (no registry is reachable): members find each other by network alias, the
 * test reaches each through its mapped client port. Members are asked about their state through
 * etcd's JSON gateway ({@code POST /v3/maintenance/status}). Blocking; for test threads.
 */
final class EtcdCluster implements AutoCloseable {

  static final int CLIENT_PORT = 2379;
  static final int PEER_PORT = 2380;

  private static final JsonMapper JSON = JsonMapper.builder().build();

  private final Network network;
  private final List<Member> members;
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  private EtcdCluster(Network network, List<Member> members) {
    this.network = network;
    this.members = members;
  }

  /** One member of the cluster: its name (also its network alias) and container. */
  record Member(String name, GenericContainer<?> container) {

    /** The client URL from the host, e.g. {@code http://localhost:32768}. */
    String clientUrl() {
      return "http://" + container.getHost() + ":" + container.getMappedPort(CLIENT_PORT);
    }

    boolean running() {
      return container.isRunning();
    }
  }

  /**
   * Starts {@code size} members of {@code image} together (none is healthy before a quorum has
   * formed) and returns once each answers {@code /health} with {@code true}.
   */
  static EtcdCluster start(String image, int size, Duration timeout) {
    Network network = Network.newNetwork();
    List<String> names = IntStream.range(0, size).mapToObj(i -> "etcd-" + i).toList();
    String initialCluster =
        names.stream()
            .map(n -> n + "=http://" + n + ":" + PEER_PORT)
            .collect(Collectors.joining(","));
    List<Member> members = new ArrayList<>();
    for (String name : names) {
      GenericContainer<?> c =
          new GenericContainer<>(DockerImageName.parse(image))
              .withNetwork(network)
              .withNetworkAliases(name)
              .withExposedPorts(CLIENT_PORT)
              .withCommand(
                  "--name=" + name,
                  "--listen-client-urls=http://0.0.0.0:" + CLIENT_PORT,
                  "--advertise-client-urls=http://" + name + ":" + CLIENT_PORT,
                  "--listen-peer-urls=http://0.0.0.0:" + PEER_PORT,
                  "--initial-advertise-peer-urls=http://" + name + ":" + PEER_PORT,
                  "--initial-cluster=" + initialCluster,
                  "--initial-cluster-state=new",
                  "--initial-cluster-token=kvx-e2e")
              .waitingFor(
                  Wait.forHttp("/health")
                      .forPort(CLIENT_PORT)
                      .forResponsePredicate(body -> body.contains("\"health\":\"true\""))
                      .withStartupTimeout(timeout));
      members.add(new Member(name, c));
    }
    EtcdCluster cluster = new EtcdCluster(network, List.copyOf(members));
    try {
      Startables.deepStart(members.stream().map(Member::container)).join();
    } catch (RuntimeException e) {
      cluster.close();
      throw e;
    }
    return cluster;
  }

  List<Member> members() {
    return members;
  }

  /** Every member's client URL, as {@code --etcd-servers} takes them. */
  List<String> clientUrls() {
    return members.stream().map(Member::clientUrl).toList();
  }

  /**
   * The member the running members agree is the raft leader; throws while they don't agree or have
   * none (during an election).
   */
  Member leader() throws IOException {
    String leaderId = null;
    Member leader = null;
    for (Member m : members) {
      if (!m.running()) {
        continue;
      }
      JsonNode status = status(m);
      String id = status.at("/header/member_id").asString();
      String says = status.path("leader").asString();
      if (says.isEmpty() || "0".equals(says) || (leaderId != null && !leaderId.equals(says))) {
        throw new IOException("no agreed leader: " + m.name() + " says " + status);
      }
      leaderId = says;
      if (id.equals(says)) {
        leader = m;
      }
    }
    if (leader == null) {
      throw new IOException("the leader " + leaderId + " is not a running member");
    }
    return leader;
  }

  /** Kills the member's container (SIGKILL): no goodbye to its peers or clients. */
  void kill(Member member) {
    member
        .container()
        .getDockerClient()
        .killContainerCmd(member.container().getContainerId())
        .exec();
  }

  private JsonNode status(Member m) throws IOException {
    HttpRequest request =
        HttpRequest.newBuilder(URI.create(m.clientUrl() + "/v3/maintenance/status"))
            .timeout(Duration.ofSeconds(5))
            .POST(HttpRequest.BodyPublishers.ofString("{}"))
            .build();
    try {
      HttpResponse<String> r = http.send(request, HttpResponse.BodyHandlers.ofString());
      if (r.statusCode() != 200) {
        throw new IOException(m.name() + " status: " + r.statusCode() + " " + r.body());
      }
      return JSON.readTree(r.body());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException(e);
    }
  }

  @Override
  public void close() {
    for (Member m : members) {
      try {
        m.container().stop();
      } catch (RuntimeException e) {
        // a killed member may already be gone; the others must still be stopped
      }
    }
    network.close();
  }
}
