package dev.kvx.e2e.cluster;

import static org.awaitility.Awaitility.await;

import dev.kvx.apiserver.storage.etcd.LocalEtcd;
import dev.kvx.component.KubeClients;
import dev.kvx.e2e.Kubectl;
import dev.kvx.e2e.KubectlBinary;
import dev.kvx.e2e.RequiredTools;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.awaitility.core.ConditionTimeoutException;

/**
 * A kind-style cluster for end-to-end tests: a real etcd, and every kvx component as its own
 * process started through the launcher — {@code kvx apiserver --etcd-servers=…}, {@code kvx
 * scheduler}, {@code kvx controller-manager} and one {@code kvx kubelet-agent --runtime=docker} per
 * node — talking to each other only through the API server, as separate machines would. Pods run as
 * containers of the host's Docker engine, from local images.
 *
 * <p>Any one process can be stopped (SIGTERM), killed (SIGKILL) and started again on the same data
 * dir and ports: {@link #restart}, {@link #stopNode}, {@link #startNode}. Node names carry a random
 * prefix, so clusters of concurrent test classes never touch each other's containers.
 *
 * <p>Blocking throughout: drive it from one test thread.
 */
public final class ProcessCluster implements AutoCloseable {

  /** A JVM start and a first TLS round trip take seconds on a busy 2-core CI machine. */
  static final Duration START_TIMEOUT = Duration.ofMinutes(3);

  /**
   * The controller manager's {@code --node-monitor-grace-period}: a lost node turns Unknown after
   * 25 s instead of upstream's 50 s, as KWOK-style test clusters shorten it. A kubelet-agent renews
   * its Lease every 10 s and retries only at the next tick, so this leaves one failed renewal (the
   * API server restarting) 5 s of room before a healthy node would be taken for lost.
   */
  static final Duration NODE_MONITOR_GRACE_PERIOD = Duration.ofSeconds(25);

  /** Control-plane processes; nodes are addressed by name. */
  public enum Component {
    APISERVER,
    SCHEDULER,
    CONTROLLER_MANAGER
  }

  private static final String SCHEDULER_LEASE = "kube-scheduler";
  private static final String CONTROLLER_MANAGER_LEASE = "kube-controller-manager";

  private final Path dir;
  private final DockerHost docker;
  private final LocalEtcd etcd;
  private final Launcher launcher;
  private final Path kubeconfig;
  private final ComponentProcess apiServer;
  private final ComponentProcess scheduler;
  private final int schedulerPort;
  private final ComponentProcess controllerManager;
  private final int controllerManagerPort;
  private final Map<String, ComponentProcess> nodes = new LinkedHashMap<>();
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
  private final AtomicInteger kubectls = new AtomicInteger();
  private KubernetesClient client;

  private ProcessCluster(Path dir, int nodeCount, DockerHost docker, LocalEtcd etcd) {
    this.dir = dir;
    this.docker = docker;
    this.etcd = etcd;
    this.launcher = Launcher.prepare(dir);
    Path apiData = dir.resolve("apiserver");
    this.kubeconfig = apiData.resolve("kubeconfig");
    Path logs = dir.resolve("logs");
    apiServer =
        new ComponentProcess(
            "apiserver",
            launcher,
            List.of(
                "apiserver",
                "--etcd-servers=" + etcd.clientUrl(),
                "--data-dir=" + apiData,
                "--secure-port=" + freePort()),
            logs.resolve("apiserver.log"));
    schedulerPort = freePort();
    scheduler =
        new ComponentProcess(
            "scheduler",
            launcher,
            List.of(
                "scheduler",
                "--kubeconfig=" + kubeconfig,
                "--bind-address=127.0.0.1",
                "--secure-port=" + schedulerPort),
            logs.resolve("scheduler.log"));
    controllerManagerPort = freePort();
    controllerManager =
        new ComponentProcess(
            "controller-manager",
            launcher,
            List.of(
                "controller-manager",
                "--kubeconfig=" + kubeconfig,
                "--bind-address=127.0.0.1",
                "--secure-port=" + controllerManagerPort,
                "--node-monitor-grace-period=" + NODE_MONITOR_GRACE_PERIOD.toSeconds() + "s"),
            logs.resolve("controller-manager.log"));
    String prefix = "e2e-" + UUID.randomUUID().toString().substring(0, 6);
    for (int i = 1; i <= nodeCount; i++) {
      String node = prefix + "-" + i;
      nodes.put(
          node,
          new ComponentProcess(
              "kubelet-agent " + node,
              launcher,
              List.of(
                  "kubelet-agent",
                  "--kubeconfig=" + kubeconfig,
                  "--node-name=" + node,
                  "--runtime=docker",
                  "--data-dir=" + dir.resolve("nodes"),
                  "--root-dir=" + dir.resolve("nodes").resolve(node),
                  "--address=127.0.0.1",
                  "--node-ip=127.0.0.1",
                  "--port=" + freePort(),
                  // No registry is reachable: the sandbox is the local busybox image, sleeping.
                  "--pod-infra-container-image=" + DockerHost.BASE_IMAGE,
                  "--pod-infra-container-command=sleep,2147483647"),
              logs.resolve(node + ".log")));
    }
  }

  /**
   * Starts etcd, the API server, then the scheduler, the controller manager and {@code nodeCount}
   * agents at once; returns when the API is ready, both controllers lead and every node is Ready.
   * Fails the test (CI) or skips it when etcd or Docker is missing.
   */
  public static ProcessCluster start(Path dir, int nodeCount) {
    RequiredTools.require(LocalEtcd.available(), "etcd (" + LocalEtcd.binary() + ")");
    DockerHost docker = DockerHost.require();
    LocalEtcd etcd = null;
    ProcessCluster cluster = null;
    try {
      etcd = LocalEtcd.start();
      cluster = new ProcessCluster(dir, nodeCount, docker, etcd);
      cluster.startAll();
      return cluster;
    } catch (RuntimeException | Error e) {
      if (cluster != null) {
        cluster.close();
      } else {
        if (etcd != null) {
          etcd.close();
        }
        docker.close();
      }
      throw e;
    }
  }

  private void startAll() {
    long start = System.nanoTime();
    apiServer.start();
    awaitApiServerReady();
    long apiReady = System.nanoTime();
    scheduler.start();
    controllerManager.start();
    nodes.values().forEach(ComponentProcess::start);
    awaitLeader(scheduler, SCHEDULER_LEASE, schedulerPort, null);
    awaitLeader(controllerManager, CONTROLLER_MANAGER_LEASE, controllerManagerPort, null);
    nodes.keySet().forEach(this::awaitNodeHeartbeat);
    // Start-up dominates short suites on loaded machines: say where it went.
    System.out.printf(
        "kvx e2e cluster in %s: API server ready in %.1f s, then scheduler, controller manager"
            + " and %d nodes in %.1f s%n",
        dir, (apiReady - start) / 1e9, nodes.size(), (System.nanoTime() - apiReady) / 1e9);
  }

  /** The admin kubeconfig the API server wrote (and every component uses). */
  public Path kubeconfig() {
    return kubeconfig;
  }

  /** A fabric8 client of the cluster; closed with it. */
  public KubernetesClient client() {
    return client;
  }

  /** A kubectl of the given release with a discovery cache of its own. */
  public Kubectl kubectl(KubectlBinary binary) {
    RequiredTools.require(binary);
    return new Kubectl(binary, kubeconfig, dir.resolve("kubectl-" + kubectls.incrementAndGet()));
  }

  public DockerHost docker() {
    return docker;
  }

  /** The node names, in start order. */
  public List<String> nodeNames() {
    return List.copyOf(nodes.keySet());
  }

  public ComponentProcess process(Component component) {
    return switch (component) {
      case APISERVER -> apiServer;
      case SCHEDULER -> scheduler;
      case CONTROLLER_MANAGER -> controllerManager;
    };
  }

  public ComponentProcess node(String name) {
    ComponentProcess p = nodes.get(name);
    if (p == null) {
      throw new IllegalArgumentException("no node " + name + " in " + nodes.keySet());
    }
    return p;
  }

  /**
   * Stops control-plane components ({@code kill}: SIGKILL, else SIGTERM), then starts them again on
   * the same flags all at once; returns when each serves again (API server) or has taken its leader
   * lease back. With the API server among them, it comes back first.
   */
  public void restart(boolean kill, Component... components) {
    Map<Component, String> holders = new LinkedHashMap<>();
    for (Component c : components) {
      holders.put(
          c,
          switch (c) {
            case SCHEDULER -> leaseHolder(SCHEDULER_LEASE);
            case CONTROLLER_MANAGER -> leaseHolder(CONTROLLER_MANAGER_LEASE);
            case APISERVER -> null;
          });
    }
    for (Component c : components) {
      if (kill) {
        process(c).kill();
      } else {
        process(c).stop();
      }
    }
    if (holders.containsKey(Component.APISERVER)) {
      apiServer.start();
      awaitApiServerReady();
    }
    holders.keySet().forEach(c -> process(c).start());
    holders.forEach(
        (c, holder) -> {
          switch (c) {
            case APISERVER -> awaitApiServerReady();
            case SCHEDULER -> awaitLeader(scheduler, SCHEDULER_LEASE, schedulerPort, holder);
            case CONTROLLER_MANAGER ->
                awaitLeader(
                    controllerManager, CONTROLLER_MANAGER_LEASE, controllerManagerPort, holder);
          }
        });
  }

  /** Stops a node's agent (SIGTERM); its containers keep running, as on a node that lost power. */
  public void stopNode(String name) {
    node(name).stop();
  }

  /** Starts a stopped node's agent; returns when it renews its Lease and the node is Ready. */
  public void startNode(String name) {
    node(name).start();
    awaitNodeHeartbeat(name);
  }

  private void awaitApiServerReady() {
    awaitUntil(
        apiServer,
        () -> {
          if (!Files.exists(kubeconfig)) {
            return false;
          }
          if (client == null) {
            client = KubeClients.fromKubeconfig(kubeconfig, "kvx-e2e");
          }
          return "ok".equals(client.raw("/readyz"));
        });
  }

  /**
   * Waits until the component answers /readyz on its port and holds its leader Lease with an
   * identity other than {@code previousHolder} (a restarted process has a new identity).
   */
  private void awaitLeader(ComponentProcess p, String lease, int port, String previousHolder) {
    awaitUntil(
        p,
        () -> {
          String holder = leaseHolder(lease);
          return holder != null
              && !holder.isEmpty()
              && !holder.equals(previousHolder)
              && httpOk("http://127.0.0.1:" + port + "/readyz");
        });
  }

  /** Waits until the node's Lease was renewed by the current agent process and it is Ready. */
  private void awaitNodeHeartbeat(String name) {
    ComponentProcess p = node(name);
    Instant started = p.startedAt().minusSeconds(1); // renewTime has microseconds; clocks agree
    awaitUntil(
        p,
        () -> {
          Lease lease = client.leases().inNamespace("kube-node-lease").withName(name).get();
          if (lease == null || lease.getSpec().getRenewTime() == null) {
            return false;
          }
          Instant renewed = lease.getSpec().getRenewTime().toInstant();
          Node node = client.nodes().withName(name).get();
          return renewed.isAfter(started) && node != null && Nodes.ready(node);
        });
  }

  private String leaseHolder(String name) {
    Lease lease = client.leases().inNamespace("kube-system").withName(name).get();
    return lease == null || lease.getSpec() == null ? null : lease.getSpec().getHolderIdentity();
  }

  private boolean httpOk(String url) {
    try {
      HttpResponse<Void> r =
          http.send(
              HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(5)).build(),
              HttpResponse.BodyHandlers.discarding());
      return r.statusCode() == 200;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  private interface Check {
    boolean ok() throws Exception;
  }

  /** Polls {@code check} until it holds; fails at once with the log when the process died. */
  private static void awaitUntil(ComponentProcess p, Check check) {
    try {
      await()
          .atMost(START_TIMEOUT)
          .pollInterval(Duration.ofMillis(500))
          .until(
              () -> {
                p.requireAlive();
                try {
                  return check.ok();
                } catch (AssertionError e) {
                  throw e;
                } catch (Exception notYet) {
                  return false; // not listening yet, or the API server is restarting
                }
              });
    } catch (ConditionTimeoutException e) {
      throw new AssertionError(
          p.name() + " not ready within " + START_TIMEOUT + ":\n" + p.logTail(40), e);
    }
  }

  /** Nodes, pods and the tails of every component's log, for a failed test's report. */
  public String diagnostics() {
    StringBuilder out = new StringBuilder();
    try {
      for (Node n : client.nodes().list().getItems()) {
        out.append("node ")
            .append(n.getMetadata().getName())
            .append(" Ready=")
            .append(Nodes.readyStatus(n))
            .append(" taints=")
            .append(Nodes.taints(n))
            .append('\n');
      }
      for (Pod p : client.pods().inAnyNamespace().list().getItems()) {
        out.append("pod ")
            .append(p.getMetadata().getNamespace())
            .append('/')
            .append(p.getMetadata().getName())
            .append(" node=")
            .append(p.getSpec().getNodeName())
            .append(" phase=")
            .append(Pods.phase(p))
            .append(" ready=")
            .append(Pods.ready(p))
            .append(" deleting=")
            .append(Pods.terminating(p))
            .append('\n');
      }
    } catch (RuntimeException e) {
      out.append("(cannot read the cluster: ").append(e).append(")\n");
    }
    List<ComponentProcess> all = new ArrayList<>(List.of(apiServer, scheduler, controllerManager));
    all.addAll(nodes.values());
    for (ComponentProcess p : all) {
      out.append("==== ").append(p).append(" — ").append(p.log()).append('\n');
      out.append(p.logTail(30)).append('\n');
    }
    return out.toString();
  }

  /** Stops every process (agents first), etcd, and removes the nodes' containers. */
  @Override
  public void close() {
    List<ComponentProcess> all = new ArrayList<>(nodes.values());
    all.addAll(List.of(controllerManager, scheduler, apiServer));
    for (ComponentProcess p : all) {
      try {
        p.kill(); // nothing of the cluster outlives it: no graceful stop needed
      } catch (RuntimeException | AssertionError e) {
        // keep closing the rest
      }
    }
    if (client != null) {
      client.close();
    }
    etcd.close();
    nodes.keySet().forEach(docker::removeNodeContainers);
    docker.close();
  }

  static int freePort() {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
