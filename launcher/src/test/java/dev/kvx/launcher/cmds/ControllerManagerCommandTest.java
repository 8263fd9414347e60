package dev.kvx.launcher.cmds;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kvx.controller.ControllerManagerOptions;
import dev.kvx.launcher.Kvx;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class ControllerManagerCommandTest {
  @TempDir Path dir;

  private static ControllerManagerCommand parse(String... args) {
    CommandLine cl = Kvx.commandLine();
    return (ControllerManagerCommand) cl.parseArgs(args).subcommand().commandSpec().userObject();
  }

  private Path kubeconfig() throws Exception {
    return Files.writeString(dir.resolve("kubeconfig"), "apiVersion: v1\nkind: Config\n");
  }

  @Test
  void defaultsAreKubeControllerManagers() throws Exception {
    ControllerManagerOptions o =
        parse("controller-manager", "--kubeconfig=" + kubeconfig()).options();

    assertThat(o.controllers()).containsExactly("*");
    assertThat(o.leaderElect()).isTrue();
    assertThat(o.port()).isEqualTo(10257);
    assertThat(o.bindAddress()).isEqualTo("127.0.0.1");
    assertThat(o.nodeMonitorGracePeriod()).isEqualTo(Duration.ofSeconds(50));
    assertThat(o.nodeMonitorPeriod()).isEqualTo(Duration.ofSeconds(5));
    // kvx allocates node CIDRs as kind/kubeadm run it (upstream's flag defaults to false).
    assertThat(o.nodeIpam().allocateNodeCidrs()).isTrue();
    assertThat(o.nodeIpam().clusterCidr()).isEqualTo("10.244.0.0/16");
    assertThat(o.nodeIpam().nodeCidrMaskSize()).isEqualTo(24);
  }

  @Test
  void nodeIpamFlagsAreKubeControllerManagers() throws Exception {
    ControllerManagerOptions o =
        parse(
                "controller-manager",
                "--kubeconfig=" + kubeconfig(),
                "--cluster-cidr=10.100.0.0/14",
                "--node-cidr-mask-size=26")
            .options();
    assertThat(o.nodeIpam().clusterCidr()).isEqualTo("10.100.0.0/14");
    assertThat(o.nodeIpam().nodeCidrMaskSize()).isEqualTo(26);

    assertThat(
            parse("controller-manager", "--kubeconfig=" + kubeconfig(), "--allocate-node-cidrs=false")
                .options()
                .nodeIpam()
                .allocateNodeCidrs())
        .isFalse();
    Path kc = kubeconfig();
    assertThatThrownBy(
            () ->
                parse("controller-manager", "--kubeconfig=" + kc, "--node-cidr-mask-size=12")
                    .options())
        .isInstanceOf(CommandLine.ParameterException.class)
        .hasMessageContaining("--node-cidr-mask-size (12)");
  }

  @Test
  void flagsAreKubeControllerManagersNames() throws Exception {
    ControllerManagerOptions o =
        parse(
                "controller-manager",
                "--kubeconfig",
                kubeconfig().toString(),
                "--controllers=*,-podgc",
                "--leader-elect=false",
                "--secure-port=0",
                "--bind-address=0.0.0.0",
                "--node-monitor-grace-period=1m30s",
                "--node-monitor-period=500ms")
            .options();

    assertThat(o.controllers()).containsExactly("*", "-podgc");
    assertThat(o.leaderElect()).isFalse();
    assertThat(o.port()).isZero();
    assertThat(o.bindAddress()).isEqualTo("0.0.0.0");
    assertThat(o.nodeMonitorGracePeriod()).isEqualTo(Duration.ofSeconds(90));
    assertThat(o.nodeMonitorPeriod()).isEqualTo(Duration.ofMillis(500));
  }

  @Test
  void aShortGracePeriodNeedsAShorterMonitorPeriodOnly() throws Exception {
    ControllerManagerOptions o =
        parse(
                "controller-manager",
                "--kubeconfig=" + kubeconfig(),
                "--node-monitor-period=1s",
                "--node-monitor-grace-period=3s")
            .options();

    assertThat(o.nodeMonitorGracePeriod()).isEqualTo(Duration.ofSeconds(3));
    assertThat(o.nodeMonitorPeriod()).isEqualTo(Duration.ofSeconds(1));
  }

  @Test
  void badFlagsAreUsageErrors() throws Exception {
    Path kc = kubeconfig();
    assertThatThrownBy(
            () -> parse("controller-manager", "--kubeconfig=" + kc, "--node-monitor-grace-period=40"))
        .isInstanceOf(CommandLine.ParameterException.class)
        .hasMessageContaining("invalid duration");
    assertThatThrownBy(
            () ->
                parse("controller-manager", "--kubeconfig=" + kc, "--node-monitor-grace-period=4s")
                    .options())
        .isInstanceOf(CommandLine.ParameterException.class)
        .hasMessageContaining("--node-monitor-grace-period (4s) must be longer than --node-monitor-period (5s)");
    assertThatThrownBy(
            () ->
                parse("controller-manager", "--kubeconfig=" + kc, "--node-monitor-period=0s")
                    .options())
        .isInstanceOf(CommandLine.ParameterException.class)
        .hasMessageContaining("--node-monitor-period must be positive");
    assertThatThrownBy(
            () -> parse("controller-manager", "--kubeconfig=" + dir.resolve("missing")).options())
        .isInstanceOf(CommandLine.ParameterException.class)
        .hasMessageContaining("not a readable file");
  }
}
