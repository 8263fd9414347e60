package dev.kvx.kubelet.pod;

import dev.kvx.component.clock.Clock;
import dev.kvx.kubelet.KubeTime;
import dev.kvx.kubelet.events.EventRecorder;
import dev.kvx.kubelet.metrics.KubeletMetrics;
import dev.kvx.kubelet.prober.HandlerRunner;
import dev.kvx.kubelet.prober.ProbeManager;
import dev.kvx.kubelet.runtime.ContainerConfig;
import dev.kvx.kubelet.runtime.ContainerRuntime;
import dev.kvx.kubelet.runtime.ContainerState;
import dev.kvx.kubelet.runtime.PodRef;
import dev.kvx.kubelet.runtime.RuntimeContainer;
import dev.kvx.kubelet.runtime.RuntimeLabels;
import dev.kvx.kubelet.runtime.RuntimeOperationException;
import dev.kvx.kubelet.runtime.RuntimeSandbox;
import dev.kvx.kubelet.runtime.SandboxConfig;
import dev.kvx.kubelet.volume.VolumeException;
import dev.kvx.kubelet.volume.VolumeManager;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodStatus;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The sync of one pod (the kubelet's SyncPod, SyncTerminatingPod and the removal of pods gone from
 * the API), driven by its {@link PodWorkers} worker. Level-triggered: each sync compares the pod
 * spec with what the runtime holds and acts on the difference:
 *
 * <ol>
 *   <li>volumes are set up (and refreshed once per resync period);
 *   <li>a missing or dead sandbox is (re)created — its containers are killed first;
 *   <li>init containers run one at a time, in order;
 *   <li>app containers start, and are restarted by the restart policy with CrashLoopBackOff, when a
 *       liveness or startup probe fails, or when their image changed;
 *   <li>old dead instances are removed (the newest and one previous stay, for {@code logs
 *       --previous});
 *   <li>the status is written when it changed.
 * </ol>
 *
 * A pod with a deletionTimestamp is killed gracefully, its final status written, then deleted with
 * grace period 0. A pod gone from the API (or never known: an orphan) has its containers removed.
 */
public final class PodSyncer implements PodWorkers.SyncHandler {
  private static final Logger LOG = LoggerFactory.getLogger(PodSyncer.class);
  private static final Duration STARTING_RECHECK = Duration.ofSeconds(1);
  private static final Duration RETRY = Duration.ofSeconds(2);
  private static final int TERMINATION_MESSAGE_MAX = 4096;

  /** What a syncer works with (one node). */
  public record Deps(
      ContainerRuntime runtime,
      String runtimeName,
      PodManager pods,
      PodStatusManager statusManager,
      VolumeManager volumes,
      ImageManager images,
      ContainerConfigFactory configs,
      ProbeManager probes,
      HandlerRunner handlers,
      PodKiller killer,
      EventRecorder events,
      BackOff crashLoopBackOff,
      Clock clock,
      PodContext context,
      KubeletMetrics metrics,
      Duration resyncPeriod,
      Consumer<String> forget) {}

  private final Deps d;
  private final PodStatusBuilder statusBuilder;
  private final Map<String, PodState> states = new ConcurrentHashMap<>();

  public PodSyncer(Deps deps) {
    this.d = deps;
    this.statusBuilder = new PodStatusBuilder(deps.runtimeName());
  }

  @Override
  public Duration sync(String uid) throws Exception {
    long start = System.nanoTime();
    String operation = "sync";
    try {
      PodState st = states.computeIfAbsent(uid, PodState::new);
      Pod pod = d.pods().get(uid);
      if (pod == null) {
        operation = "kill";
        syncRemoved(uid, st);
        return null;
      }
      st.lastKnown = pod;
      if (pod.getMetadata().getDeletionTimestamp() != null) {
        operation = "kill";
        syncTerminating(pod, st);
        return null;
      }
      if (PodSpecs.isTerminal(pod)) {
        syncTerminal(pod, st);
        return null;
      }
      operation = st.firstSeen == null ? "create" : "update";
      return syncPod(pod, st);
    } finally {
      d.metrics().podWorker(operation, System.nanoTime() - start);
    }
  }

  // ---- removal, termination ----

  private void syncRemoved(String uid, PodState st) {
    RuntimePod rp = RuntimePod.of(d.runtime(), uid);
    if (!rp.isEmpty()) {
      Pod last = st.lastKnown;
      long grace =
          last == null ? PodKiller.MIN_GRACE_SECONDS : PodSpecs.deletionGracePeriodSeconds(last);
      d.killer().killPod(last, rp, grace);
      for (RuntimeContainer c : rp.containers()) {
        d.runtime().removeContainer(c.id());
      }
      for (RuntimeSandbox s : rp.sandboxes()) {
        d.runtime().removeSandbox(s.id());
      }
      if (last == null) {
        LOG.info("Removed the containers of orphaned pod {}", uid);
      }
    }
    if (d.probes() != null) {
      d.probes().remove(uid);
    }
    if (d.volumes() != null) {
      d.volumes().cleanUp(uid);
    }
    d.crashLoopBackOff().resetPrefix(uid + "/");
    states.remove(uid);
    d.forget().accept(uid);
  }

  private void syncTerminating(Pod pod, PodState st) throws Exception {
    String uid = PodSpecs.uid(pod);
    if (d.probes() != null) {
      d.probes().remove(uid);
    }
    RuntimePod rp = RuntimePod.of(d.runtime(), uid);
    d.killer().killPod(pod, rp, PodSpecs.deletionGracePeriodSeconds(pod));
    st.waiting.clear();
    rp = RuntimePod.of(d.runtime(), uid);
    if (!PodSpecs.isTerminal(pod)) {
      PodStatus status = buildStatus(pod, rp, st, true);
      st.lastSentStatus = d.statusManager().update(pod, status, st.lastSentStatus);
    }
    d.statusManager().deleteFinally(pod);
  }

  private void syncTerminal(Pod pod, PodState st) {
    if (st.terminalCleanupDone) {
      return;
    }
    String uid = PodSpecs.uid(pod);
    if (d.probes() != null) {
      d.probes().remove(uid);
    }
    RuntimePod rp = RuntimePod.of(d.runtime(), uid);
    d.killer().killPod(pod, rp, PodSpecs.terminationGracePeriodSeconds(pod));
    st.terminalCleanupDone = true;
  }

  // ---- the running pod ----

  private Duration syncPod(Pod pod, PodState st) throws Exception {
    String uid = PodSpecs.uid(pod);
    Instant now = d.clock().now();
    if (st.firstSeen == null) {
      st.firstSeen = now;
    }
    Requeue requeue = new Requeue(d.resyncPeriod());
    RuntimePod rp = RuntimePod.of(d.runtime(), uid);

    if (deadlineExceeded(pod, now)) {
      d.killer().killPod(pod, rp, PodSpecs.terminationGracePeriodSeconds(pod));
      rp = RuntimePod.of(d.runtime(), uid);
      PodStatus status = buildStatus(pod, rp, st, true);
      status.setPhase("Failed");
      status.setReason("DeadlineExceeded");
      status.setMessage("Pod was active on the node longer than the specified deadline");
      d.events().event(pod, null, EventRecorder.NORMAL, "DeadlineExceeded", status.getMessage());
      st.lastSentStatus = d.statusManager().update(pod, status, st.lastSentStatus);
      return null;
    }

    // 1. volumes
    if (d.volumes() != null
        && (st.volumesSetUpAt == null || !now.isBefore(st.volumesSetUpAt.plus(d.resyncPeriod())))) {
      try {
        st.volumePaths =
            d.volumes()
                .setUp(pod, rp.readySandbox().map(RuntimeSandbox::ip).orElse(null), d.context());
        st.volumesSetUpAt = now;
      } catch (VolumeException e) {
        d.events().event(pod, null, EventRecorder.WARNING, "FailedMount", e.getMessage());
        if (st.volumesSetUpAt == null) {
          writeStatus(pod, rp, st);
          return RETRY;
        }
      }
    }

    // 2. the sandbox
    Optional<RuntimeSandbox> sandbox = rp.readySandbox();
    if (sandbox.isEmpty()) {
      if (!rp.sandboxes().isEmpty()) {
        d.events()
            .event(
                pod,
                null,
                EventRecorder.NORMAL,
                "SandboxChanged",
                "Pod sandbox changed, it will be killed and re-created.");
        d.killer().killPod(pod, rp, PodSpecs.terminationGracePeriodSeconds(pod));
      }
      int attempt = rp.sandboxes().isEmpty() ? 0 : rp.sandboxes().get(0).attempt() + 1;
      try {
        String id = d.runtime().createSandbox(sandboxConfig(pod, attempt));
        d.runtime().startSandbox(id);
      } catch (RuntimeOperationException e) {
        d.events()
            .event(
                pod,
                null,
                EventRecorder.WARNING,
                "FailedCreatePodSandBox",
                "Failed to create pod sandbox: " + e.getMessage());
        writeStatus(pod, rp, st);
        return RETRY;
      }
      rp = RuntimePod.of(d.runtime(), uid);
      for (RuntimeSandbox old :
          rp.sandboxes().subList(Math.min(1, rp.sandboxes().size()), rp.sandboxes().size())) {
        removeSandboxWithContainers(rp, old);
      }
      rp = RuntimePod.of(d.runtime(), uid);
      sandbox = rp.readySandbox();
      if (sandbox.isEmpty()) {
        writeStatus(pod, rp, st);
        return STARTING_RECHECK;
      }
    }
    RuntimeSandbox sb = sandbox.get();
    String podIp = PodSpecs.hostNetwork(pod) ? d.context().hostIp() : sb.ip();

    // 3. init containers, in order
    boolean initDone = true;
    for (Container c : PodSpecs.initContainers(pod)) {
      RuntimeContainer latest =
          rp.instances(c.getName()).stream()
              .filter(x -> sb.id().equals(x.sandboxId()))
              .findFirst()
              .orElse(null);
      if (latest == null) {
        start(pod, st, c, nextAttempt(rp, c.getName()), true, sb, podIp, requeue);
        initDone = false;
        break;
      }
      if (latest.state() == ContainerState.EXITED
          && latest.exitCode() != null
          && latest.exitCode() == 0) {
        continue;
      }
      initDone = false;
      if (latest.state() == ContainerState.EXITED) {
        if (!PodSpecs.NEVER.equals(PodSpecs.restartPolicy(pod))) {
          restartWithBackOff(pod, st, c, latest, true, sb, podIp, requeue);
        }
      } else {
        handleNotExited(pod, st, c, latest, true, sb, podIp, requeue);
      }
      break;
    }

    // 4. app containers
    if (initDone) {
      for (Container c : PodSpecs.containers(pod)) {
        RuntimeContainer latest = rp.latest(c.getName()).orElse(null);
        if (latest == null) {
          start(pod, st, c, 0, false, sb, podIp, requeue);
          continue;
        }
        if (!sb.id().equals(latest.sandboxId())) {
          // an instance of an earlier sandbox: start one in the current sandbox
          if (latest.state() != ContainerState.EXITED || shouldRestart(pod, latest)) {
            start(pod, st, c, latest.attempt() + 1, false, sb, podIp, requeue);
          }
          continue;
        }
        if (latest.state() == ContainerState.RUNNING) {
          latest = checkRunning(pod, st, c, latest, podIp);
        }
        if (latest.state() == ContainerState.EXITED) {
          if (shouldRestart(pod, latest)) {
            restartWithBackOff(pod, st, c, latest, false, sb, podIp, requeue);
          } else {
            st.waiting.remove(c.getName());
          }
        } else if (latest.state() != ContainerState.RUNNING) {
          handleNotExited(pod, st, c, latest, false, sb, podIp, requeue);
        }
      }
    }

    // 5. remove old dead instances, keep the newest and one previous of each container
    rp = RuntimePod.of(d.runtime(), uid);
    garbageCollect(pod, rp);

    // 6. probes and status
    rp = RuntimePod.of(d.runtime(), uid);
    if (d.probes() != null) {
      d.probes()
          .sync(
              pod,
              podIp,
              rp.running().stream().filter(c -> sb.id().equals(c.sandboxId())).toList());
    }
    if (rp.containers().stream().anyMatch(c -> c.state() == ContainerState.CREATED)) {
      requeue.at(STARTING_RECHECK);
    }
    PodStatus status = writeStatus(pod, rp, st);
    if (status != null
        && ("Succeeded".equals(status.getPhase()) || "Failed".equals(status.getPhase()))) {
      // done: release the sandbox (the pod keeps its IP in the status), stop probing
      if (d.probes() != null) {
        d.probes().remove(uid);
      }
      d.killer().killPod(pod, rp, PodSpecs.terminationGracePeriodSeconds(pod));
      st.terminalCleanupDone = true;
      return null;
    }
    return requeue.delay;
  }

  /** Checks a running instance: image changed, liveness or startup failed → kill it. */
  private RuntimeContainer checkRunning(
      Pod pod, PodState st, Container c, RuntimeContainer latest, String podIp) {
    String reason = null;
    long grace = PodSpecs.terminationGracePeriodSeconds(pod);
    String hash = latest.labels().get(RuntimeLabels.CONTAINER_HASH);
    if (hash != null && !hash.equals(PodSpecs.hash(c))) {
      reason = "Container " + c.getName() + " definition changed, will be restarted";
    } else if (d.probes() != null) {
      ProbeManager.Kind failed = d.probes().failed(c, PodSpecs.uid(pod), latest.id());
      if (failed != null) {
        reason =
            "Container "
                + c.getName()
                + " failed "
                + failed.name().toLowerCase()
                + " probe, will be restarted";
        var probe =
            failed == ProbeManager.Kind.LIVENESS ? c.getLivenessProbe() : c.getStartupProbe();
        if (probe != null && probe.getTerminationGracePeriodSeconds() != null) {
          grace = probe.getTerminationGracePeriodSeconds();
        }
      }
    }
    if (reason == null) {
      st.waiting.remove(c.getName());
      return latest;
    }
    d.killer().killContainer(pod, latest, podIp, grace, reason);
    return d.runtime().containerStatus(latest.id()).orElse(latest);
  }

  /**
   * A CREATED instance is started (a start still in progress on the simulated runtime); an UNKNOWN
   * one replaced.
   */
  private void handleNotExited(
      Pod pod,
      PodState st,
      Container c,
      RuntimeContainer latest,
      boolean init,
      RuntimeSandbox sb,
      String podIp,
      Requeue requeue) {
    if (latest.state() == ContainerState.CREATED) {
      try {
        d.runtime().startContainer(latest.id());
      } catch (RuntimeOperationException e) {
        d.runtime().removeContainer(latest.id());
        st.waiting.put(c.getName(), new PodState.Waiting("RunContainerError", e.getMessage()));
      }
      requeue.at(STARTING_RECHECK);
    } else if (latest.state() == ContainerState.UNKNOWN) {
      d.killer().killContainer(pod, latest, podIp, PodKiller.MIN_GRACE_SECONDS, null);
      start(pod, st, c, latest.attempt() + 1, init, sb, podIp, requeue);
    }
  }

  private boolean shouldRestart(Pod pod, RuntimeContainer exited) {
    String policy = PodSpecs.restartPolicy(pod);
    if (PodSpecs.NEVER.equals(policy)) {
      return false;
    }
    if (PodSpecs.ON_FAILURE.equals(policy)) {
      return exited.exitCode() == null || exited.exitCode() != 0;
    }
    return true;
  }

  /** Restarts an exited instance unless its CrashLoopBackOff is still running. */
  private void restartWithBackOff(
      Pod pod,
      PodState st,
      Container c,
      RuntimeContainer latest,
      boolean init,
      RuntimeSandbox sb,
      String podIp,
      Requeue requeue) {
    String key = PodSpecs.uid(pod) + "/" + c.getName();
    Instant finished = latest.finishedAt() != null ? latest.finishedAt() : d.clock().now();
    if (d.crashLoopBackOff().isInBackOffSince(key, finished)) {
      String message =
          "back-off "
              + goDuration(d.crashLoopBackOff().get(key))
              + " restarting failed container="
              + c.getName()
              + " pod="
              + PodSpecs.describe(pod);
      PodState.Waiting previous =
          st.waiting.put(c.getName(), new PodState.Waiting("CrashLoopBackOff", message));
      if (previous == null || !"CrashLoopBackOff".equals(previous.reason())) {
        d.events()
            .event(
                pod,
                EventRecorder.containerField(pod, c.getName()),
                EventRecorder.WARNING,
                "BackOff",
                "Back-off restarting failed container "
                    + c.getName()
                    + " in pod "
                    + PodSpecs.describe(pod));
      }
      requeue.at(d.crashLoopBackOff().remaining(key, finished).plusMillis(50));
      return;
    }
    d.crashLoopBackOff().next(key, finished);
    start(pod, st, c, latest.attempt() + 1, init, sb, podIp, requeue);
  }

  /** Pulls, creates and starts one container instance; a failure becomes its waiting reason. */
  private void start(
      Pod pod,
      PodState st,
      Container c,
      int attempt,
      boolean init,
      RuntimeSandbox sb,
      String podIp,
      Requeue requeue) {
    String field = EventRecorder.containerField(pod, c.getName());
    String id = null;
    try {
      st.pulling = st.pulling.plus(d.images().ensure(pod, c));
      Path messageFile = null;
      if (d.volumes() != null) {
        try {
          messageFile = d.volumes().terminationMessageFile(PodSpecs.uid(pod), c.getName(), attempt);
        } catch (IOException e) {
          throw new ContainerStartException(
              "CreateContainerConfigError",
              "cannot create the termination message file: " + e.getMessage(),
              e);
        }
      }
      ContainerConfig config =
          d.configs()
              .build(
                  pod,
                  c,
                  attempt,
                  init,
                  d.volumes() == null ? null : st.volumePaths,
                  messageFile,
                  podIp,
                  d.context());
      try {
        id = d.runtime().createContainer(sb.id(), config);
      } catch (RuntimeOperationException e) {
        throw new ContainerStartException("CreateContainerError", e.getMessage(), e);
      }
      d.events()
          .event(pod, field, EventRecorder.NORMAL, "Created", "Created container " + c.getName());
      try {
        d.runtime().startContainer(id);
      } catch (RuntimeOperationException e) {
        d.runtime().removeContainer(id);
        throw new ContainerStartException("RunContainerError", e.getMessage(), e);
      }
      d.events()
          .event(pod, field, EventRecorder.NORMAL, "Started", "Started container " + c.getName());
      if (d.handlers() != null
          && c.getLifecycle() != null
          && c.getLifecycle().getPostStart() != null) {
        HandlerRunner.Outcome outcome =
            d.handlers()
                .hook(
                    c.getLifecycle().getPostStart(),
                    podIp,
                    c,
                    id,
                    Duration.ofSeconds(PodSpecs.terminationGracePeriodSeconds(pod)));
        if (!outcome.success()) {
          d.events()
              .event(pod, field, EventRecorder.WARNING, "FailedPostStartHook", outcome.message());
          RuntimeContainer rc = d.runtime().containerStatus(id).orElse(null);
          if (rc != null) {
            d.killer()
                .killContainer(
                    pod,
                    rc,
                    podIp,
                    PodSpecs.terminationGracePeriodSeconds(pod),
                    "FailedPostStartHook");
          }
          throw new ContainerStartException("PostStartHookError", outcome.message());
        }
      }
      st.waiting.remove(c.getName());
    } catch (ContainerStartException e) {
      st.waiting.put(c.getName(), new PodState.Waiting(e.reason(), e.getMessage()));
      if (!"ImagePullBackOff".equals(e.reason())
          && !"ErrImagePull".equals(e.reason())
          && !"ErrImageNeverPull".equals(e.reason())) {
        d.events().event(pod, field, EventRecorder.WARNING, "Failed", "Error: " + e.getMessage());
      }
      requeue.at(RETRY);
    }
  }

  private static int nextAttempt(RuntimePod rp, String name) {
    return rp.latest(name).map(c -> c.attempt() + 1).orElse(0);
  }

  private SandboxConfig sandboxConfig(Pod pod, int attempt) {
    List<SandboxConfig.PortMapping> ports = new ArrayList<>();
    for (Container c : PodSpecs.allContainers(pod)) {
      if (c.getPorts() == null) {
        continue;
      }
      for (ContainerPort p : c.getPorts()) {
        if (p.getHostPort() != null && p.getHostPort() > 0) {
          ports.add(
              new SandboxConfig.PortMapping(
                  p.getContainerPort(), p.getHostPort(), p.getProtocol(), p.getHostIP()));
        }
      }
    }
    return new SandboxConfig(
        new PodRef(
            PodSpecs.uid(pod), pod.getMetadata().getNamespace(), pod.getMetadata().getName()),
        attempt,
        PodSpecs.hostname(pod),
        PodSpecs.hostNetwork(pod),
        ports,
        PodSpecs.restartPolicy(pod),
        Map.of());
  }

  private void removeSandboxWithContainers(RuntimePod rp, RuntimeSandbox old) {
    Set<String> keep = new HashSet<>();
    for (RuntimeContainer c : rp.containers()) {
      if (keep.stream().filter(k -> k.startsWith(c.name() + "/")).count() < 2) {
        keep.add(c.name() + "/" + c.id());
      }
    }
    for (RuntimeContainer c : rp.containers()) {
      if (old.id().equals(c.sandboxId()) && !keep.contains(c.name() + "/" + c.id())) {
        d.runtime().removeContainer(c.id());
      }
    }
    boolean stillUsed =
        rp.containers().stream()
            .anyMatch(
                c -> old.id().equals(c.sandboxId()) && keep.contains(c.name() + "/" + c.id()));
    if (!stillUsed) {
      d.runtime().removeSandbox(old.id());
    }
  }

  /** Keeps the newest and one previous instance of each container; removes older dead ones. */
  private void garbageCollect(Pod pod, RuntimePod rp) {
    Set<String> names = new HashSet<>();
    rp.containers().forEach(c -> names.add(c.name()));
    for (String name : names) {
      List<RuntimeContainer> instances = rp.instances(name);
      for (int i = 2; i < instances.size(); i++) {
        if (instances.get(i).state() == ContainerState.EXITED) {
          d.runtime().removeContainer(instances.get(i).id());
        }
      }
    }
  }

  private boolean deadlineExceeded(Pod pod, Instant now) {
    Long deadline = pod.getSpec().getActiveDeadlineSeconds();
    Instant started =
        pod.getStatus() == null ? null : KubeTime.parse(pod.getStatus().getStartTime());
    return deadline != null && started != null && !now.isBefore(started.plusSeconds(deadline));
  }

  // ---- status ----

  private PodStatus buildStatus(Pod pod, RuntimePod rp, PodState st, boolean terminal) {
    PodStatusBuilder.Probes probes =
        d.probes() == null
            ? new PodStatusBuilder.Probes() {
              @Override
              public boolean ready(Container c, String uid, String containerId) {
                return true;
              }

              @Override
              public boolean started(Container c, String uid, String containerId) {
                return true;
              }
            }
            : new PodStatusBuilder.Probes() {
              @Override
              public boolean ready(Container c, String uid, String containerId) {
                return d.probes().ready(c, uid, containerId);
              }

              @Override
              public boolean started(Container c, String uid, String containerId) {
                return d.probes().started(c, uid, containerId);
              }
            };
    return statusBuilder.build(
        pod,
        rp,
        st.waiting,
        probes,
        d.context().hostIp(),
        terminal,
        PodSyncer::terminationMessage,
        d.clock().now());
  }

  private PodStatus writeStatus(Pod pod, RuntimePod rp, PodState st) {
    PodStatus status = buildStatus(pod, rp, st, false);
    recordStart(pod, st, status);
    Map<?, ?> sent = d.statusManager().update(pod, status, st.lastSentStatus);
    st.lastSentStatus = sent;
    return status;
  }

  private void recordStart(Pod pod, PodState st, PodStatus status) {
    if (st.startRecorded || !PodStatusBuilder.allRunning(status)) {
      return;
    }
    st.startRecorded = true;
    Instant now = d.clock().now();
    d.metrics().podStart(Duration.between(st.firstSeen, now));
    Instant created = KubeTime.parse(pod.getMetadata().getCreationTimestamp());
    if (created != null) {
      Duration sli = Duration.between(created, now).minus(st.pulling);
      d.metrics().podStartSli(sli.isNegative() ? Duration.ZERO : sli);
    }
  }

  /** The termination message an exited instance wrote to its file (at most 4 KiB). */
  static String terminationMessage(RuntimeContainer rc) {
    String file = rc.labels().get(RuntimeLabels.TERMINATION_MESSAGE_FILE);
    if (file == null || rc.state() != ContainerState.EXITED) {
      return null;
    }
    try (InputStream in = Files.newInputStream(Path.of(file))) {
      String message = new String(in.readNBytes(TERMINATION_MESSAGE_MAX), StandardCharsets.UTF_8);
      return message.isEmpty() ? null : message;
    } catch (IOException e) {
      return null;
    }
  }

  /**
   * Go's Duration format for whole seconds and minutes ({@code 10s}, {@code 2m40s}, {@code 5m0s}).
   */
  static String goDuration(Duration d) {
    long s = d.toSeconds();
    if (s < 60) {
      return s + "s";
    }
    return (s / 60) + "m" + (s % 60) + "s";
  }

  /** The earliest requested resync. */
  private static final class Requeue {
    Duration delay;

    Requeue(Duration initial) {
      this.delay = initial;
    }

    void at(Duration d) {
      if (delay == null || d.compareTo(delay) < 0) {
        delay = d;
      }
    }
  }
}
