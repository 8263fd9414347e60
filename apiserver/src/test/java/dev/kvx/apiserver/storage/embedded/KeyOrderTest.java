package dev.kvx.apiserver.storage.embedded;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class KeyOrderTest {

  static Stream<Arguments> pairs() {
    return Stream.of(
        Arguments.of("ascii", "/registry/pods/a", "/registry/pods/b"),
        Arguments.of("prefix first", "/registry/pods", "/registry/pods/"),
        Arguments.of("slash before x", "/registry/pods/", "/registry/podsx"),
        Arguments.of("bmp high vs supplementary", "a\uFF21", "a\uD83D\uDE00"),
        Arguments.of("latin vs cjk", "a\u00E9", "a\u4E2D"),
        Arguments.of("supplementary pair", "\uD83D\uDE00", "\uD83D\uDE01"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("pairs")
  void ordersLikeUtf8Bytes(String name, String lower, String higher) {
    assertThat(KeyOrder.compare(lower, higher)).isNegative();
    assertThat(KeyOrder.compare(higher, lower)).isPositive();
    assertThat(KeyOrder.compare(lower, lower)).isZero();
    assertThat(Arrays.compareUnsigned(utf8(lower), utf8(higher))).isNegative();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("pairs")
  void sortsAsTheBytesDo(String name, String a, String b) {
    List<String> sorted = Stream.of(b, a).sorted(KeyOrder.UTF8).toList();
    assertThat(sorted).containsExactly(a, b);
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
