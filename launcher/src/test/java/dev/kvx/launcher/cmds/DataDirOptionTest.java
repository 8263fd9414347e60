package dev.kvx.launcher.cmds;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class DataDirOptionTest {

  static Stream<Arguments> cases() {
    return Stream.of(
        Arguments.of("nothing set: ~/.kvx", null, Map.of(), "/home/u/.kvx"),
        Arguments.of("KVX_HOME", null, Map.of("KVX_HOME", "/srv/kvx"), "/srv/kvx"),
        Arguments.of("blank KVX_HOME is unset", null, Map.of("KVX_HOME", " "), "/home/u/.kvx"),
        Arguments.of("flag beats KVX_HOME", "/data", Map.of("KVX_HOME", "/srv/kvx"), "/data"),
        Arguments.of("tilde in flag", "~/clusters/a", Map.of(), "/home/u/clusters/a"),
        Arguments.of("tilde in KVX_HOME", null, Map.of("KVX_HOME", "~/k"), "/home/u/k"),
        Arguments.of("normalized", "/data/./x/../y", Map.of(), "/data/y"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void resolvesFlagThenKvxHomeThenHomeDotKvx(
      String name, String flag, Map<String, String> env, String expected) {
    assertThat(DataDirOption.resolve(flag == null ? null : Path.of(flag), env, "/home/u"))
        .isEqualTo(Path.of(expected));
  }

  @Test
  void relativeFlagIsMadeAbsolute() {
    assertThat(DataDirOption.resolve(Path.of("rel"), Map.of(), "/home/u"))
        .isEqualTo(Path.of("rel").toAbsolutePath());
  }
}
