package dev.kvx.apiserver.strategy;

import static dev.kvx.apiserver.strategy.Fixtures.createCauses;
import static dev.kvx.apiserver.strategy.Fixtures.created;
import static dev.kvx.apiserver.strategy.Fixtures.updateCauses;
import static dev.kvx.apiserver.strategy.Fixtures.yaml;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.node.ObjectNode;

/** A Node's pod CIDRs: kept in agreement, valid, and set once. */
class NodeStrategyTest {
  final NodeStrategy s = new NodeStrategy();

  @Test
  void podCidrAndPodCidrsAgree() {
    ObjectNode single = created(s, yaml("metadata: {name: n1}\nspec: {podCIDR: 10.244.3.0/24}"));
    assertThat(single.at("/spec/podCIDRs").toString()).isEqualTo("[\"10.244.3.0/24\"]");
    ObjectNode list =
        created(s, yaml("metadata: {name: n1}\nspec: {podCIDRs: [10.244.4.0/24, 'fd00:1::/64']}"));
    assertThat(list.at("/spec/podCIDR").asString()).isEqualTo("10.244.4.0/24");
    ObjectNode none = created(s, yaml("metadata: {name: n1}\nspec: {}"));
    assertThat(none.at("/spec").toString()).isEqualTo("{}");
  }

  @Test
  void eachCidrIsValidAndAtMostOnePerFamily() {
    assertThat(
            createCauses(
                s, yaml("metadata: {name: n1}\nspec: {podCIDRs: [10.244.4.0/24, 'fd00:1::/64']}")))
        .isEmpty();
    assertThat(
            createCauses(s, yaml("metadata: {name: n1}\nspec: {podCIDRs: [10.244.4.0/33, nope]}")))
        .contains(
            "spec.podCIDRs[0]: Invalid value: \"10.244.4.0/33\": must be a valid CIDR value, (e.g."
                + " 10.9.8.0/24 or 2001:db8::/64)",
            "spec.podCIDRs[1]: Invalid value: \"nope\": must be a valid CIDR value, (e.g."
                + " 10.9.8.0/24 or 2001:db8::/64)");
    assertThat(
            createCauses(
                s, yaml("metadata: {name: n1}\nspec: {podCIDRs: [10.1.0.0/24, 10.2.0.0/24]}")))
        .singleElement()
        .asString()
        .startsWith("spec.podCIDRs: Invalid value: ")
        .endsWith("may specify no more than one CIDR for each IP family");
  }

  @Test
  void podCidrsAreSetFromEmptyButNeverChanged() {
    ObjectNode registered = created(s, yaml("metadata: {name: n1}\nspec: {}"));
    ObjectNode assigned =
        yaml("metadata: {name: n1}\nspec: {podCIDR: 10.244.7.0/24, podCIDRs: [10.244.7.0/24]}");
    assertThat(updateCauses(s, registered, assigned)).isEmpty();

    ObjectNode moved =
        yaml("metadata: {name: n1}\nspec: {podCIDR: 10.244.8.0/24, podCIDRs: [10.244.8.0/24]}");
    assertThat(updateCauses(s, assigned, moved))
        .containsExactly(
            "spec.podCIDRs: Forbidden: node updates may not change podCIDR except from \"\" to"
                + " valid");
    ObjectNode dropped = yaml("metadata: {name: n1}\nspec: {unschedulable: true}");
    assertThat(updateCauses(s, assigned, dropped)).hasSize(1);
    ObjectNode same =
        yaml("metadata: {name: n1}\nspec: {podCIDRs: [10.244.7.0/24], unschedulable: true}");
    assertThat(updateCauses(s, assigned, same)).isEmpty();
  }
}
