package dev.kvx.bench.startup;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kvx.bench.Bench;
import java.util.List;
import org.junit.jupiter.api.Test;

class StartupBenchTest {

  @Test
  void isRegisteredAndRejectsEmptyRounds() {
    assertThat(Bench.names()).contains("startup");
    assertThat(Bench.run("startup", "--rounds=0")).isEqualTo(Bench.USAGE);
  }

  @Test
  void childJvmsRunTheLauncherOnThisClassPath() {
    List<String> cmd = ChildJvm.command(List.of("status"));
    assertThat(cmd.get(0)).endsWith("/bin/java");
    assertThat(cmd).containsSubsequence("-cp", ChildJvm.classPath());
    assertThat(ChildJvm.classPath()).doesNotContain("target/classes");
    assertThat(cmd.subList(cmd.size() - 2, cmd.size()))
        .containsExactly("dev.kvx.launcher.Kvx", "status");
  }
}
