package dev.kvx.kubelet.nodestatus;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PodCidrUpdaterTest {

  private static Node node(String name, String podCidr, List<String> podCidrs) {
    return new NodeBuilder()
        .withNewMetadata()
        .withName(name)
        .endMetadata()
        .withNewSpec()
        .withPodCIDR(podCidr)
        .withPodCIDRs(podCidrs)
        .endSpec()
        .build();
  }

  @Test
  void handsEachOfItsNodesTheirCidrOnly() {
    List<String> a = new ArrayList<>();
    List<String> b = new ArrayList<>();
    List<String> changed = new ArrayList<>();
    PodCidrUpdater updater =
        new PodCidrUpdater(
            Map.of(
                "a", cidr -> a.add(cidr),
                "b",
                cidr -> {
                  if (cidr.equals("bad")) {
                    throw new IllegalArgumentException("invalid pod CIDR: bad"); // as the runtime
                  }
                  return b.add(cidr);
                }),
            changed::add);

    updater.onAdd(node("a", null, null)); // registered, no CIDR yet
    updater.onUpdate(node("a", null, null), node("a", "10.244.1.0/24", List.of("10.244.1.0/24")));
    updater.onAdd(node("b", "10.244.2.0/24", null)); // podCIDR alone (older writers)
    updater.onAdd(node("other", "10.244.3.0/24", List.of("10.244.3.0/24")));
    updater.onUpdate(node("b", "x", null), node("b", "bad", List.of("bad")));
    updater.onDelete(node("a", "10.244.1.0/24", List.of("10.244.1.0/24")), false);

    assertThat(a).containsExactly("10.244.1.0/24");
    assertThat(b).containsExactly("10.244.2.0/24");
    assertThat(changed).containsExactly("a", "b");
  }

  @Test
  void theFirstOfPodCidrsWins() {
    assertThat(PodCidrUpdater.podCidr(node("n", "10.1.0.0/24", List.of("10.2.0.0/24", "fd00::/64"))))
        .isEqualTo("10.2.0.0/24");
    assertThat(PodCidrUpdater.podCidr(node("n", " ", List.of()))).isNull();
    assertThat(PodCidrUpdater.podCidr(new NodeBuilder().withNewMetadata().withName("n").endMetadata().build()))
        .isNull();
  }
}
