package dev.kvx.controller;

import dev.kvx.component.KubeClients;
import dev.kvx.component.controller.Controller;
import dev.kvx.component.informers.InformerFactory;
import dev.kvx.component.leaderelection.LeaderCallbacks;
import dev.kvx.component.leaderelection.LeaderElector;
import dev.kvx.component.metrics.Metrics;
import dev.kvx.component.server.ComponentServer;
import dev.kvx.component.server.HealthChecks;
import dev.kvx.controller.events.EventBroadcaster;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * kube-controller-manager: the enabled controllers on one set of shared informers, run while this
 * process holds the {@code kube-system/kube-controller-manager} Lease (or always, without leader
 * election), with /healthz /livez /readyz /metrics on its own port.
 *
 * <p>Each leadership term gets fresh informers and controllers, so a process that loses and later
 * regains the lease starts from a fresh list, as an upstream process restarted after losing it.
 */
public final class ControllerManager {
  private static final Logger LOG = LoggerFactory.getLogger(ControllerManager.class);
  public static final String COMPONENT = "kube-controller-manager";

  private final Vertx vertx;
  private final ControllerManagerOptions options;
  private final List<ControllerDescriptor> enabled;
  private final Metrics metrics = Metrics.create();
  private final HealthChecks checks = new HealthChecks();
  private KubernetesClient client;
  private ComponentServer server;
  private LeaderElector elector;
  private Term term;
  private boolean closed;
  private Future<Void> closing;

  private ControllerManager(Vertx vertx, ControllerManagerOptions options) {
    this.vertx = vertx;
    this.options = options;
    this.enabled = ControllerSelection.enabled(options.controllers(), KnownControllers.all());
    // Ready once the current term's informers have synced; a standby has nothing to sync.
    checks.addReadyz(
        InformerFactory.SYNC_CHECK_NAME,
        () -> {
          Term t = currentTerm();
          return t == null ? Future.succeededFuture() : t.informers.syncCheck().check();
        });
  }

  /**
   * Starts the manager on {@code vertx}: connects, serves its port, then campaigns for the lease
   * (or starts the controllers at once without leader election). Fails on an unknown controller
   * name or an unusable kubeconfig or port.
   */
  public static Future<ControllerManager> start(Vertx vertx, ControllerManagerOptions options) {
    ControllerManager m;
    try {
      m = new ControllerManager(vertx, options);
    } catch (IllegalArgumentException e) {
      return Future.failedFuture(e);
    }
    LOG.info(
        "Starting {} with controllers {}",
        COMPONENT,
        m.enabled.stream().map(ControllerDescriptor::name).toList());
    return vertx
        .executeBlocking(
            () -> {
              m.client = KubeClients.fromKubeconfig(options.kubeconfig(), COMPONENT, vertx);
              return null;
            })
        .compose(
            v ->
                ComponentServer.deploy(
                    vertx,
                    ComponentServer.Options.http(options.bindAddress(), options.port()),
                    m.checks,
                    m.metrics.registry()))
        .compose(
            s -> {
              m.server = s;
              return vertx.executeBlocking(
                  () -> {
                    m.run();
                    return m;
                  });
            })
        .recover(e -> m.close().transform(ignored -> Future.failedFuture(e)));
  }

  /** The port of /healthz, /readyz, /metrics. */
  public int port() {
    return server == null ? -1 : server.actualPort();
  }

  /** The names of the controllers this manager runs while leading. */
  public List<String> controllers() {
    return enabled.stream().map(ControllerDescriptor::name).toList();
  }

  /** Whether controllers are running now (this process leads, or runs without election). */
  public synchronized boolean leading() {
    return term != null;
  }

  private void run() {
    if (!options.leaderElect()) {
      startTerm();
      return;
    }
    campaign();
  }

  // One elector runs one election; after a lost lease a new one campaigns again (an upstream
  // process would exit and be restarted instead).
  private void campaign() {
    LeaderElector e =
        new LeaderElector(
            client,
            options.leaderElection(),
            new LeaderCallbacks() {
              @Override
              public void onStartedLeading() {
                startTerm();
              }

              @Override
              public void onStoppedLeading() {
                LOG.info("{} lost its lease; stopping controllers", COMPONENT);
                stopTerm();
              }
            },
            metrics.registry());
    synchronized (this) {
      if (closed) {
        return;
      }
      elector = e;
    }
    e.done().thenRun(() -> {
      synchronized (this) {
        if (closed) {
          return;
        }
      }
      vertx.executeBlocking(() -> {
        campaign();
        return null;
      });
    });
    e.start();
  }

  private synchronized Term currentTerm() {
    return term;
  }

  private void startTerm() {
    synchronized (this) {
      if (closed || term != null) {
        return;
      }
      InformerFactory informers = new InformerFactory(client);
      EventBroadcaster events = new EventBroadcaster(client, options.clock());
      ControllerContext ctx =
          new ControllerContext(
              client,
              informers,
              events,
              options.clock(),
              metrics.registry(),
              options.nodeMonitorGracePeriod(),
              options.nodeMonitorPeriod(),
              options.nodeIpam());
      List<Controller> controllers = new ArrayList<>();
      for (ControllerDescriptor d : enabled) {
        controllers.add(d.factory().apply(ctx));
      }
      informers.start();
      controllers.forEach(Controller::start);
      term = new Term(ctx, informers, events, controllers);
      LOG.info("Started {} controllers on informers {}", controllers.size(), informers.describe());
    }
  }

  private void stopTerm() {
    Term t;
    synchronized (this) {
      t = term;
      term = null;
    }
    if (t != null) {
      t.stop();
    }
  }

  /**
   * Stops the controllers, releases the lease, stops serving and closes the client. Idempotent:
   * later calls return the first call's future.
   */
  public synchronized Future<Void> close() {
    if (closing == null) {
      closed = true;
      closing = doClose(elector);
    }
    return closing;
  }

  private Future<Void> doClose(LeaderElector e) {
    return vertx
        .executeBlocking(
            () -> {
              if (e != null) {
                try {
                  e.stop().get(10, TimeUnit.SECONDS);
                } catch (Exception ex) {
                  LOG.warn("leader election did not stop cleanly: {}", ex.toString());
                }
              }
              stopTerm();
              return null;
            })
        .compose(v -> server == null ? Future.succeededFuture() : vertx.undeploy(server.deploymentID()))
        .eventually(
            () ->
                vertx.executeBlocking(
                    () -> {
                      if (client != null) {
                        client.close();
                      }
                      metrics.close();
                      return null;
                    }))
        .mapEmpty();
  }

  private record Term(
      ControllerContext ctx,
      InformerFactory informers,
      EventBroadcaster events,
      List<Controller> controllers) {
    void stop() {
      controllers.forEach(Controller::shutDown);
      for (Controller c : controllers) {
        try {
          c.awaitTermination(Duration.ofSeconds(10));
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
      ctx.closeRegistered();
      informers.close();
      events.close();
    }
  }
}
