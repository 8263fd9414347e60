package dev.kvx.controller.testing;

import dev.kvx.apiserver.ApiServer;
import dev.kvx.apiserver.ApiServerOptions;
import dev.kvx.component.KubeClients;
import dev.kvx.component.clock.FakeClock;
import dev.kvx.component.controller.Controller;
import dev.kvx.component.informers.InformerFactory;
import dev.kvx.controller.ControllerContext;
import dev.kvx.controller.ControllerDescriptor;
import dev.kvx.controller.ControllerManagerOptions;
import dev.kvx.controller.common.Times;
import dev.kvx.controller.events.EventBroadcaster;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodConditionBuilder;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.PodTemplateSpecBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Vertx;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A real in-JVM API server plus a chosen set of controllers running against it through fabric8,
 * as the upstream integration tests run them. Time is a {@link FakeClock} that a background
 * ticker advances with real time (so queue backoffs fire) and that tests jump forward with {@link
 * #step}. Kubelets are simulated by writing pod status through the API ({@link #markReady}).
 */
public final class TestCluster implements AutoCloseable {
  private final Vertx vertx;
  private final ApiServer server;
  private final KubernetesClient client;
  private final FakeClock clock;
  private final Thread ticker;
  private final List<ControllerDescriptor> descriptors;
  private volatile boolean closed;
  private final java.util.concurrent.atomic.AtomicInteger nextIp = new java.util.concurrent.atomic.AtomicInteger();
  private Running running;
  private Duration nodeMonitorGracePeriod = ControllerManagerOptions.DEFAULT_NODE_MONITOR_GRACE_PERIOD;
  private Duration nodeMonitorPeriod = ControllerManagerOptions.DEFAULT_NODE_MONITOR_PERIOD;

  private TestCluster(Path dir, List<ControllerDescriptor> descriptors) throws Exception {
    this.vertx = Vertx.vertx();
    this.server = ApiServer.start(vertx, ApiServerOptions.forTest(dir)).await();
    this.client =
        KubeClients.fromConfig(Config.fromKubeconfig(Files.readString(server.kubeconfig())), "test");
    this.clock = new FakeClock(Instant.now());
    this.descriptors = descriptors;
    this.ticker =
        new Thread(
            () -> {
              while (!closed) {
                try {
                  Thread.sleep(20);
                } catch (InterruptedException e) {
                  return;
                }
                clock.step(Duration.ofMillis(20));
              }
            },
            "fake-clock-ticker");
    ticker.setDaemon(true);
    ticker.start();
  }

  /** Starts an API server and the given controllers. */
  public static TestCluster start(Path dir, ControllerDescriptor... controllers) throws Exception {
    TestCluster c = new TestCluster(dir, List.of(controllers));
    c.startControllers();
    return c;
  }

  /** Starts an API server only; {@link #startControllers} starts the controllers later. */
  public static TestCluster startWithoutControllers(Path dir, ControllerDescriptor... controllers)
      throws Exception {
    return new TestCluster(dir, List.of(controllers));
  }

  public KubernetesClient client() {
    return client;
  }

  public FakeClock clock() {
    return clock;
  }

  public Path kubeconfig() {
    return server.kubeconfig();
  }

  /** Jumps the controllers' clock forward. */
  public void step(Duration d) {
    clock.step(d);
  }

  /**
   * The node monitor timings of controllers started from now on ({@code
   * --node-monitor-grace-period}, {@code --node-monitor-period}); upstream's defaults otherwise.
   */
  public synchronized TestCluster nodeMonitor(Duration gracePeriod, Duration period) {
    this.nodeMonitorGracePeriod = gracePeriod;
    this.nodeMonitorPeriod = period;
    return this;
  }

  /** Starts the controllers with fresh informers (as a restarted controller manager). */
  public synchronized void startControllers() {
    if (running != null) {
      throw new IllegalStateException("controllers already running");
    }
    KubernetesClient c = KubeClients.fromConfig(client.getConfiguration(), "kube-controller-manager");
    InformerFactory informers = new InformerFactory(c);
    EventBroadcaster events = new EventBroadcaster(c, clock);
    ControllerContext ctx = new ControllerContext(c, informers, events, clock, new SimpleMeterRegistry(),
        nodeMonitorGracePeriod, nodeMonitorPeriod);
    List<Controller> controllers = new ArrayList<>();
    for (ControllerDescriptor d : descriptors) {
      controllers.add(d.factory().apply(ctx));
    }
    informers.start();
    controllers.forEach(Controller::start);
    running = new Running(c, informers, events, controllers, ctx);
  }

  /** Stops the controllers (as a controller manager going down mid-work). */
  public synchronized void stopControllers() throws Exception {
    Running r = running;
    running = null;
    if (r != null) {
      r.stop();
    }
  }

  @Override
  public void close() throws Exception {
    closed = true;
    stopControllers();
    client.close();
    server.close().await();
    vertx.close().await();
  }

  // ---- simulated kubelet and fixtures ----

  public void createNamespace(String name) {
    client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(name).endMetadata().build()).create();
  }

  /** A pod template with one container and the given labels. */
  public static PodTemplateSpec template(Map<String, String> labels, String image) {
    return new PodTemplateSpecBuilder()
        .withNewMetadata()
        .withLabels(labels)
        .endMetadata()
        .withNewSpec()
        .withContainers(new ContainerBuilder().withName("app").withImage(image).build())
        .endSpec()
        .build();
  }

  /** Marks {@code pod} Running and Ready now (on the fake clock), as a kubelet would. */
  public Pod markReady(Pod pod) {
    return retryOnConflict(
        () -> {
          Pod fresh = client.pods().inNamespace(pod.getMetadata().getNamespace()).withName(pod.getMetadata().getName()).get();
          if (fresh == null) {
            return null;
          }
          String now = Times.format(clock.now());
          ensureStatus(fresh);
          fresh.getStatus().setPhase("Running");
          if (fresh.getStatus().getPodIP() == null) {
            int n = nextIp.incrementAndGet();
            fresh.getStatus().setPodIP("10.244." + (n / 250) + "." + (n % 250 + 1));
          }
          fresh.getStatus().setConditions(
              List.of(new PodConditionBuilder().withType("Ready").withStatus("True").withLastTransitionTime(now).build()));
          return client.pods().resource(fresh).updateStatus();
        });
  }

  /** Marks {@code pod} terminated with {@code phase} (Succeeded or Failed). */
  public Pod markTerminated(Pod pod, String phase) {
    return retryOnConflict(
        () -> {
          Pod fresh = client.pods().inNamespace(pod.getMetadata().getNamespace()).withName(pod.getMetadata().getName()).get();
          if (fresh == null) {
            return null;
          }
          ensureStatus(fresh);
          fresh.getStatus().setPhase(phase);
          fresh.getStatus().setConditions(
              List.of(new PodConditionBuilder().withType("Ready").withStatus("False").withLastTransitionTime(Times.format(clock.now())).build()));
          return client.pods().resource(fresh).updateStatus();
        });
  }

  /** Marks every not-yet-ready active pod in {@code namespace} ready; returns how many. */
  public int markAllReady(String namespace) {
    int n = 0;
    for (Pod p : client.pods().inNamespace(namespace).list().getItems()) {
      boolean ready = p.getStatus() != null && p.getStatus().getConditions() != null
          && p.getStatus().getConditions().stream().anyMatch(c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus()));
      if (!ready && p.getMetadata().getDeletionTimestamp() == null) {
        markReady(p);
        n++;
      }
    }
    return n;
  }

  /**
   * Starts a simulated kubelet for {@code namespace}: every 100 ms it marks new pods Running and
   * Ready, as the upstream controller integration tests do. Stops with the cluster or the returned
   * handle.
   */
  public AutoCloseable autoReady(String namespace) {
    java.util.concurrent.atomic.AtomicBoolean stop = new java.util.concurrent.atomic.AtomicBoolean();
    Thread t = new Thread(() -> {
      while (!stop.get() && !closed) {
        try {
          markAllReady(namespace);
          Thread.sleep(100);
        } catch (InterruptedException e) {
          return;
        } catch (RuntimeException e) {
          // pod went away between list and write: next round
        }
      }
    }, "kubelet-sim-" + namespace);
    t.setDaemon(true);
    t.start();
    return () -> stop.set(true);
  }

  /** The events in {@code namespace} with {@code reason}. */
  public List<Event> events(String namespace, String reason) {
    return client.v1().events().inNamespace(namespace).list().getItems().stream()
        .filter(e -> reason.equals(e.getReason()))
        .toList();
  }

  private static void ensureStatus(Pod pod) {
    if (pod.getStatus() == null) {
      pod.setStatus(new io.fabric8.kubernetes.api.model.PodStatus());
    }
  }

  /** Runs a user's write again on 409, as kubectl does when a controller wrote meanwhile. */
  public static <T> T retryOnConflict(java.util.function.Supplier<T> write) {
    for (int i = 0; ; i++) {
      try {
        return write.get();
      } catch (KubernetesClientException e) {
        if (e.getCode() != 409 || i >= 50) {
          throw e;
        }
      }
    }
  }

  private record Running(
      KubernetesClient client,
      InformerFactory informers,
      EventBroadcaster events,
      List<Controller> controllers,
      ControllerContext ctx) {
    void stop() throws Exception {
      controllers.forEach(Controller::shutDown);
      for (Controller c : controllers) {
        c.awaitTermination(Duration.ofSeconds(10));
      }
      ctx.closeRegistered();
      informers.close();
      events.close();
      client.close();
    }
  }
}
