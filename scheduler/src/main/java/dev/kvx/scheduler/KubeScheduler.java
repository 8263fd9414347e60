package dev.kvx.scheduler;

import dev.kvx.component.KubeClients;
import dev.kvx.component.clock.Clock;
import dev.kvx.component.informers.InformerFactory;
import dev.kvx.component.leaderelection.LeaderCallbacks;
import dev.kvx.component.leaderelection.LeaderElector;
import dev.kvx.component.metrics.Metrics;
import dev.kvx.component.server.ComponentServer;
import dev.kvx.component.server.HealthChecks;
import dev.kvx.scheduler.api.KubeClusterApi;
import dev.kvx.scheduler.metrics.SchedulerMetrics;
import dev.kvx.scheduler.priority.PriorityResolver;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.scheduling.v1.PriorityClass;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * kvx's kube-scheduler: wires the API client, shared informers on pods, nodes and PriorityClasses,
 * the {@link Scheduler}, its metrics and health endpoints, and leader election on the Lease
 * kube-system/kube-scheduler. Informers run on every replica (so a new leader starts warm); only
 * the leader schedules, and it stops scheduling as soon as it loses the lease.
 *
 * <p>{@link #start} does its blocking steps on a worker thread and completes once the health server
 * listens; scheduling begins after the caches have synced (and the lease is held).
 */
public final class KubeScheduler {
  private static final Logger LOG = LoggerFactory.getLogger(KubeScheduler.class);
  static final String USER_AGENT = "kube-scheduler/kvx";
  static final Duration CACHE_SYNC_TIMEOUT = Duration.ofMinutes(5);

  private final Vertx vertx;
  private final SchedulerOptions options;
  private final Metrics metrics;
  private final KubernetesClient client;
  private final InformerFactory informers;
  private final Scheduler scheduler;
  private final HealthChecks checks = new HealthChecks();
  private volatile ComponentServer server;
  private volatile LeaderElector elector;
  private volatile boolean closed;

  private KubeScheduler(Vertx vertx, SchedulerOptions options) {
    this.vertx = vertx;
    this.options = options;
    this.metrics = Metrics.create();
    // The client gets its own Vert.x: fabric8 decodes responses on its event loops, which must not
    // stall the component's (or a co-located API server's).
    this.client = KubeClients.fromKubeconfig(options.kubeconfig(), USER_AGENT);
    this.informers = new InformerFactory(client);
    SharedIndexInformer<Pod> pods = informers.informerFor(Pod.class);
    SharedIndexInformer<Node> nodes = informers.informerFor(Node.class);
    SharedIndexInformer<PriorityClass> priorityClasses = informers.informerFor(PriorityClass.class);
    PriorityResolver priorities =
        new PriorityResolver(
            name -> priorityClasses.getStore().getByKey(name),
            () -> priorityClasses.getStore().list());
    this.scheduler =
        Scheduler.builder(
                new KubeClusterApi(client, Clock.system(), options.identity()),
                key -> pods.getStore().getByKey(key))
            .profiles(options.profiles())
            .metrics(new SchedulerMetrics(metrics.registry()))
            .priorities(priorities)
            .percentageOfNodesToScore(options.percentageOfNodesToScore())
            .build();
    EventHandlers handlers = new EventHandlers(scheduler);
    pods.addEventHandler(handlers.podHandler());
    nodes.addEventHandler(handlers.nodeHandler());
    checks.addReadyz(InformerFactory.SYNC_CHECK_NAME, informers.syncCheck());
  }

  /** Starts a scheduler on {@code vertx}; the future completes once /healthz and /metrics serve. */
  public static Future<KubeScheduler> start(Vertx vertx, SchedulerOptions options) {
    // Built on a plain thread, not a Vert.x worker: the client creates its own Vert.x instance.
    CompletableFuture<KubeScheduler> built =
        CompletableFuture.supplyAsync(
            () -> new KubeScheduler(vertx, options),
            r -> {
              Thread t = new Thread(r, "kube-scheduler-init");
              t.setDaemon(true);
              t.start();
            });
    return Future.fromCompletionStage(built, vertx.getOrCreateContext())
        .compose(s -> s.startServing().map(s));
  }

  private Future<Void> startServing() {
    ComponentServer.Options serving =
        options.tlsCertFile() != null
            ? ComponentServer.Options.https(
                options.bindAddress(), options.port(), options.tlsCertFile(), options.tlsKeyFile())
            : ComponentServer.Options.http(options.bindAddress(), options.port());
    return ComponentServer.deploy(vertx, serving, checks, metrics.registry())
        .onSuccess(s -> server = s)
        .onSuccess(
            s ->
                LOG.info(
                    "kube-scheduler serving health and metrics on {}://{}:{}",
                    s.scheme(),
                    options.bindAddress(),
                    s.actualPort()))
        .compose(
            s ->
                vertx.executeBlocking(
                    () -> {
                      informers.start();
                      if (options.leaderElect()) {
                        campaign();
                      } else {
                        Thread t = new Thread(this::startScheduling, "scheduler-start");
                        t.setDaemon(true);
                        t.start();
                      }
                      return null;
                    }));
  }

  /**
   * Competes for the lease. Upstream exits when it loses the lease; in kvx the replica stops
   * scheduling and campaigns again with a fresh elector, so it can take over later.
   */
  private synchronized void campaign() {
    if (closed) {
      return;
    }
    LeaderElector e =
        new LeaderElector(
            client,
            options.leaderElectionConfig(),
            new LeaderCallbacks() {
              @Override
              public void onStartedLeading() {
                startScheduling();
              }

              @Override
              public void onStoppedLeading() {
                scheduler.stop();
              }
            },
            metrics.registry());
    elector = e;
    e.done()
        .whenComplete(
            (v, ex) -> {
              if (!closed) {
                LOG.info(
                    "Lost the lease {}/{}; campaigning again",
                    options.leaseNamespace(),
                    options.leaseName());
                campaign();
              }
            });
    e.start();
  }

  /** Waits for the informers, then runs the loop; runs on a callback or helper thread. */
  private void startScheduling() {
    try {
      if (!informers.waitForCacheSync(CACHE_SYNC_TIMEOUT)) {
        LOG.error("Caches did not sync within {}; not scheduling", CACHE_SYNC_TIMEOUT);
        return;
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return;
    }
    if (!closed && (elector == null || elector.isLeader())) {
      scheduler.start();
    }
  }

  /** The port /healthz and /metrics listen on. */
  public int port() {
    ComponentServer s = server;
    return s == null ? -1 : s.actualPort();
  }

  public String scheme() {
    ComponentServer s = server;
    return s == null ? "http" : s.scheme();
  }

  /** Whether this replica currently schedules. */
  public boolean isScheduling() {
    return scheduler.isRunning();
  }

  /** Whether this replica holds the lease (always true without leader election). */
  public boolean isLeader() {
    LeaderElector e = elector;
    return e == null ? scheduler.isRunning() : e.isLeader();
  }

  public String identity() {
    return options.identity();
  }

  public Scheduler scheduler() {
    return scheduler;
  }

  /**
   * Stops scheduling, releases the lease (so another replica takes over at once), stops the
   * informers, the server and the client.
   */
  public Future<Void> close() {
    synchronized (this) {
      closed = true;
    }
    return vertx
        .executeBlocking(
            () -> {
              scheduler.stop();
              LeaderElector e = elector;
              if (e != null) {
                try {
                  e.stop().get(options.renewDeadline().toMillis(), TimeUnit.MILLISECONDS);
                } catch (Exception ex) {
                  LOG.warn("Releasing the scheduler lease failed: {}", ex.toString());
                }
              }
              scheduler.close();
              informers.close();
              return null;
            })
        .compose(
            v -> {
              ComponentServer s = server;
              return s == null ? Future.<Void>succeededFuture() : vertx.undeploy(s.deploymentID());
            })
        .eventually(
            () ->
                vertx
                    .executeBlocking(
                        () -> {
                          client.close();
                          metrics.close();
                          return null;
                        })
                    .mapEmpty())
        .mapEmpty();
  }
}
