package dev.kvx.kubelet.runtime.simulated;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class PodIpRangeTest {

  @ParameterizedTest(name = "{0}")
  @CsvSource({
    // cidr,            normalised,        first,        last,            capacity
    "10.244.7.0/24,     10.244.7.0/24,     10.244.7.2,   10.244.7.254,    253",
    "10.244.7.99/24,    10.244.7.0/24,     10.244.7.2,   10.244.7.254,    253",
    "10.96.0.0/16,      10.96.0.0/16,      10.96.0.2,    10.96.255.254,   65533",
    "10.244.1.128/25,   10.244.1.128/25,   10.244.1.130, 10.244.1.254,    125",
    "192.168.5.16/28,   192.168.5.16/28,   192.168.5.18, 192.168.5.30,    13"
  })
  void handsOutTheHostsOfTheCidrBetweenGatewayAndBroadcast(
      String cidr, String normalised, String first, String last, int capacity) {
    PodIpRange range = new PodIpRange(cidr);

    assertThat(range.cidr()).isEqualTo(normalised);
    assertThat(range.capacity()).isEqualTo(capacity);
    assertThat(range.allocate()).isEqualTo(first);
    String ip = first;
    for (int i = 1; i < capacity; i++) {
      ip = range.allocate();
    }
    assertThat(ip).isEqualTo(last);
    assertThatThrownBy(range::allocate)
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("no free pod IP in " + normalised);
  }

  @Test
  void releasedIpsAreReusedLowestFirst() {
    PodIpRange range = new PodIpRange("10.244.3.0/24");
    List<String> ips = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      ips.add(range.allocate());
    }
    assertThat(ips).containsExactly("10.244.3.2", "10.244.3.3", "10.244.3.4", "10.244.3.5");

    range.release("10.244.3.3");
    range.release("10.244.4.3"); // not ours
    range.release("10.244.3.0"); // the network address was never handed out
    range.release("nonsense");
    range.release(null);

    assertThat(range.allocate()).isEqualTo("10.244.3.3");
    assertThat(range.allocate()).isEqualTo("10.244.3.6");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {"10.244.0.0/15", "10.244.0.0/29", "10.244.0.0", "10.244.0/24", "10.244.0.256/24",
        "fd00::/64", "10.244.0.0/x", ""})
  void refusesWhatIsNotAnIpv4CidrFromSlash16ToSlash28(String cidr) {
    assertThatThrownBy(() -> new PodIpRange(cidr)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void perNodeGivesOneNodeTheWholeCidrAndSeveralItsConsecutiveBlocks() {
    assertThat(PodIpRange.perNode("10.250.0.0/26", 1)).containsExactly("10.250.0.0/26");
    assertThat(PodIpRange.perNode("10.250.0.7/16", 3))
        .containsExactly("10.250.0.0/24", "10.250.1.0/24", "10.250.2.0/24");
    assertThat(PodIpRange.perNode("10.250.0.0/23", 2))
        .containsExactly("10.250.0.0/24", "10.250.1.0/24");
    assertThatThrownBy(() -> PodIpRange.perNode("10.250.0.0/23", 3))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("pod CIDR 10.250.0.0/23 holds 2 /24 block(s), not one per node for 3 nodes");
    assertThatThrownBy(() -> PodIpRange.perNode("10.250.0.0/25", 2))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("holds 0 /24 block(s)");
  }
}
