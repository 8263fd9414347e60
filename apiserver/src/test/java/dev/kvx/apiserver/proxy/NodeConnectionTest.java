package dev.kvx.apiserver.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kvx.apiserver.errors.StatusException;
import dev.kvx.apiserver.json.Json;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.node.ObjectNode;

class NodeConnectionTest {

  @Test
  void internalIpAndTheKubeletEndpointPort() {
    ObjectNode node = node(10250 + 5);
    address(node, "Hostname", "n1");
    address(node, "InternalIP", "10.0.0.7");
    assertThat(NodeConnection.of(node)).isEqualTo(new NodeConnection("10.0.0.7", 10255));
  }

  @Test
  void otherAddressTypesWhenThereIsNoInternalIpAndTheDefaultPortWhenNoneIsSet() {
    ObjectNode node = node(0);
    address(node, "Hostname", "n1");
    assertThat(NodeConnection.of(node)).isEqualTo(new NodeConnection("n1", 10250));
    address(node, "ExternalIP", "203.0.113.9");
    assertThat(NodeConnection.of(node).host()).isEqualTo("203.0.113.9");
  }

  @Test
  void aNodeWithoutAddressesCannotBeReached() {
    assertThatThrownBy(() -> NodeConnection.of(node(0)))
        .isInstanceOfSatisfying(
            StatusException.class,
            e -> {
              assertThat(e.code()).isEqualTo(500);
              assertThat(e.getMessage()).contains("no preferred addresses found");
            });
  }

  private static ObjectNode node(int port) {
    ObjectNode node = Json.object();
    node.putObject("metadata").put("name", "n1");
    ObjectNode status = node.putObject("status");
    status.putArray("addresses");
    if (port > 0) {
      status.putObject("daemonEndpoints").putObject("kubeletEndpoint").put("Port", port);
    }
    return node;
  }

  private static void address(ObjectNode node, String type, String address) {
    node.withObject("status")
        .withArray("addresses")
        .addObject()
        .put("type", type)
        .put("address", address);
  }
}
