package dev.kvx.controller.nodeipam;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class CidrSetTest {

  @Test
  void handsOutNodeBlocksInOrder() {
    CidrSet set = new CidrSet("10.244.0.0/16", 24);

    assertThat(set.capacity()).isEqualTo(256);
    assertThat(set.allocateNext()).isEqualTo("10.244.0.0/24");
    assertThat(set.allocateNext()).isEqualTo("10.244.1.0/24");
    assertThat(set.allocatedCount()).isEqualTo(2);
  }

  @Test
  void skipsOccupiedBlocks() {
    CidrSet set = new CidrSet("10.244.0.0/16", 24);

    assertThat(set.occupy("10.244.0.0/24")).isTrue();
    assertThat(set.occupy("10.244.2.0/24")).isTrue();
    assertThat(set.occupy("10.244.2.0/24")).isTrue(); // idempotent

    assertThat(set.allocateNext()).isEqualTo("10.244.1.0/24");
    assertThat(set.allocateNext()).isEqualTo("10.244.3.0/24");
    assertThat(set.allocatedCount()).isEqualTo(4);
  }

  @Test
  void aLargerBlockTakesEveryNodeBlockItCovers() {
    CidrSet set = new CidrSet("10.244.0.0/16", 24);

    assertThat(set.occupy("10.244.0.0/23")).isTrue();

    assertThat(set.allocateNext()).isEqualTo("10.244.2.0/24");
    set.release("10.244.0.0/23");
    assertThat(set.allocatedCount()).isEqualTo(1);
  }

  @Test
  void blocksOutsideTheClusterCidrAreNotOurs() {
    CidrSet set = new CidrSet("10.244.0.0/16", 24);

    assertThat(set.occupy("10.245.0.0/24")).isFalse();
    assertThat(set.occupy("10.0.0.0/8")).isFalse();
    set.release("10.245.0.0/24");
    set.release("not a cidr");

    assertThat(set.allocatedCount()).isZero();
    assertThat(set.allocateNext()).isEqualTo("10.244.0.0/24");
  }

  @Test
  void releasedBlocksComeBackAfterTheOthers() {
    CidrSet set = new CidrSet("10.244.0.0/22", 24);
    String a = set.allocateNext();
    set.allocateNext();

    set.release(a);

    assertThat(set.isOccupied(a)).isFalse();
    // The next candidate moves on, as upstream's, before it wraps to the freed block.
    assertThat(set.allocateNext()).isEqualTo("10.244.2.0/24");
    assertThat(set.allocateNext()).isEqualTo("10.244.3.0/24");
    assertThat(set.allocateNext()).isEqualTo(a);
  }

  @Test
  void aFullRangeFailsUntilABlockIsReleased() {
    CidrSet set = new CidrSet("10.244.0.0/30", 32);
    List<String> all = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      all.add(set.allocateNext());
    }
    assertThat(all).containsExactly("10.244.0.0/32", "10.244.0.1/32", "10.244.0.2/32", "10.244.0.3/32");

    assertThatThrownBy(set::allocateNext)
        .isInstanceOf(CidrRangeFullException.class)
        .hasMessageContaining("no remaining CIDRs left to allocate")
        .hasMessageContaining("10.244.0.0/30");

    set.release("10.244.0.1/32");
    assertThat(set.allocateNext()).isEqualTo("10.244.0.1/32");
  }

  @Test
  void hostBitsOfTheClusterCidrAreMaskedOff() {
    CidrSet set = new CidrSet("10.244.7.9/16", 24);

    assertThat(set.clusterCidr()).isEqualTo("10.244.0.0/16");
    assertThat(set.allocateNext()).isEqualTo("10.244.0.0/24");
  }

  @ParameterizedTest(name = "{0} /{1}")
  @CsvSource({
    "10.244.0.0/16, 15, between",
    "10.244.0.0/16, 33, between",
    "10.0.0.0/8, 25, more than 16 bits",
    "fd00::/48, 64, IPv6",
    "10.244.0/16, 24, invalid CIDR",
    "10.244.0.300/16, 24, invalid CIDR",
    "10.244.0.0, 24, invalid CIDR"
  })
  void refusesUnusableSettings(String cluster, int mask, String message) {
    assertThatThrownBy(() -> new CidrSet(cluster, mask))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(message);
  }
}
