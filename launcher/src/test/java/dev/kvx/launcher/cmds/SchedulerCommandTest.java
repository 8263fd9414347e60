package dev.kvx.launcher.cmds;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kvx.launcher.Kvx;
import dev.kvx.scheduler.SchedulerOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class SchedulerCommandTest {
  @TempDir Path dir;

  SchedulerCommand parse(String... args) {
    CommandLine cl = Kvx.commandLine();
    return (SchedulerCommand) cl.parseArgs(args).subcommand().commandSpec().userObject();
  }

  Path kubeconfig() throws Exception {
    return Files.writeString(dir.resolve("kubeconfig"), "apiVersion: v1\nkind: Config\n");
  }

  @Test
  void defaultsAreKubeSchedulers() throws Exception {
    SchedulerOptions o = parse("scheduler", "--kubeconfig=" + kubeconfig()).options();

    assertThat(o.leaderElect()).isTrue();
    assertThat(o.leaseNamespace()).isEqualTo("kube-system");
    assertThat(o.leaseName()).isEqualTo("kube-scheduler");
    assertThat(o.leaseDuration()).isEqualTo(Duration.ofSeconds(15));
    assertThat(o.renewDeadline()).isEqualTo(Duration.ofSeconds(10));
    assertThat(o.retryPeriod()).isEqualTo(Duration.ofSeconds(2));
    assertThat(o.port()).isEqualTo(10259);
    assertThat(o.bindAddress()).isEqualTo("0.0.0.0");
    assertThat(o.profiles())
        .extracting(p -> p.schedulerName())
        .containsExactly("default-scheduler");
  }

  @Test
  void flagsAreKubeSchedulersNames() throws Exception {
    SchedulerOptions o =
        parse(
                "scheduler",
                "--kubeconfig",
                kubeconfig().toString(),
                "--leader-elect=false",
                "--leader-elect-lease-duration=1m30s",
                "--leader-elect-renew-deadline=500ms",
                "--leader-elect-retry-period=0.2s",
                "--port=0",
                "--bind-address=127.0.0.1")
            .options();

    assertThat(o.leaderElect()).isFalse();
    assertThat(o.leaseDuration()).isEqualTo(Duration.ofSeconds(90));
    assertThat(o.renewDeadline()).isEqualTo(Duration.ofMillis(500));
    assertThat(o.retryPeriod()).isEqualTo(Duration.ofMillis(200));
    assertThat(o.port()).isZero();
    assertThat(o.bindAddress()).isEqualTo("127.0.0.1");
  }

  @Test
  void badFlagsAreUsageErrors() throws Exception {
    Path kc = kubeconfig();
    assertThatThrownBy(() -> parse("scheduler"))
        .isInstanceOf(CommandLine.MissingParameterException.class);
    assertThatThrownBy(
            () -> parse("scheduler", "--kubeconfig=" + kc, "--leader-elect-retry-period=2 seconds"))
        .isInstanceOf(CommandLine.ParameterException.class)
        .hasMessageContaining("invalid duration");
    assertThatThrownBy(() -> parse("scheduler", "--kubeconfig=" + dir.resolve("missing")).options())
        .isInstanceOf(CommandLine.ParameterException.class)
        .hasMessageContaining("not a readable file");
    assertThatThrownBy(
            () ->
                parse("scheduler", "--kubeconfig=" + kc, "--leader-elect-renew-deadline=20s")
                    .options())
        .isInstanceOf(CommandLine.ParameterException.class)
        .hasMessageContaining("leaseDuration must be greater than renewDeadline");
  }
}
