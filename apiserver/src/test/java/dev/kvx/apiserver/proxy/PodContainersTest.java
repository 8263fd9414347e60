package dev.kvx.apiserver.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kvx.apiserver.errors.StatusException;
import dev.kvx.apiserver.json.Json;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.node.ObjectNode;

class PodContainersTest {

  @Test
  void theOnlyContainerIsTheDefault() {
    assertThat(PodContainers.resolve(pod("web"), null)).isEqualTo("web");
    assertThat(PodContainers.resolve(pod("web"), "")).isEqualTo("web");
  }

  @Test
  void severalContainersNeedANameAndTheMessageListsThemAll() {
    ObjectNode pod = pod("a", "b");
    pod.withObject("spec").putArray("initContainers").addObject().put("name", "init");
    assertThatThrownBy(() -> PodContainers.resolve(pod, null))
        .isInstanceOfSatisfying(
            StatusException.class,
            e -> {
              assertThat(e.code()).isEqualTo(400);
              assertThat(e.reason()).isEqualTo("BadRequest");
              assertThat(e.getMessage())
                  .isEqualTo(
                      "a container name must be specified for pod p, choose one of: [init a b]");
            });
  }

  @Test
  void aNamedContainerMustBeInThePodInitAndEphemeralOnesIncluded() {
    ObjectNode pod = pod("a");
    pod.withObject("spec").putArray("ephemeralContainers").addObject().put("name", "debug");
    assertThat(PodContainers.resolve(pod, "debug")).isEqualTo("debug");
    assertThatThrownBy(() -> PodContainers.resolve(pod, "nope"))
        .isInstanceOfSatisfying(
            StatusException.class,
            e -> {
              assertThat(e.code()).isEqualTo(400);
              assertThat(e.getMessage()).isEqualTo("container nope is not valid for pod p");
            });
  }

  @Test
  void nodeNameIsNullUntilThePodIsBound() {
    ObjectNode pod = pod("a");
    assertThat(PodContainers.nodeName(pod)).isNull();
    pod.withObject("spec").put("nodeName", "");
    assertThat(PodContainers.nodeName(pod)).isNull();
    pod.withObject("spec").put("nodeName", "n1");
    assertThat(PodContainers.nodeName(pod)).isEqualTo("n1");
  }

  private static ObjectNode pod(String... containers) {
    ObjectNode pod = Json.object();
    pod.putObject("metadata").put("name", "p");
    var list = pod.putObject("spec").putArray("containers");
    for (String c : containers) {
      list.addObject().put("name", c);
    }
    return pod;
  }
}
