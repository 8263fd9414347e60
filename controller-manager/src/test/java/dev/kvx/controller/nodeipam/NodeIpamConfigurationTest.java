package dev.kvx.controller.nodeipam;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class NodeIpamConfigurationTest {

  @Test
  void kvxAllocatesByDefaultFromKindsPodSubnet() {
    NodeIpamConfiguration c = NodeIpamConfiguration.defaults();

    assertThat(c.allocateNodeCidrs()).isTrue();
    assertThat(c.clusterCidr()).isEqualTo("10.244.0.0/16");
    assertThat(c.nodeCidrMaskSize()).isEqualTo(24);
    assertThat(NodeIpamConfiguration.disabled().allocateNodeCidrs()).isFalse();
  }

  @Test
  void unusableSettingsNameTheFlag() {
    assertThatThrownBy(() -> new NodeIpamConfiguration(true, "", 24))
        .hasMessage("--allocate-node-cidrs needs a --cluster-cidr");
    assertThatThrownBy(() -> NodeIpamConfiguration.defaults().withClusterCidr("10.244.0.0"))
        .hasMessageStartingWith("--cluster-cidr: invalid CIDR address");
    assertThatThrownBy(() -> NodeIpamConfiguration.defaults().withNodeCidrMaskSize(8))
        .hasMessageStartingWith("--node-cidr-mask-size (8)");
    // Without allocation the other two flags are not looked at, as upstream.
    assertThat(new NodeIpamConfiguration(false, "", 8).allocateNodeCidrs()).isFalse();
  }
}
