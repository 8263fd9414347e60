package dev.kvx.controller;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class ControllerManagerOptionsTest {
  static final Path KUBECONFIG = Path.of("/tmp/kubeconfig");

  @Test
  void defaultsAreUpstreams() {
    ControllerManagerOptions o = ControllerManagerOptions.defaults(KUBECONFIG);

    assertThat(o.nodeMonitorGracePeriod()).isEqualTo(Duration.ofSeconds(50));
    assertThat(o.nodeMonitorPeriod()).isEqualTo(Duration.ofSeconds(5));
    assertThat(o.port()).isEqualTo(10257);
    assertThat(o.controllers()).containsExactly("*");
  }

  @Test
  void theConstructorWithoutNodeMonitorTimingsStillWorksAndDefaultsThem() {
    ControllerManagerOptions o =
        new ControllerManagerOptions(KUBECONFIG, List.of("*"), false, "0.0.0.0", 0, null, null);

    assertThat(o.nodeMonitorGracePeriod()).isEqualTo(ControllerManagerOptions.DEFAULT_NODE_MONITOR_GRACE_PERIOD);
    assertThat(o.nodeMonitorPeriod()).isEqualTo(ControllerManagerOptions.DEFAULT_NODE_MONITOR_PERIOD);
  }

  @Test
  void withersKeepTheNodeMonitorTimingsAndChangeOnlyTheirOwn() {
    ControllerManagerOptions o =
        ControllerManagerOptions.defaults(KUBECONFIG)
            .withNodeMonitorPeriod(Duration.ofSeconds(1))
            .withNodeMonitorGracePeriod(Duration.ofSeconds(15))
            .withPort(0)
            .withLeaderElect(false)
            .withControllers(List.of("nodelifecycle"));

    assertThat(o.nodeMonitorGracePeriod()).isEqualTo(Duration.ofSeconds(15));
    assertThat(o.nodeMonitorPeriod()).isEqualTo(Duration.ofSeconds(1));
    assertThat(o.port()).isZero();
    assertThat(o.leaderElect()).isFalse();
    assertThat(o.controllers()).containsExactly("nodelifecycle");
  }

  @Test
  void nodeIpamIsOnByDefaultAndWithersKeepIt() {
    ControllerManagerOptions o = ControllerManagerOptions.defaults(KUBECONFIG);
    assertThat(o.nodeIpam()).isEqualTo(dev.kvx.controller.nodeipam.NodeIpamConfiguration.defaults());

    var custom = new dev.kvx.controller.nodeipam.NodeIpamConfiguration(true, "10.100.0.0/16", 26);
    ControllerManagerOptions changed =
        o.withNodeIpam(custom).withPort(0).withLeaderElect(false).withNodeMonitorPeriod(Duration.ofSeconds(1));

    assertThat(changed.nodeIpam()).isEqualTo(custom);
    assertThat(new ControllerManagerOptions(KUBECONFIG, List.of("*"), false, "0.0.0.0", 0, null, null,
        null, null).nodeIpam().allocateNodeCidrs()).isTrue();
  }

  static Stream<Arguments> invalidTimings() {
    return Stream.of(
        Arguments.of("zero grace period", Duration.ZERO, Duration.ofSeconds(5),
            "--node-monitor-grace-period must be positive: 0s"),
        Arguments.of("negative grace period", Duration.ofSeconds(-40), Duration.ofSeconds(5),
            "--node-monitor-grace-period must be positive: -40s"),
        Arguments.of("zero period", Duration.ofSeconds(40), Duration.ZERO,
            "--node-monitor-period must be positive: 0s"),
        Arguments.of("grace equal to the period", Duration.ofSeconds(5), Duration.ofSeconds(5),
            "--node-monitor-grace-period (5s) must be longer than --node-monitor-period (5s)"),
        Arguments.of("grace shorter than the period", Duration.ofMillis(1500), Duration.ofSeconds(90),
            "--node-monitor-grace-period (1.5s) must be longer than --node-monitor-period (1m30s)"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("invalidTimings")
  void invalidNodeMonitorTimingsAreRefused(String name, Duration grace, Duration period, String message) {
    assertThatThrownBy(
            () -> new ControllerManagerOptions(
                KUBECONFIG, List.of("*"), true, "127.0.0.1", 0, null, null, grace, period))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(message);
  }

  @Test
  void withersCheckTheNewValueAgainstTheOtherTiming() {
    ControllerManagerOptions o = ControllerManagerOptions.defaults(KUBECONFIG);

    assertThatThrownBy(() -> o.withNodeMonitorGracePeriod(Duration.ofSeconds(3)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("must be longer than --node-monitor-period (5s)");
    assertThatThrownBy(() -> o.withNodeMonitorPeriod(Duration.ofMinutes(1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("--node-monitor-grace-period (50s)");
    assertThatThrownBy(() -> o.withNodeMonitorPeriod(null)).isInstanceOf(NullPointerException.class);
  }
}
