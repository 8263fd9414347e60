package dev.kvx.kubelet;

import com.github.dockerjava.api.DockerClient;
import dev.kvx.component.KubeClients;
import dev.kvx.component.clock.Clock;
import dev.kvx.component.metrics.Metrics;
import dev.kvx.component.server.HealthCheck;
import dev.kvx.component.server.HealthChecks;
import dev.kvx.kubelet.metrics.KubeletMetrics;
import dev.kvx.kubelet.nodestatus.HostNodeHealth;
import dev.kvx.kubelet.nodestatus.MachineInfo;
import dev.kvx.kubelet.nodestatus.NodeHealth;
import dev.kvx.kubelet.nodestatus.NodeResources;
import dev.kvx.kubelet.nodestatus.NodeSettings;
import dev.kvx.kubelet.nodestatus.PodCidrUpdater;
import dev.kvx.kubelet.runtime.ContainerRuntime;
import dev.kvx.kubelet.runtime.InstrumentedRuntime;
import dev.kvx.kubelet.runtime.RuntimeVersion;
import dev.kvx.kubelet.runtime.docker.DockerClients;
import dev.kvx.kubelet.runtime.docker.DockerRuntime;
import dev.kvx.kubelet.runtime.simulated.PodIpRange;
import dev.kvx.kubelet.runtime.simulated.SimulatedRuntime;
import dev.kvx.kubelet.server.KubeletRoutes;
import dev.kvx.kubelet.server.KubeletServer;
import dev.kvx.kubelet.server.ServingCertificate;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A kubelet-agent process: one node (Docker) or many simulated ones, an API client, the pod
 * informer feeding the nodes' pod workers, and the HTTPS port serving health, metrics, container
 * logs and exec. Components talk only through the API server: everything here is an API client.
 *
 * <p>{@link #start} does the blocking set-up (files, Docker, certificates) on worker threads and
 * completes once the port listens and the nodes are registering; {@link #close} stops the agent and
 * leaves the containers running, as stopping the kubelet does (a restarted agent adopts them).
 */
public final class KubeletAgent {
  private static final Logger LOG = LoggerFactory.getLogger(KubeletAgent.class);

  /** The user agent of the agent's API calls. */
  public static final String USER_AGENT =
      "kubelet/" + NodeSettings.KUBELET_VERSION + " (linux) kvx";

  private final Vertx vertx;
  private final KubeletOptions options;
  private final Metrics metrics;
  private final HealthChecks checks = new HealthChecks();
  private final Map<String, NodeAgent> nodes = new LinkedHashMap<>();
  private final List<ExecutorService> executors = new ArrayList<>();
  private KubernetesClient client;
  private DockerClient docker;
  private SharedIndexInformer<Pod> informer;
  private SharedIndexInformer<Node> nodeInformer;
  private String serverDeployment;
  private KubeletServer server;

  private KubeletAgent(Vertx vertx, KubeletOptions options) {
    this.vertx = vertx;
    this.options = options;
    this.metrics = Metrics.create();
  }

  /** Starts an agent; the future fails with a message saying what to fix. */
  public static Future<KubeletAgent> start(Vertx vertx, KubeletOptions options) {
    Objects.requireNonNull(options.kubeconfig(), "kubeconfig");
    Objects.requireNonNull(options.nodeName(), "node name");
    Objects.requireNonNull(options.rootDir(), "root dir");
    if (options.nodes() > 1 && options.runtime() != KubeletOptions.Runtime.SIMULATED) {
      return Future.failedFuture(
          new IllegalArgumentException("--nodes > 1 needs --runtime=simulated"));
    }
    KubeletAgent agent = new KubeletAgent(vertx, options);
    return agent
        .startUp()
        .map(v -> agent)
        .recover(e -> agent.close().transform(ignored -> Future.failedFuture(e)));
  }

  private Future<Void> startUp() {
    KubeletMetrics kubeletMetrics = new KubeletMetrics(metrics.registry());
    Clock clock = Clock.system();
    String nodeIp = options.nodeIp() != null ? options.nodeIp() : MachineInfo.detectNodeIp();
    return vertx
        .executeBlocking(
            () -> {
              Files.createDirectories(options.rootDir());
              client = KubeClients.fromKubeconfig(options.kubeconfig(), USER_AGENT, vertx);
              Path[] cert =
                  options.tlsCertFile() != null
                      ? new Path[] {options.tlsCertFile(), options.tlsPrivateKeyFile()}
                      : ServingCertificate.ensure(
                          options.rootDir(), options.nodeName(), List.of(nodeIp));
              return new Tls(cert[0], cert[1], clientCa(client.getConfiguration()));
            },
            false)
        .compose(
            tls -> {
              server =
                  new KubeletServer(
                      options.address(),
                      options.port(),
                      tls.cert(),
                      tls.key(),
                      tls.clientCa(),
                      checks,
                      metrics.registry(),
                      router -> KubeletRoutes.mount(router, vertx, this::findPod));
              return vertx.deployVerticle(server);
            })
        .compose(
            id -> {
              serverDeployment = id;
              return vertx.executeBlocking(
                  () -> {
                    startNodes(kubeletMetrics, clock, nodeIp, server.actualPort());
                    return null;
                  },
                  false);
            })
        .onSuccess(
            v ->
                LOG.info(
                    "kubelet-agent serving on https://{}:{} for node(s) {}",
                    options.address(),
                    server.actualPort(),
                    String.join(",", nodes.keySet())))
        .mapEmpty();
  }

  private void startNodes(KubeletMetrics kubeletMetrics, Clock clock, String nodeIp, int port)
      throws IOException {
    boolean simulated = options.runtime() == KubeletOptions.Runtime.SIMULATED;
    MachineInfo machine = MachineInfo.detect(options.rootDir());
    Map<String, String> capacity =
        NodeResources.capacity(
            machine,
            options.cpu(),
            options.memory(),
            options.ephemeralStorage(),
            options.maxPods());
    Map<String, String> allocatable = NodeResources.allocatable(capacity);
    int nodeCount = options.nodeNames().size();
    ScheduledExecutorService heartbeats =
        Executors.newScheduledThreadPool(
            Math.max(2, Math.min(8, nodeCount)), threads("kubelet-heartbeat"));
    // Docker syncs block for as long as a stop takes: a thread per busy pod, as a goroutine per
    // pod.
    // Simulated syncs only wait for the API server: a bounded pool serves hundreds of nodes.
    ExecutorService podWorkers =
        simulated
            ? Executors.newFixedThreadPool(16, threads("kubelet-pod-worker"))
            : Executors.newCachedThreadPool(threads("kubelet-pod-worker"));
    ExecutorService probeThreads = Executors.newCachedThreadPool(threads("kubelet-prober"));
    ExecutorService killThreads = Executors.newCachedThreadPool(threads("kubelet-kill"));
    ExecutorService eventThread = Executors.newSingleThreadExecutor(threads("kubelet-events"));
    executors.addAll(List.of(heartbeats, podWorkers, probeThreads, killThreads, eventThread));
    NodeAgent.Shared shared =
        new NodeAgent.Shared(
            client,
            clock,
            kubeletMetrics,
            options.timings(),
            heartbeats,
            podWorkers,
            probeThreads,
            killThreads,
            eventThread,
            options.rootDir(),
            simulated);

    RuntimeVersion version;
    if (!simulated) {
      docker = DockerClients.connect(options.dockerHost());
      try {
        version = new RuntimeVersion("docker", docker.versionCmd().exec().getVersion());
      } catch (RuntimeException e) {
        throw new IllegalStateException(
            "Docker engine not reachable ("
                + e.getMessage()
                + "): start dockerd or pass --docker-host, or use --runtime=simulated",
            e);
      }
    } else {
      version = new RuntimeVersion(SimulatedRuntime.RUNTIME_NAME, "0.1.0");
    }
    // Simulated nodes register without a pod CIDR and take the one the node IPAM controller gives
    // them, unless the agent was given one (standalone: no controller manager). Docker pods get
    // their IPs from Docker's bridge instead.
    Map<String, PodCidrUpdater.Target> podCidrTargets = new LinkedHashMap<>();
    List<String> ownCidrs =
        simulated && options.podCidr() != null
            ? PodIpRange.perNode(options.podCidr(), nodeCount)
            : null;
    int index = 0;
    for (String name : options.nodeNames()) {
      ContainerRuntime raw;
      String podCidr = ownCidrs == null ? null : ownCidrs.get(index++);
      if (simulated) {
        SimulatedRuntime sim =
            new SimulatedRuntime(
                name, clock, options.simulatedRunningDelay(), options.simulatedCompleteDelay());
        if (podCidr != null) {
          sim.updatePodCidr(podCidr);
        }
        podCidrTargets.put(name, sim::updatePodCidr);
        raw = sim;
      } else {
        raw =
            new DockerRuntime(
                docker, name, options.sandboxImage(), options.sandboxCommand(), false);
      }
      ContainerRuntime runtime = new InstrumentedRuntime(raw, kubeletMetrics);
      NodeHealth health =
          simulated ? NodeHealth.healthy() : new HostNodeHealth(runtime, options.rootDir());
      NodeSettings settings =
          new NodeSettings(
              name,
              nodeIp,
              name,
              options.nodeLabels(),
              capacity,
              allocatable,
              podCidr,
              version,
              port,
              machine);
      nodes.put(name, new NodeAgent(settings, runtime, health, shared));
    }
    checks.add(
        "node-registered",
        HealthCheck.of(() -> nodes.values().stream().allMatch(NodeAgent::registered)));
    checks.addReadyz("pods-synced", HealthCheck.of(() -> informer != null && informer.hasSynced()));

    // One pod informer for the process: a field selector for one node, else all pods dispatched by
    // node.
    var podsOp = client.pods().inAnyNamespace();
    informer =
        nodeCount == 1
            ? podsOp.withField("spec.nodeName", options.nodeNames().get(0)).runnableInformer(0)
            : podsOp.runnableInformer(0);
    informer.addEventHandler(
        new ResourceEventHandler<>() {
          @Override
          public void onAdd(Pod pod) {
            NodeAgent node = nodeOf(pod);
            if (node != null) {
              node.podUpdated(pod);
            }
          }

          @Override
          public void onUpdate(Pod oldPod, Pod pod) {
            NodeAgent node = nodeOf(pod);
            if (node != null) {
              node.podUpdated(pod);
            }
          }

          @Override
          public void onDelete(Pod pod, boolean deletedFinalStateUnknown) {
            NodeAgent node = nodeOf(pod);
            if (node != null) {
              node.podRemoved(pod);
            }
          }
        });
    informer.start();
    if (simulated) {
      // The kubelet's own Node informer (one node: by name; many: all nodes, as for pods).
      var nodesOp = client.nodes();
      nodeInformer =
          nodeCount == 1
              ? nodesOp.withField("metadata.name", options.nodeNames().get(0)).runnableInformer(0)
              : nodesOp.runnableInformer(0);
      nodeInformer.addEventHandler(new PodCidrUpdater(podCidrTargets, this::syncPodsOf));
      nodeInformer.start();
    }
    for (NodeAgent node : nodes.values()) {
      node.start(informer::hasSynced);
    }
  }

  /**
   * Syncs every pod of {@code nodeName} again now (its runtime's network just became ready), rather
   * than when each pod's retry timer fires.
   */
  private void syncPodsOf(String nodeName) {
    NodeAgent node = nodes.get(nodeName);
    if (node != null) {
      node.syncAllPods();
    }
  }

  private NodeAgent nodeOf(Pod pod) {
    String node = pod.getSpec() == null ? null : pod.getSpec().getNodeName();
    return node == null ? null : nodes.get(node);
  }

  /** The node agent running the pod {@code namespace/name}, for the HTTP routes. */
  private KubeletRoutes.Located findPod(String namespace, String name) {
    for (NodeAgent node : nodes.values()) {
      var pod = node.pods().byName(namespace, name);
      if (pod.isPresent()) {
        return new KubeletRoutes.Located(pod.get(), node.runtime());
      }
    }
    return null;
  }

  /** The CA of the kubeconfig's cluster, as PEM: it signs the clients trusted on our port. */
  private String clientCa(Config config) throws IOException {
    if (options.clientCaFile() != null) {
      return Files.readString(options.clientCaFile());
    }
    if (config.getCaCertData() != null && !config.getCaCertData().isEmpty()) {
      return new String(Base64.getDecoder().decode(config.getCaCertData()), StandardCharsets.UTF_8);
    }
    if (config.getCaCertFile() != null) {
      return Files.readString(Path.of(config.getCaCertFile()));
    }
    LOG.warn("No client CA: container logs and exec accept no client");
    return null;
  }

  /** The serving certificate and key files, and the CA (PEM) of accepted client certificates. */
  private record Tls(Path cert, Path key, String clientCa) {}

  private static ThreadFactory threads(String prefix) {
    AtomicInteger n = new AtomicInteger();
    return r -> {
      Thread t = new Thread(r, prefix + "-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
  }

  /** The HTTPS port (logs, exec, health, metrics). */
  public int port() {
    return server == null ? -1 : server.actualPort();
  }

  public List<String> nodeNames() {
    return List.copyOf(nodes.keySet());
  }

  public io.micrometer.prometheusmetrics.PrometheusMeterRegistry meterRegistry() {
    return metrics.registry();
  }

  /** Stops the agent (containers keep running). */
  public Future<Void> close() {
    return vertx
        .executeBlocking(
            () -> {
              if (informer != null) {
                informer.stop();
              }
              if (nodeInformer != null) {
                nodeInformer.stop();
              }
              nodes.values().forEach(NodeAgent::close);
              // Let syncs in flight finish their runtime calls (a stop may take its grace period)
              // before
              // interrupting what is left.
              for (ExecutorService e : executors) {
                e.shutdown();
              }
              for (ExecutorService e : executors) {
                if (!e.awaitTermination(3, TimeUnit.SECONDS)) {
                  e.shutdownNow();
                }
              }
              if (docker != null) {
                docker.close();
              }
              if (client != null) {
                client.close();
              }
              return null;
            },
            false)
        .compose(
            v ->
                serverDeployment == null
                    ? Future.succeededFuture()
                    : vertx.undeploy(serverDeployment))
        .onComplete(v -> metrics.close())
        .mapEmpty();
  }
}
