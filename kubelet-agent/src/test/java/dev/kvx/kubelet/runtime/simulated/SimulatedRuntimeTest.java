package dev.kvx.kubelet.runtime.simulated;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kvx.component.clock.FakeClock;
import dev.kvx.kubelet.runtime.AttachConfig;
import dev.kvx.kubelet.runtime.ContainerConfig;
import dev.kvx.kubelet.runtime.ContainerState;
import dev.kvx.kubelet.runtime.PodRef;
import dev.kvx.kubelet.runtime.RuntimeContainer;
import dev.kvx.kubelet.runtime.RuntimeLabels;
import dev.kvx.kubelet.runtime.SandboxConfig;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SimulatedRuntimeTest {
  final FakeClock clock = new FakeClock();
  final SimulatedRuntime runtime =
      new SimulatedRuntime(
          "n1", new PodIpRange("10.244.3.0/24"), clock, Duration.ofSeconds(1), Duration.ofSeconds(5));
  final PodRef pod = new PodRef("uid-1", "default", "p");

  private String sandbox(String restartPolicy) {
    String id =
        runtime.createSandbox(
            new SandboxConfig(pod, 0, "p", false, List.of(), restartPolicy, Map.of()));
    runtime.startSandbox(id);
    return id;
  }

  private String start(String sandbox, String name, boolean init) {
    String id =
        runtime.createContainer(
            sandbox,
            new ContainerConfig(
                pod, name, 0, "img", null, null, null, null, null, null, null, false, false, false,
                init, Map.of()));
    runtime.startContainer(id);
    return id;
  }

  private ContainerState state(String id) {
    return runtime.containerStatus(id).orElseThrow().state();
  }

  @Test
  void sandboxesGetIpsFromTheNodeRange() {
    String a = sandbox("Always");
    String b = sandbox("Always");
    assertThat(runtime.sandboxStatus(a).orElseThrow().ip()).isEqualTo("10.244.3.2");
    assertThat(runtime.sandboxStatus(b).orElseThrow().ip()).isEqualTo("10.244.3.3");
    runtime.removeSandbox(a);
    assertThat(runtime.sandboxStatus(sandbox("Always")).orElseThrow().ip()).isEqualTo("10.244.3.2");
  }

  @Test
  void withoutAPodCidrSandboxesFailAsNetworkNotReadyUntilOneArrives() {
    SimulatedRuntime waiting =
        new SimulatedRuntime("n2", clock, Duration.ofSeconds(1), Duration.ofSeconds(5));
    SandboxConfig config = new SandboxConfig(pod, 0, "p", false, List.of(), "Always", Map.of());

    assertThat(waiting.podCidr()).isNull();
    assertThatThrownBy(() -> waiting.createSandbox(config))
        .isInstanceOf(dev.kvx.kubelet.runtime.RuntimeOperationException.class)
        .hasMessageStartingWith("network is not ready: ")
        .hasMessageContaining("NetworkPluginNotReady")
        .hasMessageContaining("node n2 has no pod CIDR yet");
    assertThat(waiting.listSandboxes(Map.of())).isEmpty();
    // A host-network pod needs no pod IP, as upstream's kubelet lets it run.
    String host =
        waiting.createSandbox(new SandboxConfig(pod, 0, "p", true, List.of(), "Always", Map.of()));
    waiting.startSandbox(host);
    assertThat(waiting.sandboxStatus(host).orElseThrow().ip()).isNull();

    assertThat(waiting.updatePodCidr("10.244.9.0/24")).isTrue();
    assertThat(waiting.updatePodCidr("10.244.9.0/24")).isFalse();
    String id = waiting.createSandbox(config);
    waiting.startSandbox(id);
    assertThat(waiting.sandboxStatus(id).orElseThrow().ip()).isEqualTo("10.244.9.2");
    assertThat(waiting.podCidr()).isEqualTo("10.244.9.0/24");

    // A new CIDR serves new sandboxes; the running one keeps its IP and gives it back to its range.
    assertThat(waiting.updatePodCidr("10.244.10.0/24")).isTrue();
    String next = waiting.createSandbox(config);
    waiting.startSandbox(next);
    assertThat(waiting.sandboxStatus(next).orElseThrow().ip()).isEqualTo("10.244.10.2");
    assertThat(waiting.sandboxStatus(id).orElseThrow().ip()).isEqualTo("10.244.9.2");
    waiting.removeSandbox(id);
  }

  @Test
  void alwaysPodsRunAfterTheDelayUntilStopped() {
    String c = start(sandbox("Always"), "app", false);
    assertThat(state(c)).isEqualTo(ContainerState.CREATED);
    clock.step(Duration.ofSeconds(1));
    assertThat(state(c)).isEqualTo(ContainerState.RUNNING);
    clock.step(Duration.ofHours(1));
    assertThat(state(c)).isEqualTo(ContainerState.RUNNING);
    runtime.stopContainer(c, Duration.ofSeconds(30));
    RuntimeContainer stopped = runtime.containerStatus(c).orElseThrow();
    assertThat(stopped.state()).isEqualTo(ContainerState.EXITED);
    assertThat(stopped.exitCode()).isZero();
    assertThat(stopped.finishedAt()).isEqualTo(clock.now());
  }

  @Test
  void neverPodsCompleteAfterTheSecondDelayAndInitContainersAtOnce() {
    String s = sandbox("Never");
    String init = start(s, "init", true);
    clock.step(Duration.ofSeconds(1));
    assertThat(state(init)).isEqualTo(ContainerState.EXITED);
    String app = start(s, "app", false);
    clock.step(Duration.ofSeconds(1));
    assertThat(state(app)).isEqualTo(ContainerState.RUNNING);
    clock.step(Duration.ofSeconds(5));
    RuntimeContainer done = runtime.containerStatus(app).orElseThrow();
    assertThat(done.state()).isEqualTo(ContainerState.EXITED);
    assertThat(done.exitCode()).isZero();
    assertThat(done.reason()).isEqualTo("Completed");
    assertThat(Duration.between(done.startedAt(), done.finishedAt()))
        .isEqualTo(Duration.ofSeconds(5));
  }

  @Test
  void listingsFilterByLabelsAndExecNeedsARunningContainer() {
    String c = start(sandbox("Always"), "app", false);
    assertThat(runtime.listContainers(Map.of(RuntimeLabels.POD_UID, "uid-1"))).hasSize(1);
    assertThat(runtime.listContainers(Map.of(RuntimeLabels.POD_UID, "other"))).isEmpty();
    assertThatThrownBy(() -> runtime.execSync(c, List.of("true"), Duration.ofSeconds(1)))
        .hasMessageContaining("not running");
    clock.step(Duration.ofSeconds(1));
    assertThat(runtime.execSync(c, List.of("true"), Duration.ofSeconds(1)).exitCode()).isZero();
  }

  @Test
  void attachSaysThereIsNoProcessToAttachTo() {
    String c = start(sandbox("Always"), "app", false);
    clock.step(Duration.ofSeconds(1));
    AttachConfig config = new AttachConfig(true, true, true, false);
    assertThatThrownBy(() -> runtime.attach(c, config, null))
        .hasMessage(
            "the node's runtime (kvx-simulated) runs no containers: there is no process to attach"
                + " to");
  }
}
