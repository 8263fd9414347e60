package dev.kvx.controller;

import dev.kvx.component.clock.Clock;
import dev.kvx.component.controller.Controller;
import dev.kvx.component.controller.Reconciler;
import dev.kvx.component.informers.InformerFactory;
import dev.kvx.controller.events.EventBroadcaster;
import dev.kvx.controller.events.EventRecorder;
import dev.kvx.controller.nodeipam.NodeIpamConfiguration;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * What a controller gets to build itself with (upstream's {@code ControllerContext}): the API
 * client, the shared informers, the event broadcaster, the clock, the metrics registry and the
 * settings controllers read from the manager's options (upstream's {@code ComponentConfig}): the
 * node monitor grace period and monitor period, checked by {@link ControllerManagerOptions}, and
 * the node IPAM configuration.
 *
 * <p>One context lives for one leadership term: the manager builds every enabled controller with
 * it, starts the informers, then the controllers; when the term ends it stops the controllers and
 * closes what they registered with {@link #onStop}.
 */
public final class ControllerContext {
  private final KubernetesClient client;
  private final InformerFactory informers;
  private final EventBroadcaster events;
  private final Clock clock;
  private final MeterRegistry meterRegistry;
  private final Duration nodeMonitorGracePeriod;
  private final Duration nodeMonitorPeriod;
  private final NodeIpamConfiguration nodeIpam;
  private final List<AutoCloseable> closeables = new ArrayList<>();

  /** A context with upstream's default node monitor timings. */
  public ControllerContext(
      KubernetesClient client,
      InformerFactory informers,
      EventBroadcaster events,
      Clock clock,
      MeterRegistry meterRegistry) {
    this(
        client,
        informers,
        events,
        clock,
        meterRegistry,
        ControllerManagerOptions.DEFAULT_NODE_MONITOR_GRACE_PERIOD,
        ControllerManagerOptions.DEFAULT_NODE_MONITOR_PERIOD);
  }

  /**
   * A context with the given node monitor timings; fails as {@link ControllerManagerOptions} does
   * unless both are positive and the grace period is the longer.
   */
  public ControllerContext(
      KubernetesClient client,
      InformerFactory informers,
      EventBroadcaster events,
      Clock clock,
      MeterRegistry meterRegistry,
      Duration nodeMonitorGracePeriod,
      Duration nodeMonitorPeriod) {
    this(
        client,
        informers,
        events,
        clock,
        meterRegistry,
        nodeMonitorGracePeriod,
        nodeMonitorPeriod,
        NodeIpamConfiguration.defaults());
  }

  /** A context with the given node monitor timings and node IPAM configuration. */
  public ControllerContext(
      KubernetesClient client,
      InformerFactory informers,
      EventBroadcaster events,
      Clock clock,
      MeterRegistry meterRegistry,
      Duration nodeMonitorGracePeriod,
      Duration nodeMonitorPeriod,
      NodeIpamConfiguration nodeIpam) {
    ControllerManagerOptions.checkNodeMonitor(
        Objects.requireNonNull(nodeMonitorGracePeriod, "nodeMonitorGracePeriod"),
        Objects.requireNonNull(nodeMonitorPeriod, "nodeMonitorPeriod"));
    this.client = client;
    this.informers = informers;
    this.events = events;
    this.clock = clock;
    this.meterRegistry = meterRegistry;
    this.nodeMonitorGracePeriod = nodeMonitorGracePeriod;
    this.nodeMonitorPeriod = nodeMonitorPeriod;
    this.nodeIpam = Objects.requireNonNull(nodeIpam, "nodeIpam");
  }

  public KubernetesClient client() {
    return client;
  }

  public InformerFactory informers() {
    return informers;
  }

  public Clock clock() {
    return clock;
  }

  public MeterRegistry meterRegistry() {
    return meterRegistry;
  }

  /**
   * How long a node may go without a heartbeat before it is marked Unknown ({@code
   * --node-monitor-grace-period}).
   */
  public Duration nodeMonitorGracePeriod() {
    return nodeMonitorGracePeriod;
  }

  /** How often each node's health is looked at, at the latest ({@code --node-monitor-period}). */
  public Duration nodeMonitorPeriod() {
    return nodeMonitorPeriod;
  }

  /**
   * How the node IPAM controller allocates pod CIDRs ({@code --allocate-node-cidrs}, {@code
   * --cluster-cidr}, {@code --node-cidr-mask-size}).
   */
  public NodeIpamConfiguration nodeIpam() {
    return nodeIpam;
  }

  /** A recorder whose events name {@code component} as their source (e.g. replicaset-controller). */
  public EventRecorder recorder(String component) {
    return events.newRecorder(component);
  }

  /**
   * A controller runner named {@code name} on this context's clock and registry, whose workers wait
   * for every shared informer to sync.
   */
  public Controller.Builder controller(String name, Reconciler reconciler) {
    return Controller.builder(name, reconciler)
        .clock(clock)
        .meterRegistry(meterRegistry)
        .waitForSync(informers::hasSynced);
  }

  /** Closes {@code c} when the term ends (e.g. informers a controller built itself). */
  public synchronized void onStop(AutoCloseable c) {
    closeables.add(c);
  }

  /** Closes what was registered with {@link #onStop}, newest first; never throws. */
  public void closeRegistered() {
    List<AutoCloseable> all;
    synchronized (this) {
      all = new ArrayList<>(closeables);
      closeables.clear();
    }
    java.util.Collections.reverse(all);
    for (AutoCloseable c : all) {
      try {
        c.close();
      } catch (Exception e) {
        org.slf4j.LoggerFactory.getLogger(ControllerContext.class).warn("error stopping {}", c, e);
      }
    }
  }
}
