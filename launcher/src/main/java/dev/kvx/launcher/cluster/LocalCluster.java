package dev.kvx.launcher.cluster;

import dev.kvx.apiserver.ApiServer;
import dev.kvx.apiserver.ApiServerOptions;
import dev.kvx.component.KubeClients;
import dev.kvx.controller.ControllerManager;
import dev.kvx.controller.ControllerManagerOptions;
import dev.kvx.kubelet.KubeletAgent;
import dev.kvx.kubelet.KubeletOptions;
import dev.kvx.scheduler.KubeScheduler;
import dev.kvx.scheduler.SchedulerOptions;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.UnaryOperator;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A whole cluster in one JVM, as {@code kvx up} and the JUnit extension run it: the API server,
 * the scheduler, the controller manager and one kubelet-agent per node, each deployed as a verticle
 * on one {@link Vertx}. Like k3s' server, the components share the process but not memory: the
 * scheduler, the controller manager and the agents reach the API server only through its admin
 * kubeconfig, exactly as separate processes would.
 *
 * <pre>{@code
 * try (LocalCluster cluster = LocalCluster.builder().nodes(3).startAndWait()) {
 *   cluster.client().apps().deployments().inNamespace("default").resource(d).create();
 * }
 * }</pre>
 *
 * <p>{@link Builder#start} completes once the API server answers {@code /readyz} and every node is
 * Ready. Nodes are named {@code kvx-node-1 … kvx-node-N} (the prefix can be changed: clusters on
 * the Docker runtime that share one engine need distinct node names, since an agent removes the
 * containers of its node it does not know).
 *
 * <p>Methods returning a {@link Future} may be awaited from a test thread ({@code .await()}); {@link
 * #close()} blocks and must not run on an event loop (use {@link #stop()} there).
 */
public final class LocalCluster implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(LocalCluster.class);

  /** Where the agents run pods. */
  public enum Runtime {
    /** KWOK-style: pods turn Running without containers; needs nothing but the JVM. */
    SIMULATED,
    /** Real containers in the host's Docker engine, from its local images. */
    DOCKER
  }

  /** The control-plane components {@link #restart} can stop and start again. */
  public enum Component {
    APISERVER,
    SCHEDULER,
    CONTROLLER_MANAGER
  }

  public static final String DEFAULT_NODE_PREFIX = "kvx-node";

  /** The sandbox image of the Docker runtime: no registry, hence no pause image, is reachable. */
  public static final String DEFAULT_SANDBOX_IMAGE = "kvx/busybox:latest";

  /** What the busybox sandbox runs in place of pause. */
  public static final List<String> DEFAULT_SANDBOX_COMMAND = List.of("sleep", "2147483647");

  /** Keys of {@link #metricsEndpoints()}; kubelets are {@code kubelet/<node name>}. */
  public static final String APISERVER_METRICS = "kube-apiserver";

  public static final String SCHEDULER_METRICS = "kube-scheduler";
  public static final String CONTROLLER_MANAGER_METRICS = "kube-controller-manager";

  private static final String CLIENT_USER_AGENT = "kvx-local-cluster";

  private final Builder config;
  private final Vertx vertx;
  private final boolean ownsVertx;
  private final Path dataDir;
  private final boolean tempDataDir;
  private final List<String> nodeNames;
  private final Map<Component, Deployed<?>> controlPlane = new EnumMap<>(Component.class);
  private final Map<String, Deployed<KubeletAgent>> agents = new LinkedHashMap<>();
  private volatile int apiPort;
  private volatile KubernetesClient client;
  private Future<Void> stopping;

  private LocalCluster(Builder config, Vertx vertx, boolean ownsVertx) throws IOException {
    this.config = config;
    this.vertx = vertx;
    this.ownsVertx = ownsVertx;
    this.tempDataDir = config.dataDir == null;
    this.dataDir =
        config.dataDir != null
            ? config.dataDir.toAbsolutePath().normalize()
            : Files.createTempDirectory("kvx-cluster-");
    this.nodeNames = nodeNames(config.nodePrefix, config.nodes);
    this.apiPort = config.apiPort;
  }

  public static Builder builder() {
    return new Builder();
  }

  /** The names of {@code count} nodes: {@code prefix-1 … prefix-count}. */
  public static List<String> nodeNames(String prefix, int count) {
    return IntStream.rangeClosed(1, count).mapToObj(i -> prefix + "-" + i).toList();
  }

  // ---- start -------------------------------------------------------------------------------

  private Future<LocalCluster> startAll() {
    long started = System.nanoTime();
    // The engine check (and the sandbox image build, when missing) overlaps the API server's start;
    // only the agents wait for it.
    Future<Void> engine = prepareEngine();
    return deployApiServer()
        .compose(v -> engine.failed() ? engine : Future.<Void>succeededFuture())
        .compose(
            v -> {
              progress("API server listening on " + apiUrl() + " (" + storageName() + ")");
              // The other components start while this client connects and waits for readiness:
              // they retry on their own until the API answers, as separate processes would.
              Future<Void> ready =
                  createClient()
                      .compose(x -> readiness().apiReady(config.readyTimeout))
                      .compose(x -> readiness().nodesReady(nodeNames, config.readyTimeout));
              List<Future<?>> all = new ArrayList<>();
              all.add(ready);
              all.add(deploySchedulerComponent());
              all.add(deployControllerManager());
              for (String node : nodeNames) {
                all.add(engine.compose(x -> deployAgent(node)));
              }
              return Future.all(all);
            })
        .map(
            v -> {
              progress(
                  String.format(
                      "cluster ready: %d node(s) in %.1f s",
                      nodeNames.size(), (System.nanoTime() - started) / 1e9));
              return this;
            })
        .recover(e -> stop().transform(ignored -> Future.failedFuture(e)));
  }

  // On a plain thread, not a Vert.x worker: the client gets a Vert.x of its own (as the scheduler's
  // does), so fabric8's response decoding never competes with the API server's event loops.
  private Future<Void> createClient() {
    CompletableFuture<Void> created =
        CompletableFuture.runAsync(
            () -> client = KubeClients.fromKubeconfig(kubeconfig(), CLIENT_USER_AGENT),
            r -> {
              Thread t = new Thread(r, "kvx-cluster-client");
              t.setDaemon(true);
              t.start();
            });
    return Future.fromCompletionStage(created, vertx.getOrCreateContext());
  }

  // Docker runtime: what the engine lacks, as a ProblemException; off Vert.x, as createClient.
  private Future<Void> prepareEngine() {
    if (config.runtime != Runtime.DOCKER) {
      return Future.succeededFuture();
    }
    CompletableFuture<Void> prepared =
        CompletableFuture.runAsync(
            () ->
                DockerEngine.prepare(config.dockerHost, config.sandboxImage, this::progress)
                    .ifPresent(
                        p -> {
                          throw new DockerEngine.ProblemException(p);
                        }),
            r -> {
              Thread t = new Thread(r, "kvx-docker-engine-check");
              t.setDaemon(true);
              t.start();
            });
    return Future.fromCompletionStage(prepared, vertx.getOrCreateContext())
        .recover(
            e ->
                Future.failedFuture(
                    e instanceof CompletionException && e.getCause() != null
                        ? e.getCause()
                        : e));
  }

  private ClusterReadiness readiness() {
    return new ClusterReadiness(vertx, client, this::progress, this::stopping);
  }

  private Future<Void> deployApiServer() {
    ApiServerOptions options =
        config.apiServer.apply(
            new ApiServerOptions(
                dataDir,
                config.etcdServers,
                apiPort,
                config.bindAddress,
                inMemoryStore(),
                null));
    return deploy(
            Component.APISERVER, "kube-apiserver", v -> ApiServer.start(v, options), ApiServer::close)
        .map(
            server -> {
              apiPort = server.port(); // restarts rebind the same port, so kubeconfigs stay valid
              return null;
            });
  }

  private Future<Void> deploySchedulerComponent() {
    SchedulerOptions options =
        config.scheduler.apply(
            SchedulerOptions.defaults(kubeconfig())
                .withLeaderElect(false)
                .withServing(config.bindAddress, 0, null, null));
    return deploy(
            Component.SCHEDULER,
            "kube-scheduler",
            v -> KubeScheduler.start(v, options),
            KubeScheduler::close)
        .map(
            s ->
                progress(
                    "scheduler started, /metrics on "
                        + s.scheme()
                        + "://"
                        + hostForUrl(config.bindAddress)
                        + ":"
                        + s.port()));
  }

  private Future<Void> deployControllerManager() {
    ControllerManagerOptions options =
        config.controllerManager.apply(
            ControllerManagerOptions.defaults(kubeconfig()).withLeaderElect(false).withPort(0));
    return deploy(
            Component.CONTROLLER_MANAGER,
            "kube-controller-manager",
            v -> ControllerManager.start(v, options),
            ControllerManager::close)
        .map(
            m ->
                progress(
                    "controller-manager started ("
                        + m.controllers().size()
                        + " controllers), /metrics on http://"
                        + hostForUrl(config.bindAddress)
                        + ":"
                        + m.port()));
  }

  private <T> Future<T> deploy(
      Component component,
      String name,
      Function<Vertx, Future<T>> start,
      Function<T, Future<?>> stop) {
    ComponentVerticle<T> verticle = new ComponentVerticle<>(name, start, stop);
    return vertx
        .deployVerticle(verticle)
        .compose(
            id -> {
              synchronized (this) {
                if (stopping == null) {
                  controlPlane.put(component, new Deployed<>(id, verticle));
                  return Future.succeededFuture(verticle.component());
                }
              }
              // The cluster stopped (a failed start) while this one was starting.
              return vertx.undeploy(id).transform(x -> Future.failedFuture("cluster stopped"));
            });
  }

  private Future<Void> deployAgent(String node) {
    KubeletOptions options =
        config.kubelet.apply(
            new KubeletOptions()
                .kubeconfig(kubeconfig())
                .nodeName(node)
                .runtime(
                    config.runtime == Runtime.DOCKER
                        ? KubeletOptions.Runtime.DOCKER
                        : KubeletOptions.Runtime.SIMULATED)
                .rootDir(dataDir.resolve("kubelet").resolve(node))
                .address(config.bindAddress)
                .port(0)
                .nodeIp(config.bindAddress)
                .dockerHost(config.dockerHost)
                .sandboxImage(config.sandboxImage)
                .sandboxCommand(config.sandboxCommand));
    ComponentVerticle<KubeletAgent> verticle =
        new ComponentVerticle<>(
            "kubelet-agent " + node, v -> KubeletAgent.start(v, options), KubeletAgent::close);
    return vertx
        .deployVerticle(verticle)
        .compose(
            id -> {
              synchronized (this) {
                if (stopping == null) {
                  agents.put(node, new Deployed<>(id, verticle));
                  progress("kubelet-agent " + node + " started (" + runtimeName() + " runtime)");
                  return Future.<Void>succeededFuture();
                }
              }
              return vertx.undeploy(id).transform(x -> Future.<Void>failedFuture("cluster stopped"));
            });
  }

  // ---- what tests and commands use ---------------------------------------------------------

  /** The admin kubeconfig (written by the API server into the data dir). */
  public Path kubeconfig() {
    return dataDir.resolve("kubeconfig");
  }

  /** A fabric8 client for {@link #kubeconfig()}, shared; closed with the cluster. */
  public KubernetesClient client() {
    KubernetesClient c = client;
    if (c == null) {
      throw new IllegalStateException("the cluster is not started");
    }
    return c;
  }

  /** The API server's URL, e.g. {@code https://127.0.0.1:6443}. */
  public String apiUrl() {
    return "https://" + hostForUrl(config.bindAddress) + ":" + apiPort;
  }

  /** The API server's HTTPS port. */
  public int apiPort() {
    return apiPort;
  }

  /** The names of this cluster's nodes, whether their agents run now or not. */
  public List<String> nodeNames() {
    return nodeNames;
  }

  public Runtime runtime() {
    return config.runtime;
  }

  /** Where the PKI, the kubeconfig, the store (unless in memory or etcd) and the agents live. */
  public Path dataDir() {
    return dataDir;
  }

  /** The Vert.x instance the components are deployed on. */
  public Vertx vertx() {
    return vertx;
  }

  /**
   * Component name → URL of its {@code /metrics}: {@value #APISERVER_METRICS}, {@value
   * #SCHEDULER_METRICS}, {@value #CONTROLLER_MANAGER_METRICS} and {@code kubelet/<node>} for the
   * running agents. The API server's and the kubelets' are HTTPS and want the admin client
   * certificate of the kubeconfig; the scheduler's and the controller manager's are plain HTTP.
   */
  public synchronized Map<String, String> metricsEndpoints() {
    Map<String, String> urls = new LinkedHashMap<>();
    String host = hostForUrl(config.bindAddress);
    urls.put(APISERVER_METRICS, apiUrl() + "/metrics");
    KubeScheduler scheduler = component(Component.SCHEDULER, KubeScheduler.class);
    if (scheduler != null) {
      urls.put(
          SCHEDULER_METRICS, scheduler.scheme() + "://" + host + ":" + scheduler.port() + "/metrics");
    }
    ControllerManager manager = component(Component.CONTROLLER_MANAGER, ControllerManager.class);
    if (manager != null) {
      urls.put(CONTROLLER_MANAGER_METRICS, "http://" + host + ":" + manager.port() + "/metrics");
    }
    agents.forEach(
        (node, d) -> {
          KubeletAgent agent = d.verticle.component();
          if (agent != null) {
            urls.put("kubelet/" + node, "https://" + host + ":" + agent.port() + "/metrics");
          }
        });
    return urls;
  }

  /**
   * Stops the agent of {@code node}, as losing the machine's kubelet would: its heartbeats stop
   * and, on the Docker runtime, its containers keep running. The node controller later marks the
   * Node NotReady.
   */
  public Future<Void> stopNode(String node) {
    Deployed<KubeletAgent> d;
    synchronized (this) {
      requireNode(node);
      d = agents.remove(node);
    }
    if (d == null) {
      return Future.succeededFuture();
    }
    return vertx.undeploy(d.id).onSuccess(v -> progress("kubelet-agent " + node + " stopped"));
  }

  /**
   * Starts the agent of {@code node} again (it adopts its containers on the Docker runtime);
   * completes once the Node is Ready.
   */
  public Future<Void> startNode(String node) {
    synchronized (this) {
      requireNode(node);
      if (agents.containsKey(node)) {
        return Future.succeededFuture();
      }
    }
    return deployAgent(node)
        .compose(v -> readiness().nodesReady(List.of(node), config.readyTimeout));
  }

  /**
   * Stops one control-plane component and starts it again with the same options (the API server on
   * the same port). The API server of an in-memory store cannot restart: it would lose every
   * object.
   */
  public Future<Void> restart(Component component) {
    if (component == Component.APISERVER && inMemoryStore()) {
      return Future.failedFuture(
          new IllegalStateException(
              "an API server on an in-memory store loses every object on restart: build the"
                  + " cluster with dataDir(...) or etcdServers(...) to restart it"));
    }
    Deployed<?> d;
    synchronized (this) {
      d = controlPlane.remove(component);
    }
    Future<Void> stopped = d == null ? Future.succeededFuture() : vertx.undeploy(d.id);
    return stopped
        .compose(
            v -> {
              progress(componentName(component) + " stopped");
              return switch (component) {
                case APISERVER -> deployApiServer()
                    .compose(x -> readiness().apiReady(config.readyTimeout));
                case SCHEDULER -> deploySchedulerComponent();
                case CONTROLLER_MANAGER -> deployControllerManager();
              };
            })
        .onSuccess(v -> progress(componentName(component) + " restarted"));
  }

  /**
   * Stops every component (agents first, the API server last) and, if the cluster owns them, its
   * Vert.x and temporary data dir. Containers of a Docker cluster stay for a later start on the same
   * data dir to adopt; an in-memory cluster removes them, since nothing could adopt them. Idempotent.
   */
  public synchronized Future<Void> stop() {
    if (stopping == null) {
      stopping = doStop();
    }
    return stopping;
  }

  private Future<Void> doStop() {
    List<String> agentIds;
    synchronized (this) {
      agentIds = agents.values().stream().map(d -> d.id).toList();
      agents.clear();
    }
    // The API server's clients stop together (they are independent), the API server last, so none
    // of them sees it vanish while it still works.
    List<Future<Void>> clients = new ArrayList<>();
    agentIds.forEach(id -> clients.add(vertx.undeploy(id)));
    clients.add(undeployControlPlane(Component.CONTROLLER_MANAGER));
    clients.add(undeployControlPlane(Component.SCHEDULER));
    return Future.join(clients)
        .mapEmpty()
        .eventually(() -> undeployControlPlane(Component.APISERVER))
        .eventually(
            () ->
                vertx.executeBlocking(
                    () -> {
                      KubernetesClient c = client;
                      if (c != null) {
                        c.close();
                      }
                      if (config.runtime == Runtime.DOCKER && inMemoryStore()) {
                        int n = DockerEngine.removeNodeContainers(config.dockerHost, nodeNames);
                        LOG.debug("removed {} containers of in-memory cluster", n);
                      }
                      if (tempDataDir) {
                        deleteRecursively(dataDir);
                      }
                      return null;
                    },
                    false))
        .eventually(() -> ownsVertx ? vertx.close() : Future.succeededFuture())
        .mapEmpty();
  }

  private Future<Void> undeployControlPlane(Component component) {
    Deployed<?> d;
    synchronized (this) {
      d = controlPlane.remove(component);
    }
    return d == null ? Future.succeededFuture() : vertx.undeploy(d.id);
  }

  /** Blocking {@link #stop()}; never call it on an event loop. */
  @Override
  public void close() {
    stop().await();
  }

  // ---- helpers -----------------------------------------------------------------------------

  private synchronized boolean stopping() {
    return stopping != null;
  }

  private synchronized <T> T component(Component c, Class<T> type) {
    Deployed<?> d = controlPlane.get(c);
    Object component = d == null ? null : d.verticle.component();
    return type.isInstance(component) ? type.cast(component) : null;
  }

  private void requireNode(String node) {
    if (!nodeNames.contains(node)) {
      throw new IllegalArgumentException("no node " + node + " in this cluster: " + nodeNames);
    }
  }

  private boolean inMemoryStore() {
    return config.inMemory && config.etcdServers.isEmpty();
  }

  private String storageName() {
    if (!config.etcdServers.isEmpty()) {
      return "etcd " + String.join(",", config.etcdServers);
    }
    return config.inMemory ? "in-memory store" : "embedded store in " + dataDir;
  }

  private static String componentName(Component c) {
    return c.name().toLowerCase(Locale.ROOT).replace('_', '-');
  }

  private String runtimeName() {
    return config.runtime.name().toLowerCase(Locale.ROOT);
  }

  private Void progress(String message) {
    // A listener shows the steps (kvx up prints them): the log then keeps them at debug level.
    if (config.progressListened) {
      LOG.debug(message);
    } else {
      LOG.info(message);
    }
    try {
      config.progress.accept(message);
    } catch (RuntimeException e) {
      LOG.debug("progress listener failed", e);
    }
    return null;
  }

  private static String hostForUrl(String address) {
    String host = address.equals("0.0.0.0") || address.equals("::") ? "127.0.0.1" : address;
    return host.contains(":") ? "[" + host + "]" : host;
  }

  private static void deleteRecursively(Path dir) {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(dir)) {
      paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private record Deployed<T>(String id, ComponentVerticle<T> verticle) {}

  /**
   * How a {@link LocalCluster} runs. Defaults: an in-memory embedded store in a temporary data dir,
   * one node, the simulated runtime, the API server on a free port of 127.0.0.1.
   */
  public static final class Builder {
    private Path dataDir;
    private boolean inMemory = true;
    private List<String> etcdServers = List.of();
    private int nodes = 1;
    private Runtime runtime = Runtime.SIMULATED;
    private int apiPort = 0;
    private String bindAddress = "127.0.0.1";
    private String nodePrefix = DEFAULT_NODE_PREFIX;
    private String dockerHost;
    private String sandboxImage = DEFAULT_SANDBOX_IMAGE;
    private List<String> sandboxCommand = DEFAULT_SANDBOX_COMMAND;
    private Duration readyTimeout = Duration.ofMinutes(2);
    private Consumer<String> progress = m -> {};
    private boolean progressListened;
    private UnaryOperator<ApiServerOptions> apiServer = UnaryOperator.identity();
    private UnaryOperator<SchedulerOptions> scheduler = UnaryOperator.identity();
    private UnaryOperator<ControllerManagerOptions> controllerManager = UnaryOperator.identity();
    private UnaryOperator<KubeletOptions> kubelet = UnaryOperator.identity();

    private Builder() {}

    /**
     * Keep the cluster in {@code dir}: the embedded store (unless etcd), PKI, kubeconfig and the
     * agents' root dirs; a later cluster on the same dir brings back its objects.
     */
    public Builder dataDir(Path dir) {
      this.dataDir = Objects.requireNonNull(dir);
      this.inMemory = false;
      return this;
    }

    /** The embedded store without disk, in a temporary data dir removed on close (the default). */
    public Builder inMemory() {
      this.dataDir = null;
      this.inMemory = true;
      return this;
    }

    /** A real etcd instead of the embedded store; empty: the embedded store. */
    public Builder etcdServers(List<String> urls) {
      this.etcdServers = List.copyOf(urls);
      return this;
    }

    /** How many nodes (one kubelet-agent each), named {@code kvx-node-1 … kvx-node-N}. */
    public Builder nodes(int nodes) {
      if (nodes < 1) {
        throw new IllegalArgumentException("a cluster needs at least one node: " + nodes);
      }
      this.nodes = nodes;
      return this;
    }

    public Builder runtime(Runtime runtime) {
      this.runtime = Objects.requireNonNull(runtime);
      return this;
    }

    /** The API server's HTTPS port; 0 (the default) picks a free one. */
    public Builder apiPort(int port) {
      if (port < 0 || port > 65535) {
        throw new IllegalArgumentException("port must be between 0 and 65535: " + port);
      }
      this.apiPort = port;
      return this;
    }

    /** Where every component listens (default 127.0.0.1); also the nodes' InternalIP. */
    public Builder bindAddress(String address) {
      this.bindAddress = Objects.requireNonNull(address);
      return this;
    }

    /**
     * The node name prefix (default {@value #DEFAULT_NODE_PREFIX}). Docker clusters running at the
     * same time on one engine need different prefixes.
     */
    public Builder nodeNamePrefix(String prefix) {
      this.nodePrefix = Objects.requireNonNull(prefix);
      return this;
    }

    /** The Docker engine (default {@code $DOCKER_HOST}, else {@code /var/run/docker.sock}). */
    public Builder dockerHost(String dockerHost) {
      this.dockerHost = dockerHost;
      return this;
    }

    /** The sandbox image and its command (default: kvx/busybox:latest sleeping). */
    public Builder sandbox(String image, List<String> command) {
      this.sandboxImage = Objects.requireNonNull(image);
      this.sandboxCommand = command == null ? null : List.copyOf(command);
      return this;
    }

    /** How long {@link #start} waits for the API and the nodes (default 2 minutes). */
    public Builder readyTimeout(Duration timeout) {
      this.readyTimeout = Objects.requireNonNull(timeout);
      return this;
    }

    /** Receives one line per start-up step (API listening, each node Ready, …). */
    public Builder progress(Consumer<String> listener) {
      this.progress = Objects.requireNonNull(listener);
      this.progressListened = true;
      return this;
    }

    /** Adjusts the API server's options (e.g. the service CIDR). */
    public Builder apiServer(UnaryOperator<ApiServerOptions> customize) {
      this.apiServer = Objects.requireNonNull(customize);
      return this;
    }

    /** Adjusts the scheduler's options (default: no leader election, a free port). */
    public Builder scheduler(UnaryOperator<SchedulerOptions> customize) {
      this.scheduler = Objects.requireNonNull(customize);
      return this;
    }

    /** Adjusts the controller manager's options (default: no leader election, a free port). */
    public Builder controllerManager(UnaryOperator<ControllerManagerOptions> customize) {
      this.controllerManager = Objects.requireNonNull(customize);
      return this;
    }

    /**
     * Adjusts each agent's options (called once per node and start; {@code options.nodeName()}
     * tells which), e.g. timings or simulated delays.
     */
    public Builder kubelet(UnaryOperator<KubeletOptions> customize) {
      this.kubelet = Objects.requireNonNull(customize);
      return this;
    }

    /**
     * Starts the cluster on {@code vertx} (which the cluster does not close); completes once the API
     * is ready and every node is Ready. A failed start stops what had started.
     */
    public Future<LocalCluster> start(Vertx vertx) {
      return start(vertx, false);
    }

    /** Starts the cluster on a Vert.x of its own (closed with it) and waits until it is ready. */
    public LocalCluster startAndWait() {
      return start(Vertx.vertx(), true).await();
    }

    private Future<LocalCluster> start(Vertx vertx, boolean ownsVertx) {
      LocalCluster cluster;
      try {
        cluster = new LocalCluster(copy(), vertx, ownsVertx);
      } catch (IOException e) {
        return (ownsVertx ? vertx.close() : Future.succeededFuture())
            .transform(v -> Future.failedFuture(e));
      }
      return cluster.startAll();
    }

    // The cluster keeps its own copy: a builder reused for a second cluster must not change the
    // first one's restarts.
    private Builder copy() {
      Builder b = new Builder();
      b.dataDir = dataDir;
      b.inMemory = inMemory;
      b.etcdServers = etcdServers;
      b.nodes = nodes;
      b.runtime = runtime;
      b.apiPort = apiPort;
      b.bindAddress = bindAddress;
      b.nodePrefix = nodePrefix;
      b.dockerHost = dockerHost;
      b.sandboxImage = sandboxImage;
      b.sandboxCommand = sandboxCommand;
      b.readyTimeout = readyTimeout;
      b.progress = progress;
      b.progressListened = progressListened;
      b.apiServer = apiServer;
      b.scheduler = scheduler;
      b.controllerManager = controllerManager;
      b.kubelet = kubelet;
      return b;
    }
  }
}
