package dev.kvx.apiserver.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kvx.apiserver.errors.StatusException;
import io.vertx.core.MultiMap;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class PodLogOptionsTest {

  static Stream<Arguments> kubeletQueries() {
    return Stream.of(
        Arguments.of(Map.of(), ""),
        Arguments.of(Map.of("container", "c", "follow", "true"), "follow=true"),
        Arguments.of(Map.of("follow", "false", "previous", "1"), "previous=true"),
        Arguments.of(
            Map.of("timestamps", "true", "tailLines", "10", "limitBytes", "500"),
            "timestamps=true&tailLines=10&limitBytes=500"),
        Arguments.of(Map.of("sinceSeconds", "60"), "sinceSeconds=60"),
        Arguments.of(
            Map.of("sinceTime", "2024-05-01T12:00:00+02:00"), "sinceTime=2024-05-01T10%3A00%3A00Z"),
        Arguments.of(Map.of("tailLines", "0"), "tailLines=0"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("kubeletQueries")
  void optionsPassToTheKubeletAsUpstreamEncodesThem(Map<String, String> query, String expected) {
    assertThat(PodLogOptions.parse(query(query), "p").kubeletQuery()).isEqualTo(expected);
  }

  static Stream<Arguments> invalid() {
    return Stream.of(
        Arguments.of(
            Map.of("tailLines", "-1"),
            "PodLogOptions \"p\" is invalid: tailLines: Invalid value: -1: must be greater than or"
                + " equal to 0"),
        Arguments.of(
            Map.of("limitBytes", "0"),
            "PodLogOptions \"p\" is invalid: limitBytes: Invalid value: 0: must be greater than 0"),
        Arguments.of(
            Map.of("sinceSeconds", "0"),
            "PodLogOptions \"p\" is invalid: sinceSeconds: Invalid value: 0: must be greater than"
                + " 0"),
        Arguments.of(
            Map.of("sinceSeconds", "5", "sinceTime", "2024-05-01T12:00:00Z"),
            "PodLogOptions \"p\" is invalid: : Forbidden: at most one of `sinceTime` or"
                + " `sinceSeconds` may be specified"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("invalid")
  void invalidOptionsAre422(Map<String, String> query, String message) {
    assertThatThrownBy(() -> PodLogOptions.parse(query(query), "p"))
        .isInstanceOfSatisfying(
            StatusException.class,
            e -> {
              assertThat(e.code()).isEqualTo(422);
              assertThat(e.reason()).isEqualTo("Invalid");
              assertThat(e.getMessage()).isEqualTo(message);
            });
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("unparsable")
  void unparsableValuesAre400(Map<String, String> query) {
    assertThatThrownBy(() -> PodLogOptions.parse(query(query), "p"))
        .isInstanceOfSatisfying(StatusException.class, e -> assertThat(e.code()).isEqualTo(400));
  }

  static Stream<Map<String, String>> unparsable() {
    return Stream.of(Map.of("tailLines", "ten"), Map.of("sinceTime", "yesterday"));
  }

  private static MultiMap query(Map<String, String> values) {
    MultiMap m = MultiMap.caseInsensitiveMultiMap();
    values.forEach(m::add);
    return m;
  }
}
