package dev.kvx.apiserver.proxy;

import dev.kvx.apiserver.errors.Statuses;
import java.util.ArrayList;
import java.util.List;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Where the API server reaches a node's kubelet, as upstream's {@code NodeConnectionInfoGetter}:
 * the node's preferred address and {@code status.daemonEndpoints.kubeletEndpoint.Port} (10250 when
 * unset), always over HTTPS. Addresses are preferred in the order kube-apiserver is usually run
 * with ({@code --kubelet-preferred-address-types=InternalIP,ExternalIP,...}): the agent registers
 * its reachable IP as InternalIP, while its Hostname need not resolve.
 */
record NodeConnection(String host, int port) {

  static final int DEFAULT_KUBELET_PORT = 10250;
  static final List<String> PREFERRED_ADDRESS_TYPES =
      List.of("InternalIP", "ExternalIP", "InternalDNS", "ExternalDNS", "Hostname");

  static NodeConnection of(ObjectNode node) {
    JsonNode status = node.path("status");
    String host = null;
    for (String type : PREFERRED_ADDRESS_TYPES) {
      for (JsonNode address : status.path("addresses")) {
        String value = address.path("address").asString("");
        if (type.equals(address.path("type").asString("")) && !value.isEmpty()) {
          host = value;
          break;
        }
      }
      if (host != null) {
        break;
      }
    }
    if (host == null) {
      List<String> known = new ArrayList<>();
      for (JsonNode address : status.path("addresses")) {
        known.add(
            "{"
                + address.path("type").asString("")
                + " "
                + address.path("address").asString("")
                + "}");
      }
      throw Statuses.internalError(
          "no preferred addresses found; known addresses: [" + String.join(" ", known) + "]");
    }
    int port = status.path("daemonEndpoints").path("kubeletEndpoint").path("Port").asInt(0);
    return new NodeConnection(host, port > 0 ? port : DEFAULT_KUBELET_PORT);
  }
}
