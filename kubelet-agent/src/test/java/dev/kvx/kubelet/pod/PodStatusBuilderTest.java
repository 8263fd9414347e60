package dev.kvx.kubelet.pod;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kvx.kubelet.runtime.ContainerState;
import dev.kvx.kubelet.runtime.PodRef;
import dev.kvx.kubelet.runtime.RuntimeContainer;
import dev.kvx.kubelet.runtime.RuntimeSandbox;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.api.model.PodStatus;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class PodStatusBuilderTest {
  static final Instant NOW = Instant.parse("2026-01-01T10:00:00Z");
  static final PodRef REF = new PodRef("u1", "ns", "p");
  final PodStatusBuilder builder = new PodStatusBuilder("docker");

  static Pod pod(String restartPolicy, String... containers) {
    PodBuilder b =
        new PodBuilder()
            .withNewMetadata()
            .withName("p")
            .withNamespace("ns")
            .withUid("u1")
            .endMetadata()
            .withNewSpec()
            .withRestartPolicy(restartPolicy)
            .endSpec()
            .withNewStatus()
            .addNewCondition()
            .withType("PodScheduled")
            .withStatus("True")
            .withLastTransitionTime("2026-01-01T09:00:00Z")
            .endCondition()
            .endStatus();
    for (String c : containers) {
      b.editSpec().addNewContainer().withName(c).withImage("img").endContainer().endSpec();
    }
    return b.build();
  }

  static RuntimeContainer container(String name, int attempt, ContainerState state, Integer exit) {
    return new RuntimeContainer(
        "id-" + name + attempt,
        "sb",
        REF,
        name,
        attempt,
        state,
        NOW.minusSeconds(60 - attempt),
        NOW.minusSeconds(50 - attempt),
        state == ContainerState.EXITED ? NOW.minusSeconds(40 - attempt) : null,
        exit,
        exit == null ? null : exit == 0 ? "Completed" : "Error",
        null,
        "img",
        "docker://sha256:1",
        Map.of());
  }

  static RuntimePod runtime(RuntimeContainer... containers) {
    return new RuntimePod(
        List.of(new RuntimeSandbox("sb", REF, 0, true, "10.1.2.3", NOW)), List.of(containers));
  }

  static final PodStatusBuilder.Probes READY =
      new PodStatusBuilder.Probes() {
        @Override
        public boolean ready(Container c, String uid, String containerId) {
          return true;
        }

        @Override
        public boolean started(Container c, String uid, String containerId) {
          return true;
        }
      };

  PodStatus build(Pod pod, RuntimePod rp, Map<String, PodState.Waiting> waiting, boolean terminal) {
    return builder.build(pod, rp, waiting, READY, "192.0.2.1", terminal, rc -> null, NOW);
  }

  @ParameterizedTest(name = "{0}: {1} -> {2}")
  @CsvSource({
    "Always, running, Running",
    "Always, exit0, Running",
    "Never, exit0, Succeeded",
    "Never, exit1, Failed",
    "OnFailure, exit1, Running",
    "OnFailure, exit0, Succeeded",
    "Always, none, Pending",
  })
  void phaseFollowsUpstreamGetPhase(String policy, String state, String phase) {
    RuntimePod rp =
        switch (state) {
          case "running" -> runtime(container("c", 0, ContainerState.RUNNING, null));
          case "exit0" -> runtime(container("c", 0, ContainerState.EXITED, 0));
          case "exit1" -> runtime(container("c", 0, ContainerState.EXITED, 1));
          default -> runtime();
        };
    assertThat(build(pod(policy, "c"), rp, Map.of(), false).getPhase()).isEqualTo(phase);
  }

  @Test
  void aRunningPodIsReadyWithIpsConditionsAndContainerStatus() {
    PodStatus s =
        build(
            pod("Always", "c"),
            runtime(container("c", 0, ContainerState.RUNNING, null)),
            Map.of(),
            false);
    assertThat(s.getPhase()).isEqualTo("Running");
    assertThat(s.getPodIP()).isEqualTo("10.1.2.3");
    assertThat(s.getHostIP()).isEqualTo("192.0.2.1");
    assertThat(s.getQosClass()).isEqualTo("BestEffort");
    assertThat(s.getStartTime()).isEqualTo("2026-01-01T10:00:00Z");
    assertThat(s.getConditions())
        .extracting(PodCondition::getType)
        .containsExactly(
            "PodReadyToStartContainers", "Initialized", "Ready", "ContainersReady", "PodScheduled");
    assertThat(s.getConditions())
        .filteredOn(c -> !c.getType().equals("PodScheduled"))
        .allSatisfy(c -> assertThat(c.getStatus()).isEqualTo("True"));
    assertThat(s.getConditions().get(4).getLastTransitionTime()).isEqualTo("2026-01-01T09:00:00Z");
    ContainerStatus c = s.getContainerStatuses().get(0);
    assertThat(c.getContainerID()).isEqualTo("docker://id-c0");
    assertThat(c.getReady()).isTrue();
    assertThat(c.getStarted()).isTrue();
    assertThat(c.getState().getRunning().getStartedAt()).isEqualTo("2026-01-01T09:59:10Z");
  }

  @Test
  void aCrashLoopShowsWaitingWithTheLastTermination() {
    PodStatus s =
        build(
            pod("Always", "c"),
            runtime(
                container("c", 3, ContainerState.EXITED, 2),
                container("c", 2, ContainerState.EXITED, 2)),
            Map.of(
                "c",
                new PodState.Waiting(
                    "CrashLoopBackOff", "back-off 40s restarting failed container=c pod=p_ns(u1)")),
            false);
    ContainerStatus c = s.getContainerStatuses().get(0);
    assertThat(c.getState().getWaiting().getReason()).isEqualTo("CrashLoopBackOff");
    assertThat(c.getLastState().getTerminated().getExitCode()).isEqualTo(2);
    assertThat(c.getLastState().getTerminated().getContainerID()).isEqualTo("docker://id-c3");
    assertThat(c.getRestartCount()).isEqualTo(3);
    assertThat(s.getPhase()).isEqualTo("Running");
    List<String> notReady = new ArrayList<>();
    s.getConditions().stream()
        .filter(x -> x.getType().equals("ContainersReady"))
        .forEach(x -> notReady.add(x.getMessage()));
    assertThat(notReady).containsExactly("containers with unready status: [c]");
  }

  @Test
  void pendingInitContainersKeepThePodPendingAndNotInitialized() {
    Pod pod =
        new PodBuilder(pod("Always", "app"))
            .editSpec()
            .addNewInitContainer()
            .withName("init")
            .withImage("img")
            .endInitContainer()
            .endSpec()
            .build();
    PodStatus s =
        build(pod, runtime(container("init", 0, ContainerState.RUNNING, null)), Map.of(), false);
    assertThat(s.getPhase()).isEqualTo("Pending");
    assertThat(s.getContainerStatuses().get(0).getState().getWaiting().getReason())
        .isEqualTo("PodInitializing");
    assertThat(s.getConditions())
        .anySatisfy(
            c -> {
              assertThat(c.getType()).isEqualTo("Initialized");
              assertThat(c.getStatus()).isEqualTo("False");
              assertThat(c.getReason()).isEqualTo("ContainersNotInitialized");
              assertThat(c.getMessage()).isEqualTo("containers with incomplete status: [init]");
            });
  }

  @Test
  void aDeletedPodWhoseContainersStoppedIsTerminal() {
    PodStatus s =
        build(
            pod("Always", "c"),
            runtime(container("c", 0, ContainerState.EXITED, 137)),
            Map.of(),
            true);
    assertThat(s.getPhase()).isEqualTo("Failed");
    PodStatus ok =
        build(
            pod("Always", "c"),
            runtime(container("c", 0, ContainerState.EXITED, 0)),
            Map.of(),
            true);
    assertThat(ok.getPhase()).isEqualTo("Succeeded");
  }
}
