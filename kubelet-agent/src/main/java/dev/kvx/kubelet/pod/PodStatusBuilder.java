package dev.kvx.kubelet.pod;

import dev.kvx.kubelet.KubeTime;
import dev.kvx.kubelet.runtime.ContainerState;
import dev.kvx.kubelet.runtime.RuntimeContainer;
import dev.kvx.kubelet.runtime.RuntimeSandbox;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerStateBuilder;
import io.fabric8.kubernetes.api.model.ContainerStateTerminated;
import io.fabric8.kubernetes.api.model.ContainerStateTerminatedBuilder;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.api.model.HostIP;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.api.model.PodConditionBuilder;
import io.fabric8.kubernetes.api.model.PodIP;
import io.fabric8.kubernetes.api.model.PodReadinessGate;
import io.fabric8.kubernetes.api.model.PodStatus;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * Builds the pod status the agent reports from what the runtime shows (the kubelet's
 * generateAPIPodStatus and getPhase): container statuses with state, last state, restart count and
 * readiness; the phase; the conditions PodReadyToStartContainers, Initialized, Ready and
 * ContainersReady (PodScheduled and conditions of other owners are kept); pod and host IPs, start
 * time and QoS class. Pure: everything it needs is passed in.
 */
public final class PodStatusBuilder {
  /** How the agent sees a container instance's probes. */
  public interface Probes {
    boolean ready(Container c, String uid, String containerId);

    boolean started(Container c, String uid, String containerId);
  }

  private final String runtimeName;

  /** {@code runtimeName} prefixes container IDs ({@code docker://…}). */
  public PodStatusBuilder(String runtimeName) {
    this.runtimeName = runtimeName;
  }

  /**
   * The status of {@code pod}.
   *
   * @param waiting why containers that should run do not (start failures, back-offs)
   * @param terminal the pod is done (deleted, or its containers will not run again): its phase is
   *     then Succeeded or Failed
   * @param terminationMessage reads an exited instance's termination message (may return null)
   */
  public PodStatus build(
      Pod pod,
      RuntimePod runtime,
      Map<String, PodState.Waiting> waiting,
      Probes probes,
      String hostIp,
      boolean terminal,
      Function<RuntimeContainer, String> terminationMessage,
      Instant now) {
    PodStatus previous = pod.getStatus() == null ? new PodStatus() : pod.getStatus();
    String uid = PodSpecs.uid(pod);
    boolean initsPending = false;
    List<ContainerStatus> initStatuses = new ArrayList<>();
    for (Container c : PodSpecs.initContainers(pod)) {
      ContainerStatus s =
          containerStatus(
              pod, c, runtime, waiting, probes, true, "PodInitializing", terminationMessage);
      initStatuses.add(s);
      if (s.getState().getTerminated() == null || s.getState().getTerminated().getExitCode() != 0) {
        initsPending = true;
      }
    }
    String defaultWaiting =
        initsPending && !PodSpecs.initContainers(pod).isEmpty()
            ? "PodInitializing"
            : "ContainerCreating";
    List<ContainerStatus> statuses = new ArrayList<>();
    for (Container c : PodSpecs.containers(pod)) {
      statuses.add(
          containerStatus(
              pod, c, runtime, waiting, probes, false, defaultWaiting, terminationMessage));
    }

    String phase = phase(pod, initStatuses, statuses, terminal);
    if (PodSpecs.isTerminal(pod)) {
      phase = previous.getPhase(); // a terminal phase never changes
    }
    boolean done = "Succeeded".equals(phase) || "Failed".equals(phase);

    Optional<RuntimeSandbox> sandbox = runtime.readySandbox();
    String podIp =
        PodSpecs.hostNetwork(pod) ? hostIp : sandbox.map(RuntimeSandbox::ip).orElse(null);
    if (podIp == null) {
      podIp = previous.getPodIP(); // a pod keeps its IP in its status once it had one
    }

    List<PodCondition> prevConditions =
        previous.getConditions() == null ? List.of() : previous.getConditions();
    List<PodCondition> conditions = new ArrayList<>();
    conditions.add(
        condition(
            prevConditions,
            "PodReadyToStartContainers",
            sandbox.isPresent() && !done,
            null,
            null,
            now));
    List<String> incomplete = new ArrayList<>();
    for (ContainerStatus s : initStatuses) {
      if (s.getState().getTerminated() == null || s.getState().getTerminated().getExitCode() != 0) {
        incomplete.add(s.getName());
      }
    }
    boolean initialized =
        incomplete.isEmpty() || wasTrue(prevConditions, "Initialized") && !"Pending".equals(phase);
    conditions.add(
        condition(
            prevConditions,
            "Initialized",
            initialized,
            initialized ? null : "ContainersNotInitialized",
            initialized
                ? null
                : "containers with incomplete status: [" + String.join(" ", incomplete) + "]",
            now));
    List<String> unready = new ArrayList<>();
    for (ContainerStatus s : statuses) {
      if (!Boolean.TRUE.equals(s.getReady())) {
        unready.add(s.getName());
      }
    }
    boolean containersReady = unready.isEmpty() && !done;
    String notReadyReason = "Succeeded".equals(phase) ? "PodCompleted" : "ContainersNotReady";
    String notReadyMessage =
        "Succeeded".equals(phase)
            ? null
            : "containers with unready status: [" + String.join(" ", unready) + "]";
    String gateProblem = readinessGateProblem(pod, prevConditions);
    boolean ready = containersReady && gateProblem == null;
    conditions.add(
        condition(
            prevConditions,
            "Ready",
            ready,
            ready ? null : containersReady ? "ReadinessGatesNotReady" : notReadyReason,
            ready ? null : containersReady ? gateProblem : notReadyMessage,
            now));
    conditions.add(
        condition(
            prevConditions,
            "ContainersReady",
            containersReady,
            containersReady ? null : notReadyReason,
            containersReady ? null : notReadyMessage,
            now));
    for (PodCondition c : prevConditions) {
      if (!List.of("PodReadyToStartContainers", "Initialized", "Ready", "ContainersReady")
          .contains(c.getType())) {
        conditions.add(c); // PodScheduled, DisruptionTarget, readiness gates: not ours
      }
    }

    PodStatus status = new PodStatus();
    status.setPhase(phase);
    status.setConditions(conditions);
    status.setHostIP(hostIp);
    status.setHostIPs(List.of(new HostIP(hostIp)));
    if (podIp != null) {
      status.setPodIP(podIp);
      status.setPodIPs(List.of(new PodIP(podIp)));
    }
    status.setStartTime(
        previous.getStartTime() != null ? previous.getStartTime() : KubeTime.format(now));
    status.setQosClass(QosClasses.of(pod));
    status.setContainerStatuses(statuses);
    if (!initStatuses.isEmpty()) {
      status.setInitContainerStatuses(initStatuses);
    }
    status.setNominatedNodeName(previous.getNominatedNodeName());
    status.setReason(previous.getReason());
    status.setMessage(previous.getMessage());
    return status;
  }

  private ContainerStatus containerStatus(
      Pod pod,
      Container c,
      RuntimePod runtime,
      Map<String, PodState.Waiting> waiting,
      Probes probes,
      boolean init,
      String defaultWaiting,
      Function<RuntimeContainer, String> terminationMessage) {
    List<RuntimeContainer> instances = runtime.instances(c.getName());
    RuntimeContainer latest = instances.isEmpty() ? null : instances.get(0);
    PodState.Waiting why = waiting.get(c.getName());
    ContainerStatusBuilder b =
        new ContainerStatusBuilder()
            .withName(c.getName())
            .withImage(c.getImage())
            .withImageID(latest == null ? "" : latest.imageRef())
            .withRestartCount(latest == null ? 0 : latest.attempt())
            .withReady(false)
            .withStarted(false);
    if (latest == null) {
      String reason = why != null ? why.reason() : defaultWaiting;
      b.withState(
          new ContainerStateBuilder()
              .withNewWaiting()
              .withReason(reason)
              .withMessage(why == null ? null : why.message())
              .endWaiting()
              .build());
      return b.build();
    }
    RuntimeContainer previous = instances.size() > 1 ? instances.get(1) : null;
    String uid = PodSpecs.uid(pod);
    switch (latest.state()) {
      case RUNNING -> {
        b.withContainerID(latest.containerId(runtimeName));
        b.withState(
            new ContainerStateBuilder()
                .withNewRunning()
                .withStartedAt(KubeTime.format(latest.startedAt()))
                .endRunning()
                .build());
        boolean started = init || probes.started(c, uid, latest.id());
        b.withStarted(started);
        b.withReady(!init && started && probes.ready(c, uid, latest.id()));
        if (previous != null && previous.state() == ContainerState.EXITED) {
          b.withLastState(
              new ContainerStateBuilder()
                  .withTerminated(terminated(previous, terminationMessage))
                  .build());
        }
      }
      case EXITED -> {
        if (why != null) {
          // exited and to be restarted: waiting, with the exit as its last state
          b.withState(
              new ContainerStateBuilder()
                  .withNewWaiting()
                  .withReason(why.reason())
                  .withMessage(why.message())
                  .endWaiting()
                  .build());
          b.withLastState(
              new ContainerStateBuilder()
                  .withTerminated(terminated(latest, terminationMessage))
                  .build());
        } else {
          b.withContainerID(latest.containerId(runtimeName));
          b.withState(
              new ContainerStateBuilder()
                  .withTerminated(terminated(latest, terminationMessage))
                  .build());
          b.withReady(init && latest.exitCode() != null && latest.exitCode() == 0);
          if (previous != null && previous.state() == ContainerState.EXITED) {
            b.withLastState(
                new ContainerStateBuilder()
                    .withTerminated(terminated(previous, terminationMessage))
                    .build());
          }
        }
      }
      default -> {
        String reason = why != null ? why.reason() : "ContainerCreating";
        b.withState(
            new ContainerStateBuilder()
                .withNewWaiting()
                .withReason(reason)
                .withMessage(why == null ? null : why.message())
                .endWaiting()
                .build());
        if (previous != null && previous.state() == ContainerState.EXITED) {
          b.withLastState(
              new ContainerStateBuilder()
                  .withTerminated(terminated(previous, terminationMessage))
                  .build());
        }
      }
    }
    return b.build();
  }

  private ContainerStateTerminated terminated(
      RuntimeContainer rc, Function<RuntimeContainer, String> terminationMessage) {
    String message = terminationMessage.apply(rc);
    return new ContainerStateTerminatedBuilder()
        .withExitCode(rc.exitCode() == null ? 0 : rc.exitCode())
        .withReason(rc.reason())
        .withMessage(message == null || message.isEmpty() ? rc.message() : message)
        .withStartedAt(KubeTime.format(rc.startedAt()))
        .withFinishedAt(KubeTime.format(rc.finishedAt()))
        .withContainerID(rc.containerId(runtimeName))
        .build();
  }

  /** Upstream's getPhase (pkg/kubelet/kubelet_pods.go), without sidecar containers. */
  static String phase(
      Pod pod, List<ContainerStatus> init, List<ContainerStatus> app, boolean terminal) {
    int pendingInit = 0;
    int failedInit = 0;
    for (ContainerStatus s : init) {
      var st = s.getState();
      if (st.getRunning() != null) {
        pendingInit++;
      } else if (st.getTerminated() != null) {
        if (st.getTerminated().getExitCode() != 0) {
          failedInit++;
        }
      } else if (st.getWaiting() != null) {
        if (s.getLastState() != null && s.getLastState().getTerminated() != null) {
          if (s.getLastState().getTerminated().getExitCode() != 0) {
            failedInit++;
          }
        } else {
          pendingInit++;
        }
      } else {
        pendingInit++;
      }
    }
    int unknown = 0;
    int running = 0;
    int waiting = 0;
    int stopped = 0;
    int succeeded = 0;
    for (ContainerStatus s : app) {
      var st = s.getState();
      if (st.getRunning() != null) {
        running++;
      } else if (st.getTerminated() != null) {
        stopped++;
        if (st.getTerminated().getExitCode() == 0) {
          succeeded++;
        }
      } else if (st.getWaiting() != null) {
        if (s.getLastState() != null && s.getLastState().getTerminated() != null) {
          stopped++;
        } else {
          waiting++;
        }
      } else {
        unknown++;
      }
    }
    String policy = PodSpecs.restartPolicy(pod);
    if (failedInit > 0 && PodSpecs.NEVER.equals(policy)) {
      return "Failed";
    }
    boolean anyStarted = running + stopped > 0;
    if ((pendingInit > 0 && !anyStarted) || waiting > 0) {
      return "Pending";
    }
    if (running > 0 && unknown == 0) {
      return "Running";
    }
    if (running == 0 && stopped > 0 && unknown == 0) {
      if (terminal) {
        return stopped == succeeded ? "Succeeded" : "Failed";
      }
      if (PodSpecs.ALWAYS.equals(policy)) {
        return "Running";
      }
      if (stopped == succeeded) {
        return "Succeeded";
      }
      if (PodSpecs.NEVER.equals(policy)) {
        return "Failed";
      }
      return "Running";
    }
    return "Pending";
  }

  private static String readinessGateProblem(Pod pod, List<PodCondition> conditions) {
    List<PodReadinessGate> gates = pod.getSpec().getReadinessGates();
    if (gates == null) {
      return null;
    }
    for (PodReadinessGate g : gates) {
      Optional<PodCondition> c =
          conditions.stream().filter(x -> g.getConditionType().equals(x.getType())).findFirst();
      if (c.isEmpty()) {
        return "corresponding condition of pod readiness gate \""
            + g.getConditionType()
            + "\" does not exist.";
      }
      if (!"True".equals(c.get().getStatus())) {
        return "the status of pod readiness gate \""
            + g.getConditionType()
            + "\" is not \"True\", but "
            + c.get().getStatus();
      }
    }
    return null;
  }

  private static boolean wasTrue(List<PodCondition> conditions, String type) {
    return conditions.stream()
        .anyMatch(c -> type.equals(c.getType()) && "True".equals(c.getStatus()));
  }

  private static PodCondition condition(
      List<PodCondition> previous,
      String type,
      boolean isTrue,
      String reason,
      String message,
      Instant now) {
    String status = isTrue ? "True" : "False";
    String transition =
        previous.stream()
            .filter(
                c ->
                    type.equals(c.getType())
                        && status.equals(c.getStatus())
                        && c.getLastTransitionTime() != null)
            .map(PodCondition::getLastTransitionTime)
            .findFirst()
            .orElse(KubeTime.format(now));
    return new PodConditionBuilder()
        .withType(type)
        .withStatus(status)
        .withReason(reason)
        .withMessage(message)
        .withLastTransitionTime(transition)
        .build();
  }

  /** Whether every regular container of {@code status} runs and is ready (for metrics). */
  static boolean allRunning(PodStatus status) {
    return status.getContainerStatuses() != null
        && !status.getContainerStatuses().isEmpty()
        && status.getContainerStatuses().stream()
            .allMatch(s -> s.getState() != null && s.getState().getRunning() != null);
  }
}
