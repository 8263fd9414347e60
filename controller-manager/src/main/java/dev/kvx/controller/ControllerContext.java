package dev.kvx.controller;

import dev.kvx.component.clock.Clock;
import dev.kvx.component.controller.Controller;
import dev.kvx.component.controller.Reconciler;
import dev.kvx.component.informers.InformerFactory;
import dev.kvx.controller.events.EventBroadcaster;
import dev.kvx.controller.events.EventRecorder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.ArrayList;
import java.util.List;

/**
 * What a controller gets to build itself with (upstream's {@code ControllerContext}): the API
 * client, the shared informers, the event broadcaster, the clock and the metrics registry.
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
  private final List<AutoCloseable> closeables = new ArrayList<>();

  public ControllerContext(
      KubernetesClient client,
      InformerFactory informers,
      EventBroadcaster events,
      Clock clock,
      MeterRegistry meterRegistry) {
    this.client = client;
    this.informers = informers;
    this.events = events;
    this.clock = clock;
    this.meterRegistry = meterRegistry;
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
