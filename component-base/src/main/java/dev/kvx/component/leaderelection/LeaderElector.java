package dev.kvx.component.leaderelection;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderElectorBuilder;
import io.fabric8.kubernetes.client.extended.leaderelection.resourcelock.LeaseLock;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Leader election on a {@code coordination.k8s.io/v1} Lease, as client-go's leaderelection.
 *
 * <p>A wrapper around fabric8's {@code extended.leaderelection.LeaderElector} with its {@code
 * LeaseLock}: it already implements client-go's algorithm (acquire with jittered retry, renew until
 * the renew deadline, optimistic concurrency through the Lease's resourceVersion so a 409 just
 * means "retry next period", release on cancel by writing an empty holder with leaseDurationSeconds
 * 1). This class adds what kvx needs on top: the identity default, callbacks moved off the renewing
 * thread, the {@code leader_election_master_status{name}} gauge, and a blocking-free start/stop.
 *
 * <p>One elector runs one election: after leadership is lost or {@link #stop()} is called it is
 * done ({@link #done()} completes), as upstream's {@code Run} returns. Build a new one to campaign
 * again.
 */
public final class LeaderElector implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(LeaderElector.class);

  private final LeaderElectionConfig config;
  private final LeaderCallbacks callbacks;
  private final io.fabric8.kubernetes.client.extended.leaderelection.LeaderElector elector;
  // fabric8 runs its acquire/renew loop (blocking API calls) on this thread.
  private final ExecutorService electionThread;
  // Callbacks run here, in order, so they never delay a renewal.
  private final ExecutorService callbackThread;
  private final AtomicBoolean leading = new AtomicBoolean();
  private final AtomicBoolean finished = new AtomicBoolean();
  private final AtomicReference<String> observedLeader = new AtomicReference<>();
  private final CompletableFuture<Void> done = new CompletableFuture<>();
  private final MeterRegistry meterRegistry;
  private final Gauge masterStatus;
  private CompletableFuture<?> election;

  /**
   * @param meterRegistry where {@code leader_election_master_status{name=<lease name>}} goes; null
   *     for none
   */
  public LeaderElector(
      KubernetesClient client,
      LeaderElectionConfig config,
      LeaderCallbacks callbacks,
      MeterRegistry meterRegistry) {
    this.config = Objects.requireNonNull(config, "config");
    this.callbacks = Objects.requireNonNull(callbacks, "callbacks");
    this.electionThread = singleThread("leader-election-" + config.name());
    this.callbackThread = singleThread("leader-callbacks-" + config.name());
    this.meterRegistry = meterRegistry;
    this.masterStatus =
        meterRegistry == null
            ? null
            : Gauge.builder("leader.election.master.status", leading, l -> l.get() ? 1 : 0)
                .description(
                    "Gauge of if the reporting system is master of the relevant lease, 0"
                        + " indicates backup, 1 indicates master. 'name' is the string used to"
                        + " identify the lease. Please make sure to group by name.")
                .tag("name", config.name())
                .strongReference(true)
                .register(meterRegistry);
    var fabric8Config =
        new io.fabric8.kubernetes.client.extended.leaderelection.LeaderElectionConfig(
            new LeaseLock(config.namespace(), config.name(), config.identity()),
            config.leaseDuration(),
            config.renewDeadline(),
            config.retryPeriod(),
            new io.fabric8.kubernetes.client.extended.leaderelection.LeaderCallbacks(
                this::startedLeading, this::stoppedLeading, this::newLeader),
            config.releaseOnCancel(),
            config.name());
    this.elector =
        new LeaderElectorBuilder(client, electionThread).withConfig(fabric8Config).build();
  }

  public LeaderElectionConfig config() {
    return config;
  }

  public String identity() {
    return config.identity();
  }

  /** Whether this process holds the lease (as last observed). */
  public boolean isLeader() {
    return leading.get();
  }

  /** The holder last observed on the Lease, if any. */
  public String observedLeader() {
    return observedLeader.get();
  }

  /** Starts campaigning; returns at once. */
  public synchronized void start() {
    if (election != null || finished.get()) {
      throw new IllegalStateException(
          "leader election for " + config.name() + " already started; build a new elector");
    }
    LOG.info(
        "Attempting to acquire leader lease {}/{} as {}...",
        config.namespace(),
        config.name(),
        config.identity());
    election = elector.start();
    election.whenComplete((v, e) -> finish());
  }

  /**
   * Stops campaigning. If leading, the lease is released first (when releaseOnCancel) and {@link
   * LeaderCallbacks#onStoppedLeading} runs. The returned future completes when all of that is done.
   * Does not block the caller.
   */
  public synchronized CompletableFuture<Void> stop() {
    CompletableFuture<?> e = election;
    if (e == null) {
      finish();
    } else {
      // Cancelling releases the lease synchronously: keep that API call off the caller's thread.
      electionThread.execute(() -> e.cancel(true));
    }
    return done;
  }

  /** Completes once the election is over: leadership lost, or stopped. */
  public CompletableFuture<Void> done() {
    return done;
  }

  /** {@link #stop()} and wait (up to the renew deadline) for the lease to be released. */
  @Override
  public void close() throws Exception {
    try {
      stop().get(config.renewDeadline().toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      LOG.warn("Leader election {} did not stop in time", config.name());
    }
  }

  private void startedLeading() {
    if (leading.compareAndSet(false, true)) {
      LOG.info("Successfully acquired lease {}/{}", config.namespace(), config.name());
      callbackThread.execute(callbacks::onStartedLeading);
    }
  }

  private void stoppedLeading() {
    if (leading.compareAndSet(true, false)) {
      LOG.info("Stopped leading {}/{}", config.namespace(), config.name());
      callbackThread.execute(callbacks::onStoppedLeading);
    }
  }

  private void newLeader(String identity) {
    if (identity == null || identity.isEmpty()) {
      return; // a released lease has no holder
    }
    if (!identity.equals(observedLeader.getAndSet(identity))) {
      LOG.info("New leader of {}/{} elected: {}", config.namespace(), config.name(), identity);
      callbackThread.execute(() -> callbacks.onNewLeader(identity));
    }
  }

  // After the election ends: the last callbacks run, then threads go and `done` completes.
  private void finish() {
    if (!finished.compareAndSet(false, true)) {
      return;
    }
    stoppedLeading();
    callbackThread.execute(
        () -> {
          if (masterStatus != null) {
            meterRegistry.remove(masterStatus);
          }
          done.complete(null);
        });
    callbackThread.shutdown();
    electionThread.shutdown();
  }

  private static ExecutorService singleThread(String name) {
    return Executors.newSingleThreadExecutor(
        r -> {
          Thread t = new Thread(r, name);
          t.setDaemon(true);
          return t;
        });
  }
}
