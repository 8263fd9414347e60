package dev.kvx.launcher.cmds;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kvx.kubelet.KubeletOptions;
import dev.kvx.launcher.Kvx;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import picocli.CommandLine.ParseResult;

class KubeletAgentCommandTest {
  @TempDir Path dir;

  private Path kubeconfig() throws Exception {
    return Files.writeString(dir.resolve("kubeconfig"), "apiVersion: v1\nkind: Config\n");
  }

  private static KubeletAgentCommand parse(String... args) {
    ParseResult result = Kvx.commandLine().parseArgs(args);
    return (KubeletAgentCommand) result.subcommand().commandSpec().userObject();
  }

  @Test
  void defaultsAreDockerOnPort10250WithTheUpstreamPauseImage() throws Exception {
    KubeletOptions o =
        parse(
                "kubelet-agent",
                "--kubeconfig=" + kubeconfig(),
                "--node-name=n1",
                "--data-dir=" + dir)
            .options();
    assertThat(o.runtime()).isEqualTo(KubeletOptions.Runtime.DOCKER);
    assertThat(o.nodeNames()).containsExactly("n1");
    assertThat(o.port()).isEqualTo(10250);
    assertThat(o.address()).isEqualTo("0.0.0.0");
    assertThat(o.maxPods()).isEqualTo(110);
    assertThat(o.sandboxImage()).isEqualTo("registry.k8s.io/pause:3.10");
    assertThat(o.sandboxCommand()).isNull();
    assertThat(o.rootDir()).isEqualTo(dir.resolve("kubelet").resolve("n1"));
  }

  @Test
  void simulatedNodesWithDelaysLabelsAndCapacity() throws Exception {
    KubeletOptions o =
        parse(
                "kubelet-agent",
                "--kubeconfig=" + kubeconfig(),
                "--node-name=sim",
                "--runtime=simulated",
                "--nodes=3",
                "--root-dir=" + dir.resolve("r"),
                "--port=0",
                "--simulated-running-delay=500ms",
                "--simulated-complete-delay=1m30s",
                "--node-labels=zone=a,tier=web",
                "--cpu=32",
                "--memory=256Gi",
                "--pod-infra-container-image=kvx/busybox:latest",
                "--pod-infra-container-command=sleep,2147483647")
            .options();
    assertThat(o.nodeNames()).containsExactly("sim-0", "sim-1", "sim-2");
    assertThat(o.rootDir()).isEqualTo(dir.resolve("r"));
    assertThat(o.port()).isZero();
    assertThat(o.simulatedRunningDelay()).isEqualTo(Duration.ofMillis(500));
    assertThat(o.simulatedCompleteDelay()).isEqualTo(Duration.ofSeconds(90));
    assertThat(o.nodeLabels()).containsEntry("zone", "a").containsEntry("tier", "web");
    assertThat(o.cpu()).isEqualTo("32");
    assertThat(o.memory()).isEqualTo("256Gi");
    assertThat(o.sandboxCommand()).containsExactly("sleep", "2147483647");
  }

  @Test
  void severalNodesNeedTheSimulatedRuntime() throws Exception {
    KubeletAgentCommand command =
        parse("kubelet-agent", "--kubeconfig=" + kubeconfig(), "--nodes=2");
    assertThatThrownBy(command::options)
        .isInstanceOf(CommandLine.ParameterException.class)
        .hasMessageContaining("--runtime=simulated");
  }

  @Test
  void podCidrIsForSimulatedNodesAndMustHoldOneBlockPerNode() throws Exception {
    KubeletOptions o =
        parse(
                "kubelet-agent",
                "--kubeconfig=" + kubeconfig(),
                "--runtime=simulated",
                "--nodes=4",
                "--pod-cidr=10.250.0.0/22")
            .options();
    assertThat(o.podCidr()).isEqualTo("10.250.0.0/22");

    assertThatThrownBy(
            parse(
                    "kubelet-agent",
                    "--kubeconfig=" + kubeconfig(),
                    "--runtime=simulated",
                    "--nodes=5",
                    "--pod-cidr=10.250.0.0/22")
                ::options)
        .isInstanceOf(CommandLine.ParameterException.class)
        .hasMessage(
            "--pod-cidr: pod CIDR 10.250.0.0/22 holds 4 /24 block(s), not one per node for 5"
                + " nodes");
    assertThatThrownBy(
            parse("kubelet-agent", "--kubeconfig=" + kubeconfig(), "--pod-cidr=10.250.0.0/24")
                ::options)
        .isInstanceOf(CommandLine.ParameterException.class)
        .hasMessageContaining("--pod-cidr needs --runtime=simulated");
  }
}
