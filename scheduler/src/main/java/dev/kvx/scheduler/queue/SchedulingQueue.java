package dev.kvx.scheduler.queue;

import dev.kvx.component.clock.Clock;
import dev.kvx.scheduler.framework.ClusterEvent;
import dev.kvx.scheduler.framework.PodInfo;
import dev.kvx.scheduler.framework.PodNominator;
import dev.kvx.scheduler.framework.Status;
import io.fabric8.kubernetes.api.model.Pod;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;

/**
 * The scheduling queue (upstream's {@code PriorityQueue}) of pods waiting for a node:
 *
 * <ul>
 *   <li><b>activeQ</b>: pods to try now, highest priority first, then longest waiting (the
 *       PrioritySort plugin's order). {@link #pop()} blocks on it.
 *   <li><b>backoffQ</b>: pods that failed recently wait there 1 s, doubling per attempt up to 10 s,
 *       then move to activeQ (checked every second).
 *   <li><b>unschedulable pods</b>: pods no node fitted stay parked until a cluster event that one
 *       of the plugins that rejected them registered ({@link #moveAllToActiveOrBackoffQueue}), or
 *       for at most 5 minutes.
 *   <li><b>gated pods</b>: pods a PreEnqueue plugin holds back (scheduling gates) until an update
 *       lets them through.
 * </ul>
 *
 * <p>A pod that fails while a move request happened during its cycle goes to backoffQ rather than
 * the unschedulable pods: the event it could have waited for has already passed. The queue also
 * keeps the nominated pods ({@link PodNominator}). Thread-safe; timers run on the clock's thread.
 */
public final class SchedulingQueue implements PodNominator, AutoCloseable {
  public static final Duration DEFAULT_INITIAL_BACKOFF = Duration.ofSeconds(1);
  public static final Duration DEFAULT_MAX_BACKOFF = Duration.ofSeconds(10);
  public static final Duration DEFAULT_MAX_IN_UNSCHEDULABLE = Duration.ofMinutes(5);
  static final Duration BACKOFF_FLUSH_PERIOD = Duration.ofSeconds(1);
  static final Duration UNSCHEDULABLE_FLUSH_PERIOD = Duration.ofSeconds(30);

  /** Queue names as upstream's {@code scheduler_pending_pods{queue}} uses them. */
  public enum QueueName {
    ACTIVE("active"),
    BACKOFF("backoff"),
    UNSCHEDULABLE("unschedulable"),
    GATED("gated");

    private final String label;

    QueueName(String label) {
      this.label = label;
    }

    public String label() {
      return label;
    }
  }

  private static final Comparator<QueuedPodInfo> PRIORITY_SORT =
      Comparator.comparingInt((QueuedPodInfo q) -> q.podInfo.priority())
          .reversed()
          .thenComparing(q -> q.timestamp)
          .thenComparing(QueuedPodInfo::uid);
  private static final Comparator<QueuedPodInfo> BY_BACKOFF_EXPIRY =
      Comparator.comparing((QueuedPodInfo q) -> q.backoffExpiry).thenComparing(QueuedPodInfo::uid);

  private final Clock clock;
  private final Function<PodInfo, Status> preEnqueue;
  private final Map<String, List<ClusterEvent>> pluginEvents;
  private final Duration initialBackoff;
  private final Duration maxBackoff;
  private final Duration maxInUnschedulable;

  private final ReentrantLock lock = new ReentrantLock();
  private final Condition notEmpty = lock.newCondition();
  private final TreeSet<QueuedPodInfo> activeQ = new TreeSet<>(PRIORITY_SORT);
  private final TreeSet<QueuedPodInfo> backoffQ = new TreeSet<>(BY_BACKOFF_EXPIRY);
  // uid → entry, for every pod in any of the four places.
  private final Map<String, QueuedPodInfo> byUid = new HashMap<>();
  private final Map<String, QueueName> where = new HashMap<>();
  private final Map<String, QueuedPodInfo> unschedulablePods = new LinkedHashMap<>();
  private final Map<String, QueuedPodInfo> gatedPods = new LinkedHashMap<>();
  // Parked pods per rejecting plugin, so that an event no parked pod cares about costs O(plugins).
  private final Map<String, Integer> parkedByPlugin = new HashMap<>();
  private static final String ANY_PLUGIN = "";
  // Nominator state: uid → node, node → pods. Written under the lock; the per-node lists are
  // immutable and swapped, so the filters (one lookup per node and cycle) read without locking.
  private final Map<String, String> nominatedNodeOf = new HashMap<>();
  private final Map<String, List<PodInfo>> nominatedPods =
      new java.util.concurrent.ConcurrentHashMap<>();

  private long schedulingCycle;
  private long moveRequestCycle = -1;
  private boolean closed;
  private Clock.Timer backoffTimer;
  private Clock.Timer unschedulableTimer;

  /**
   * @param preEnqueue the framework's PreEnqueue plugins (success lets a pod into activeQ)
   * @param pluginEvents the cluster events each plugin registered (Framework#eventsToRegister)
   */
  public SchedulingQueue(
      Clock clock,
      Function<PodInfo, Status> preEnqueue,
      Map<String, List<ClusterEvent>> pluginEvents) {
    this(
        clock,
        preEnqueue,
        pluginEvents,
        DEFAULT_INITIAL_BACKOFF,
        DEFAULT_MAX_BACKOFF,
        DEFAULT_MAX_IN_UNSCHEDULABLE);
  }

  public SchedulingQueue(
      Clock clock,
      Function<PodInfo, Status> preEnqueue,
      Map<String, List<ClusterEvent>> pluginEvents,
      Duration initialBackoff,
      Duration maxBackoff,
      Duration maxInUnschedulable) {
    this.clock = Objects.requireNonNull(clock, "clock");
    this.preEnqueue = Objects.requireNonNull(preEnqueue, "preEnqueue");
    this.pluginEvents = Map.copyOf(pluginEvents);
    this.initialBackoff = initialBackoff;
    this.maxBackoff = maxBackoff;
    this.maxInUnschedulable = maxInUnschedulable;
  }

  /** Starts the periodic flushes (backoffQ every second, unschedulable pods every 30 s). */
  public void run() {
    lock.lock();
    try {
      if (closed || backoffTimer != null) {
        return;
      }
      scheduleBackoffFlush();
      scheduleUnschedulableFlush();
    } finally {
      lock.unlock();
    }
  }

  private void scheduleBackoffFlush() {
    backoffTimer =
        clock.afterFunc(
            BACKOFF_FLUSH_PERIOD,
            () -> {
              flushBackoffQCompleted();
              lock.lock();
              try {
                if (!closed) {
                  scheduleBackoffFlush();
                }
              } finally {
                lock.unlock();
              }
            });
  }

  private void scheduleUnschedulableFlush() {
    unschedulableTimer =
        clock.afterFunc(
            UNSCHEDULABLE_FLUSH_PERIOD,
            () -> {
              flushUnschedulablePodsLeftover();
              lock.lock();
              try {
                if (!closed) {
                  scheduleUnschedulableFlush();
                }
              } finally {
                lock.unlock();
              }
            });
  }

  /** A new unscheduled pod: into activeQ, or gated if a PreEnqueue plugin holds it back. */
  public void add(PodInfo pod) {
    lock.lock();
    try {
      if (byUid.containsKey(pod.uid())) {
        return;
      }
      QueuedPodInfo q = new QueuedPodInfo(pod, clock.now());
      moveToActiveOrGated(q);
      nominateFromStatus(pod);
    } finally {
      lock.unlock();
    }
  }

  /**
   * An unscheduled pod changed. A pod waiting in the active or backoff queue just gets the new
   * version. A parked or gated pod whose spec, labels or annotations changed is moved, since the
   * change may make it schedulable. A pod in none of them (e.g. being scheduled right now) is
   * added.
   */
  public void update(Pod oldPod, PodInfo newPod) {
    lock.lock();
    try {
      QueuedPodInfo q = byUid.get(newPod.uid());
      if (q == null) {
        QueuedPodInfo fresh = new QueuedPodInfo(newPod, clock.now());
        moveToActiveOrGated(fresh);
        nominateFromStatus(newPod);
        return;
      }
      updateNominatedPod(newPod);
      switch (where.get(q.uid())) {
        case ACTIVE -> {
          activeQ.remove(q);
          q.podInfo = newPod;
          activeQ.add(q);
        }
        case BACKOFF -> q.podInfo = newPod;
        case GATED -> {
          q.podInfo = newPod;
          gatedPods.remove(q.uid());
          remove(q);
          moveToActiveOrGated(q);
        }
        case UNSCHEDULABLE -> {
          q.podInfo = newPod;
          if (oldPod == null || isPodUpdated(oldPod, newPod.pod())) {
            unpark(q);
            remove(q);
            moveToActiveOrBackoff(q);
          }
        }
      }
    } finally {
      lock.unlock();
    }
  }

  /** The pod was deleted, bound by someone else, or is no longer ours: forget it. */
  public void delete(Pod pod) {
    lock.lock();
    try {
      String uid = pod.getMetadata().getUid();
      QueuedPodInfo q = byUid.get(uid);
      if (q != null) {
        switch (where.get(uid)) {
          case ACTIVE -> activeQ.remove(q);
          case BACKOFF -> backoffQ.remove(q);
          case UNSCHEDULABLE -> unpark(q);
          case GATED -> gatedPods.remove(uid);
        }
        remove(q);
      }
      deleteNominated(uid);
    } finally {
      lock.unlock();
    }
  }

  /**
   * The next pod to schedule, waiting while activeQ is empty; null once the queue is closed. The
   * pod leaves the queue until {@link #addUnschedulableIfNotPresent} or another add brings it back.
   */
  public QueuedPodInfo pop() throws InterruptedException {
    return pop(null);
  }

  /** {@link #pop()} waiting at most {@code maxWait} (null: forever); null on timeout or close. */
  public QueuedPodInfo pop(Duration maxWait) throws InterruptedException {
    lock.lockInterruptibly();
    try {
      long nanos = maxWait == null ? Long.MAX_VALUE : maxWait.toNanos();
      while (activeQ.isEmpty() && !closed) {
        if (maxWait == null) {
          notEmpty.await();
        } else {
          if (nanos <= 0) {
            return null;
          }
          nanos = notEmpty.awaitNanos(nanos);
        }
      }
      if (closed) {
        return null;
      }
      QueuedPodInfo q = activeQ.pollFirst();
      remove(q);
      q.attempts++;
      if (q.initialAttemptTimestamp == null) {
        q.initialAttemptTimestamp = clock.now();
      }
      schedulingCycle++;
      return q;
    } finally {
      lock.unlock();
    }
  }

  /** The number of pods popped so far; a cycle's number is this value right after its pop. */
  public long schedulingCycle() {
    lock.lock();
    try {
      return schedulingCycle;
    } finally {
      lock.unlock();
    }
  }

  /**
   * Puts back a pod whose scheduling attempt failed: to backoffQ if it failed with an error (no
   * rejecting plugin) or a move request happened since its cycle started, otherwise among the
   * unschedulable pods. Ignored if the pod is already queued again.
   *
   * @param podSchedulingCycle the {@link #schedulingCycle()} right after the pod was popped
   */
  public void addUnschedulableIfNotPresent(QueuedPodInfo q, long podSchedulingCycle) {
    lock.lock();
    try {
      if (closed || byUid.containsKey(q.uid())) {
        return;
      }
      q.timestamp = clock.now();
      if (q.unschedulablePlugins.isEmpty() || moveRequestCycle >= podSchedulingCycle) {
        addToBackoff(q);
      } else {
        park(q);
      }
      nominateFromStatus(q.podInfo);
    } finally {
      lock.unlock();
    }
  }

  /**
   * A cluster event happened: every unschedulable pod that one of its rejecting plugins registered
   * the event for moves to activeQ, or to backoffQ while still backing off.
   */
  public void moveAllToActiveOrBackoffQueue(ClusterEvent event) {
    lock.lock();
    try {
      moveRequestCycle = schedulingCycle;
      if (unschedulablePods.isEmpty() || !anyParkedPodCares(event)) {
        return; // the common case on busy clusters: one check per plugin, not per parked pod
      }
      List<QueuedPodInfo> toMove = new ArrayList<>();
      for (QueuedPodInfo q : unschedulablePods.values()) {
        if (podMatchesEvent(q, event)) {
          toMove.add(q);
        }
      }
      for (QueuedPodInfo q : toMove) {
        unpark(q);
        remove(q);
        moveToActiveOrBackoff(q);
      }
    } finally {
      lock.unlock();
    }
  }

  /** Moves pods whose backoff has expired from backoffQ to activeQ. */
  public void flushBackoffQCompleted() {
    lock.lock();
    try {
      Instant now = clock.now();
      boolean moved = false;
      while (!backoffQ.isEmpty() && !backoffQ.first().backoffExpiry.isAfter(now)) {
        QueuedPodInfo q = backoffQ.pollFirst();
        q.backoffExpiry = null;
        activeQ.add(q);
        track(q, QueueName.ACTIVE);
        moved = true;
      }
      if (moved) {
        notEmpty.signalAll();
      }
    } finally {
      lock.unlock();
    }
  }

  /** Pods unschedulable for longer than 5 minutes are retried whatever happened. */
  public void flushUnschedulablePodsLeftover() {
    lock.lock();
    try {
      Instant now = clock.now();
      List<QueuedPodInfo> stale = new ArrayList<>();
      for (QueuedPodInfo q : unschedulablePods.values()) {
        if (!now.isBefore(q.timestamp.plus(maxInUnschedulable))) {
          stale.add(q);
        }
      }
      for (QueuedPodInfo q : stale) {
        unpark(q);
        remove(q);
        moveToActiveOrBackoff(q);
      }
    } finally {
      lock.unlock();
    }
  }

  /** How many pods wait in each queue. */
  public int pendingPods(QueueName queue) {
    lock.lock();
    try {
      return switch (queue) {
        case ACTIVE -> activeQ.size();
        case BACKOFF -> backoffQ.size();
        case UNSCHEDULABLE -> unschedulablePods.size();
        case GATED -> gatedPods.size();
      };
    } finally {
      lock.unlock();
    }
  }

  /** Where the pod with {@code uid} waits, or null if it is not queued. */
  public QueueName queueOf(String uid) {
    lock.lock();
    try {
      return where.get(uid);
    } finally {
      lock.unlock();
    }
  }

  /** The gating message of a gated pod, or null. */
  public String gatingMessage(String uid) {
    lock.lock();
    try {
      QueuedPodInfo q = gatedPods.get(uid);
      return q == null ? null : q.gatingMessage;
    } finally {
      lock.unlock();
    }
  }

  /** Upstream's backoff: initial × 2^(attempts−1), at most the maximum. */
  Duration backoffDuration(QueuedPodInfo q) {
    Duration d = initialBackoff;
    for (int i = 1; i < q.attempts; i++) {
      d = d.multipliedBy(2);
      if (d.compareTo(maxBackoff) > 0) {
        return maxBackoff;
      }
    }
    return d;
  }

  private boolean isPodBackingOff(QueuedPodInfo q) {
    return clock.now().isBefore(q.timestamp.plus(backoffDuration(q)));
  }

  private void moveToActiveOrBackoff(QueuedPodInfo q) {
    if (isPodBackingOff(q)) {
      addToBackoff(q);
    } else {
      addToActive(q);
    }
  }

  private void moveToActiveOrGated(QueuedPodInfo q) {
    Status s = preEnqueue.apply(q.podInfo);
    if (s.isSuccess()) {
      q.gatingMessage = null;
      addToActive(q);
    } else {
      q.gatingMessage = s.message();
      gatedPods.put(q.uid(), q);
      track(q, QueueName.GATED);
    }
  }

  private void addToActive(QueuedPodInfo q) {
    activeQ.add(q);
    track(q, QueueName.ACTIVE);
    notEmpty.signalAll();
  }

  private void addToBackoff(QueuedPodInfo q) {
    q.backoffExpiry = q.timestamp.plus(backoffDuration(q));
    backoffQ.add(q);
    track(q, QueueName.BACKOFF);
  }

  private void track(QueuedPodInfo q, QueueName queue) {
    byUid.put(q.uid(), q);
    where.put(q.uid(), queue);
  }

  private void remove(QueuedPodInfo q) {
    byUid.remove(q.uid());
    where.remove(q.uid());
  }

  private void park(QueuedPodInfo q) {
    unschedulablePods.put(q.uid(), q);
    track(q, QueueName.UNSCHEDULABLE);
    if (q.unschedulablePlugins.isEmpty()) {
      parkedByPlugin.merge(ANY_PLUGIN, 1, Integer::sum);
    }
    for (String plugin : q.unschedulablePlugins) {
      parkedByPlugin.merge(plugin, 1, Integer::sum);
    }
  }

  private void unpark(QueuedPodInfo q) {
    if (unschedulablePods.remove(q.uid()) == null) {
      return;
    }
    if (q.unschedulablePlugins.isEmpty()) {
      parkedByPlugin.merge(ANY_PLUGIN, -1, (a, b) -> a + b == 0 ? null : a + b);
    }
    for (String plugin : q.unschedulablePlugins) {
      parkedByPlugin.merge(plugin, -1, (a, b) -> a + b == 0 ? null : a + b);
    }
  }

  /** Whether some parked pod was rejected by a plugin that {@code event} may help. */
  private boolean anyParkedPodCares(ClusterEvent event) {
    if (event.resource() == ClusterEvent.ResourceKind.WILDCARD
        || parkedByPlugin.containsKey(ANY_PLUGIN)) {
      return true;
    }
    for (String plugin : parkedByPlugin.keySet()) {
      List<ClusterEvent> registered = pluginEvents.get(plugin);
      if (registered == null) {
        return true;
      }
      for (ClusterEvent r : registered) {
        if (r.matches(event)) {
          return true;
        }
      }
    }
    return false;
  }

  private boolean podMatchesEvent(QueuedPodInfo q, ClusterEvent event) {
    if (event.resource() == ClusterEvent.ResourceKind.WILDCARD) {
      return true;
    }
    if (q.unschedulablePlugins.isEmpty()) {
      return true;
    }
    for (String plugin : q.unschedulablePlugins) {
      List<ClusterEvent> registered = pluginEvents.get(plugin);
      if (registered == null) {
        return true; // a rejecting plugin that registered nothing: any event may help
      }
      for (ClusterEvent r : registered) {
        if (r.matches(event)) {
          return true;
        }
      }
    }
    return false;
  }

  /** Whether anything but the status and bookkeeping metadata changed (upstream isPodUpdated). */
  static boolean isPodUpdated(Pod oldPod, Pod newPod) {
    return !Objects.equals(oldPod.getSpec(), newPod.getSpec())
        || !Objects.equals(oldPod.getMetadata().getLabels(), newPod.getMetadata().getLabels())
        || !Objects.equals(
            oldPod.getMetadata().getAnnotations(), newPod.getMetadata().getAnnotations())
        || !Objects.equals(
            oldPod.getMetadata().getFinalizers(), newPod.getMetadata().getFinalizers())
        || !Objects.equals(
            oldPod.getMetadata().getOwnerReferences(), newPod.getMetadata().getOwnerReferences());
  }

  // ---- PodNominator ----

  private void nominateFromStatus(PodInfo pod) {
    var status = pod.pod().getStatus();
    String node = status == null ? null : status.getNominatedNodeName();
    if (node != null && !node.isEmpty()) {
      addNominated(pod, node);
    }
  }

  @Override
  public List<PodInfo> nominatedPodsForNode(String nodeName) {
    if (nominatedPods.isEmpty()) {
      return List.of();
    }
    List<PodInfo> pods = nominatedPods.get(nodeName);
    return pods == null ? List.of() : pods;
  }

  @Override
  public void addNominatedPod(PodInfo pod, String nodeName) {
    lock.lock();
    try {
      addNominated(pod, nodeName);
    } finally {
      lock.unlock();
    }
  }

  @Override
  public void deleteNominatedPodIfExists(PodInfo pod) {
    lock.lock();
    try {
      deleteNominated(pod.uid());
    } finally {
      lock.unlock();
    }
  }

  private void addNominated(PodInfo pod, String nodeName) {
    deleteNominated(pod.uid());
    if (nodeName == null || nodeName.isEmpty()) {
      return;
    }
    nominatedNodeOf.put(pod.uid(), nodeName);
    List<PodInfo> pods = new ArrayList<>(nominatedPods.getOrDefault(nodeName, List.of()));
    pods.add(pod);
    nominatedPods.put(nodeName, List.copyOf(pods));
  }

  private void updateNominatedPod(PodInfo pod) {
    String node = nominatedNodeOf.get(pod.uid());
    var status = pod.pod().getStatus();
    String fromStatus = status == null ? null : status.getNominatedNodeName();
    if (fromStatus != null && !fromStatus.isEmpty()) {
      node = fromStatus;
    }
    if (node != null) {
      addNominated(pod, node);
    }
  }

  private void deleteNominated(String uid) {
    String node = nominatedNodeOf.remove(uid);
    if (node == null) {
      return;
    }
    List<PodInfo> pods = nominatedPods.get(node);
    if (pods != null) {
      List<PodInfo> rest = new ArrayList<>(pods);
      rest.removeIf(p -> p.uid().equals(uid));
      if (rest.isEmpty()) {
        nominatedPods.remove(node);
      } else {
        nominatedPods.put(node, List.copyOf(rest));
      }
    }
  }

  /** Stops the timers and wakes {@link #pop()} callers, which then return null. */
  @Override
  public void close() {
    lock.lock();
    try {
      closed = true;
      if (backoffTimer != null) {
        backoffTimer.cancel();
      }
      if (unschedulableTimer != null) {
        unschedulableTimer.cancel();
      }
      notEmpty.signalAll();
    } finally {
      lock.unlock();
    }
  }
}
