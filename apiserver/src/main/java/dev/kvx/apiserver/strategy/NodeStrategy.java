package dev.kvx.apiserver.strategy;

import dev.kvx.apiserver.errors.StatusException.Cause;
import java.util.ArrayList;
import java.util.List;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * core/v1 Node's pod CIDRs, as upstream's node validation and v1 conversion: {@code spec.podCIDR}
 * and {@code spec.podCIDRs} always agree (the first of the list is the single field), each is a
 * CIDR, at most one per IP family, and once a node has them they never change: the node IPAM
 * controller (or a standalone kubelet) sets them from empty, and nothing moves a node's pods to
 * another range behind its back.
 */
final class NodeStrategy implements ResourceStrategy {

  static final String CHANGED = "node updates may not change podCIDR except from \"\" to valid";

  @Override
  public void prepareForCreate(ObjectNode node) {
    syncPodCidrs(node);
  }

  @Override
  public void prepareForUpdate(ObjectNode node, ObjectNode old) {
    syncPodCidrs(node);
  }

  // v1's podCIDR is podCIDRs[0]; a client that sets only podCIDR gets the list too.
  private static void syncPodCidrs(ObjectNode node) {
    ObjectNode spec = Nodes.objectOrNull(node, "spec");
    if (spec == null) {
      return;
    }
    JsonNode list = spec.get("podCIDRs");
    boolean hasList = list instanceof ArrayNode a && !a.isEmpty();
    if (hasList) {
      spec.put("podCIDR", list.get(0).asString());
    } else if (!Nodes.unset(spec, "podCIDR")) {
      spec.putArray("podCIDRs").add(Nodes.text(spec, "podCIDR"));
    }
  }

  @Override
  public List<Cause> validate(ObjectNode node) {
    List<Cause> out = new ArrayList<>();
    List<String> cidrs = podCidrs(node);
    FieldPath field = FieldPath.root("spec", "podCIDRs");
    for (int i = 0; i < cidrs.size(); i++) {
      if (!isCidr(cidrs.get(i))) {
        out.add(
            FieldErrors.invalid(
                field.index(i),
                cidrs.get(i),
                "must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)"));
      }
    }
    if (cidrs.size() > 2
        || (cidrs.size() == 2 && cidrs.get(0).contains(":") == cidrs.get(1).contains(":"))) {
      out.add(
          FieldErrors.invalid(
              field, cidrs, "may specify no more than one CIDR for each IP family"));
    }
    return out;
  }

  @Override
  public List<Cause> validateUpdate(ObjectNode node, ObjectNode old) {
    List<Cause> out = new ArrayList<>(validate(node));
    List<String> before = podCidrs(old);
    if (!before.isEmpty() && !before.equals(podCidrs(node))) {
      out.add(FieldErrors.forbidden(FieldPath.root("spec", "podCIDRs"), CHANGED));
    }
    return out;
  }

  private static List<String> podCidrs(ObjectNode node) {
    List<String> out = new ArrayList<>();
    JsonNode list = node.path("spec").get("podCIDRs");
    if (list != null && list.isArray()) {
      list.forEach(c -> out.add(c.asString()));
    }
    return out;
  }

  /** An IPv4 or IPv6 CIDR as Go's net.ParseCIDR takes it. */
  static boolean isCidr(String value) {
    int slash = value.indexOf('/');
    if (slash <= 0 || slash != value.lastIndexOf('/')) {
      return false;
    }
    String ip = value.substring(0, slash);
    String bits = value.substring(slash + 1);
    if (!ServiceStrategy.isIp(ip)
        || bits.isEmpty()
        || bits.length() > 3
        || !bits.chars().allMatch(Character::isDigit)) {
      return false;
    }
    int prefix = Integer.parseInt(bits);
    return prefix <= (ip.contains(":") ? 128 : 32);
  }
}
