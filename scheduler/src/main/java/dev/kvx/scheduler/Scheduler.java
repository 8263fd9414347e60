package dev.kvx.scheduler;

import dev.kvx.component.clock.Clock;
import dev.kvx.scheduler.ScheduleAlgorithm.ScheduleResult;
import dev.kvx.scheduler.ScheduleAlgorithm.SchedulingException;
import dev.kvx.scheduler.cache.SchedulerCache;
import dev.kvx.scheduler.cache.Snapshot;
import dev.kvx.scheduler.framework.ClusterApi;
import dev.kvx.scheduler.framework.ClusterEvent;
import dev.kvx.scheduler.framework.CycleState;
import dev.kvx.scheduler.framework.FitError;
import dev.kvx.scheduler.framework.Framework;
import dev.kvx.scheduler.framework.PodInfo;
import dev.kvx.scheduler.framework.PodNominator;
import dev.kvx.scheduler.framework.PostFilterResult;
import dev.kvx.scheduler.framework.Profile;
import dev.kvx.scheduler.framework.Registry;
import dev.kvx.scheduler.framework.Status;
import dev.kvx.scheduler.metrics.SchedulerMetrics;
import dev.kvx.scheduler.plugins.InTreeRegistry;
import dev.kvx.scheduler.priority.PriorityResolver;
import dev.kvx.scheduler.queue.QueuedPodInfo;
import dev.kvx.scheduler.queue.SchedulingQueue;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.api.model.PodConditionBuilder;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The scheduling loop (upstream's {@code scheduleOne}): pop a pod, pick a node on a fresh snapshot,
 * assume the pod there in the cache, and bind asynchronously, so the next cycle starts while the
 * bind is in flight. A pod no node fits gets preemption (PostFilter), a {@code PodScheduled=False}
 * condition with the upstream message, a FailedScheduling event, and goes back to the queue; a
 * failed bind forgets the assumed pod and requeues it.
 *
 * <p>One scheduling thread ({@link #start()}/{@link #stop()}, e.g. while leading); binding
 * completions run on one extra thread. The cache and queue are fed by {@link EventHandlers} whether
 * or not the loop runs.
 */
public final class Scheduler implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Scheduler.class);

  /** The condition reasons upstream uses. */
  static final String REASON_UNSCHEDULABLE = "Unschedulable";

  static final String REASON_SCHEDULER_ERROR = "SchedulerError";

  private final Clock clock;
  private final ClusterApi api;
  private final Function<String, Pod> podLookup;
  private final SchedulerMetrics metrics;
  private final PriorityResolver priorities;
  private final SchedulerCache cache = new SchedulerCache();
  private final Snapshot snapshot = new Snapshot();
  private final Map<String, Framework> frameworks = new LinkedHashMap<>();
  private final SchedulingQueue queue;
  private final ScheduleAlgorithm algorithm;
  private final ExecutorService bindingCompletions;
  private final AtomicInteger bindingsInFlight = new AtomicInteger();
  private Thread loop;
  private volatile boolean running;

  private Scheduler(Builder b) {
    this.clock = b.clock;
    this.api = Objects.requireNonNull(b.api, "api");
    this.podLookup = Objects.requireNonNull(b.podLookup, "podLookup");
    this.metrics = b.metrics != null ? b.metrics : new SchedulerMetrics(null);
    this.priorities = b.priorities;
    PodNominator nominator = new QueueNominator();
    Map<String, List<ClusterEvent>> events = new LinkedHashMap<>();
    for (Profile p : b.profiles) {
      Framework fw =
          Framework.builder(p, b.registry)
              .snapshot(snapshot)
              .nominator(nominator)
              .api(api)
              .clock(clock)
              .metrics(metrics)
              .build();
      frameworks.put(p.schedulerName(), fw);
      fw.eventsToRegister()
          .forEach((plugin, e) -> events.computeIfAbsent(plugin, k -> new ArrayList<>()).addAll(e));
    }
    this.queue =
        new SchedulingQueue(
            clock,
            this::preEnqueue,
            events,
            b.initialBackoff,
            b.maxBackoff,
            SchedulingQueue.DEFAULT_MAX_IN_UNSCHEDULABLE);
    this.algorithm = new ScheduleAlgorithm(snapshot, b.percentageOfNodesToScore);
    this.metrics.bindPendingPods(queue);
    this.bindingCompletions =
        Executors.newSingleThreadExecutor(
            r -> {
              Thread t = new Thread(r, "scheduler-binding");
              t.setDaemon(true);
              return t;
            });
  }

  public static Builder builder(ClusterApi api, Function<String, Pod> podLookup) {
    return new Builder(api, podLookup);
  }

  public SchedulerCache cache() {
    return cache;
  }

  public SchedulingQueue queue() {
    return queue;
  }

  public PriorityResolver priorities() {
    return priorities;
  }

  /** The framework of the profile named {@code schedulerName}, or null. */
  public Framework framework(String schedulerName) {
    return frameworks.get(schedulerName);
  }

  /** Whether one of this scheduler's profiles is the pod's {@code spec.schedulerName}. */
  public boolean responsibleFor(Pod pod) {
    return frameworks.containsKey(schedulerName(pod));
  }

  /** Binds sent and not answered yet. */
  public int bindingsInFlight() {
    return bindingsInFlight.get();
  }

  static String schedulerName(Pod pod) {
    String name = pod.getSpec() == null ? null : pod.getSpec().getSchedulerName();
    return name == null || name.isEmpty() ? Profile.DEFAULT_SCHEDULER_NAME : name;
  }

  private Status preEnqueue(PodInfo pod) {
    Framework fw = frameworks.get(schedulerName(pod.pod()));
    return fw == null ? Status.success() : fw.runPreEnqueuePlugins(pod);
  }

  /** Starts the scheduling thread (and the queue's timers); idempotent. */
  public synchronized void start() {
    queue.run();
    if (running) {
      return;
    }
    running = true;
    loop = new Thread(this::runLoop, "scheduler");
    loop.setDaemon(true);
    loop.start();
    LOG.info("Scheduler started with profiles {}", frameworks.keySet());
  }

  /** Stops scheduling after the current cycle (bindings in flight still complete); waits for it. */
  public synchronized void stop() {
    if (!running) {
      return;
    }
    running = false;
    loop.interrupt();
    try {
      loop.join(TimeUnit.SECONDS.toMillis(10));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    LOG.info("Scheduler stopped");
  }

  public boolean isRunning() {
    return running;
  }

  private void runLoop() {
    while (running) {
      try {
        scheduleOne(Duration.ofSeconds(1));
      } catch (InterruptedException e) {
        if (!running) {
          return;
        }
        Thread.interrupted(); // a stale interrupt: keep going
      } catch (RuntimeException e) {
        LOG.error("Scheduling cycle failed", e);
      }
    }
  }

  /**
   * One scheduling cycle: waits up to {@code maxWait} for a pod; returns whether one was taken.
   * Called by the scheduling thread, or directly by tests.
   */
  public boolean scheduleOne(Duration maxWait) throws InterruptedException {
    QueuedPodInfo q = queue.pop(maxWait);
    if (q == null) {
      return false;
    }
    long podCycle = queue.schedulingCycle();
    PodInfo podInfo = q.podInfo();
    Pod pod = podInfo.pod();
    Framework fw = frameworks.get(schedulerName(pod));
    if (fw == null) {
      LOG.warn("No profile for scheduler name {} of pod {}", schedulerName(pod), podInfo.key());
      return true;
    }
    if (podInfo.terminating() || cache.contains(pod)) {
      return true; // being deleted, or already assumed/bound by an earlier cycle
    }
    Instant start = clock.now();
    CycleState state = new CycleState();
    state.setRecordPluginMetrics(metrics.samplePluginMetrics());
    cache.updateSnapshot(snapshot);

    ScheduleResult result;
    try {
      result = algorithm.schedulePod(fw, state, podInfo);
    } catch (FitError fitError) {
      String nominated = null;
      if (fw.hasPostFilterPlugins()) {
        PostFilterResult r =
            fw.runPostFilterPlugins(state, podInfo, fitError.diagnosis().nodeToStatus());
        fitError.diagnosis().setPostFilterMsg(r.status().message());
        if (r.status().code() == Status.Code.ERROR) {
          LOG.error(
              "Status after running PostFilter plugins for pod {}: {}", podInfo.key(), r.status());
        }
        nominated = r.nominatedNodeName();
      }
      handleSchedulingFailure(
          fw,
          q,
          podCycle,
          Status.unschedulable(fitError.getMessage()),
          fitError.diagnosis().unschedulablePlugins(),
          nominated,
          start);
      return true;
    } catch (SchedulingException e) {
      handleSchedulingFailure(fw, q, podCycle, e.status(), Set.of(), null, start);
      return true;
    }

    // Assume: the next cycles see the pod on its node before the bind returns.
    String host = result.suggestedHost();
    try {
      cache.assumePod(podInfo, host);
    } catch (IllegalStateException e) {
      handleSchedulingFailure(fw, q, podCycle, Status.error(e), Set.of(), null, start);
      return true;
    }
    queue.deleteNominatedPodIfExists(podInfo);
    Status reserved = fw.runReservePluginsReserve(state, podInfo, host);
    if (!reserved.isSuccess()) {
      fw.runReservePluginsUnreserve(state, podInfo, host);
      cache.forgetPod(pod);
      handleSchedulingFailure(
          fw,
          q,
          podCycle,
          reserved,
          reserved.isRejected() && reserved.plugin() != null ? Set.of(reserved.plugin()) : Set.of(),
          null,
          start);
      return true;
    }

    bindingsInFlight.incrementAndGet();
    fw.runBindPlugins(state, podInfo, host)
        .whenCompleteAsync(
            (status, error) -> {
              try {
                Status s = error != null ? Status.error(error) : status;
                bindingCycleDone(fw, state, q, podCycle, podInfo, host, s, start);
              } finally {
                bindingsInFlight.decrementAndGet();
              }
            },
            bindingCompletions);
    return true;
  }

  private void bindingCycleDone(
      Framework fw,
      CycleState state,
      QueuedPodInfo q,
      long podCycle,
      PodInfo assumed,
      String host,
      Status status,
      Instant start) {
    Pod assumedPod = assumed.pod(); // the pod as popped: the cache keeps its node beside it
    if (status.isSuccess()) {
      cache.finishBinding(assumedPod);
      Instant now = clock.now();
      metrics.attempt(SchedulerMetrics.SCHEDULED, fw.profileName(), Duration.between(start, now));
      metrics.podSchedulingSli(q.attempts(), Duration.between(q.initialAttemptTimestamp(), now));
      api.recordEvent(
          assumedPod,
          "Normal",
          "Scheduled",
          "Binding",
          "Successfully assigned " + assumed.key() + " to " + host);
      return;
    }
    LOG.info("Binding pod {} to {} failed: {}", assumed.key(), host, status.message());
    fw.runReservePluginsUnreserve(state, assumed, host);
    cache.forgetPod(assumedPod);
    // The room it held is free again: pods waiting for room may fit now.
    queue.moveAllToActiveOrBackoffQueue(ClusterEvent.ASSIGNED_POD_DELETE);
    handleSchedulingFailure(
        fw,
        q,
        podCycle,
        status.isSuccess() ? Status.error("binding failed") : status,
        Set.of(),
        null,
        start);
  }

  /**
   * Upstream's handleSchedulingFailure: requeue the pod (unless it was deleted or bound meanwhile),
   * record the nomination, emit FailedScheduling and set the PodScheduled condition.
   */
  private void handleSchedulingFailure(
      Framework fw,
      QueuedPodInfo q,
      long podCycle,
      Status status,
      Set<String> unschedulablePlugins,
      String nominatedNode,
      Instant start) {
    PodInfo podInfo = q.podInfo();
    boolean error = status.code() == Status.Code.ERROR;
    String reason = error ? REASON_SCHEDULER_ERROR : REASON_UNSCHEDULABLE;
    String message = status.message();
    metrics.attempt(
        error ? SchedulerMetrics.ERROR : SchedulerMetrics.UNSCHEDULABLE,
        fw.profileName(),
        Duration.between(start, clock.now()));
    if (error) {
      LOG.warn("Error scheduling pod {}, retrying: {}", podInfo.key(), message);
    } else {
      LOG.debug("Unable to schedule pod {}: {}", podInfo.key(), message);
    }

    Pod current = podLookup.apply(podInfo.key());
    Pod target = podInfo.pod();
    if (current == null || !Objects.equals(current.getMetadata().getUid(), podInfo.uid())) {
      LOG.debug("Pod {} doesn't exist in the informer cache any more; not requeued", podInfo.key());
      return;
    } else if (current.getSpec() != null
        && current.getSpec().getNodeName() != null
        && !current.getSpec().getNodeName().isEmpty()) {
      LOG.debug(
          "Pod {} has been assigned to node {} meanwhile; not requeued",
          podInfo.key(),
          current.getSpec().getNodeName());
      return;
    } else {
      PodInfo refreshed =
          priorities != null ? priorities.podInfo(current) : podInfo.withPod(current);
      q.updatePod(refreshed);
      q.setUnschedulablePlugins(unschedulablePlugins);
      queue.addUnschedulableIfNotPresent(q, podCycle);
      target = current;
    }
    if (nominatedNode != null) {
      if (nominatedNode.isEmpty()) {
        queue.deleteNominatedPodIfExists(podInfo);
      } else {
        queue.addNominatedPod(q.podInfo(), nominatedNode);
      }
    }
    api.recordEvent(target, "Warning", "FailedScheduling", "Scheduling", truncateMessage(message));
    PodCondition condition =
        new PodConditionBuilder()
            .withType("PodScheduled")
            .withStatus("False")
            .withReason(reason)
            .withMessage(message)
            .build();
    Pod patchTarget = target;
    api.updatePodStatus(patchTarget, condition, nominatedNode)
        .whenComplete(
            (v, e) -> {
              if (e != null) {
                LOG.info("Updating the status of pod {} failed: {}", podInfo.key(), e.toString());
              }
            });
  }

  /** Event messages are cut at 1024 characters, as upstream's truncateMessage does. */
  static String truncateMessage(String message) {
    int max = 1024;
    if (message.length() <= max) {
      return message;
    }
    String suffix = " ...";
    return message.substring(0, max - suffix.length()) + suffix;
  }

  /** Stops the loop and the queue. */
  @Override
  public void close() {
    stop();
    queue.close();
    bindingCompletions.shutdown();
  }

  /** Gives the frameworks the queue as nominator (the queue needs the frameworks first). */
  private final class QueueNominator implements PodNominator {
    @Override
    public List<PodInfo> nominatedPodsForNode(String nodeName) {
      return queue.nominatedPodsForNode(nodeName);
    }

    @Override
    public void addNominatedPod(PodInfo pod, String nodeName) {
      queue.addNominatedPod(pod, nodeName);
    }

    @Override
    public void deleteNominatedPodIfExists(PodInfo pod) {
      queue.deleteNominatedPodIfExists(pod);
    }
  }

  /** What the scheduler runs with. */
  public static final class Builder {
    private final ClusterApi api;
    private final Function<String, Pod> podLookup;
    private Clock clock = Clock.system();
    private List<Profile> profiles = List.of(Profile.defaultProfile());
    private Registry registry = InTreeRegistry.create();
    private SchedulerMetrics metrics;
    private PriorityResolver priorities = PriorityResolver.none();
    private int percentageOfNodesToScore;
    private Duration initialBackoff = SchedulingQueue.DEFAULT_INITIAL_BACKOFF;
    private Duration maxBackoff = SchedulingQueue.DEFAULT_MAX_BACKOFF;

    /**
     * @param podLookup the informer's current pod by {@code namespace/name} (null if gone)
     */
    private Builder(ClusterApi api, Function<String, Pod> podLookup) {
      this.api = api;
      this.podLookup = podLookup;
    }

    public Builder clock(Clock clock) {
      this.clock = clock;
      return this;
    }

    public Builder profiles(List<Profile> profiles) {
      this.profiles = List.copyOf(profiles);
      return this;
    }

    public Builder registry(Registry registry) {
      this.registry = registry;
      return this;
    }

    public Builder metrics(SchedulerMetrics metrics) {
      this.metrics = metrics;
      return this;
    }

    public Builder priorities(PriorityResolver priorities) {
      this.priorities = priorities;
      return this;
    }

    /** Upstream's percentageOfNodesToScore; 0 = adaptive. */
    public Builder percentageOfNodesToScore(int percentage) {
      this.percentageOfNodesToScore = percentage;
      return this;
    }

    public Builder backoff(Duration initial, Duration max) {
      this.initialBackoff = initial;
      this.maxBackoff = max;
      return this;
    }

    public Scheduler build() {
      return new Scheduler(this);
    }
  }
}
