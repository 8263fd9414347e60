package dev.kvx.apiserver.discovery;

import dev.kvx.apiserver.registry.ResourceType;
import java.util.List;
import java.util.Map;

/**
 * What kube-apiserver 1.32 publishes for each subresource and where its verbs differ from the
 * standard set: the kind a subresource answers with (which may live in another group, such as
 * {@code deployments/scale} → autoscaling/v1 Scale) and the verbs it serves.
 */
final class Subresources {

  /** The published shape of one subresource; group and version are empty when the parent's. */
  record Subresource(String group, String version, String kind, List<String> verbs) {}

  private static final List<String> GET_PATCH_UPDATE = List.of("get", "patch", "update");
  private static final List<String> CREATE = List.of("create");
  private static final List<String> CREATE_GET = List.of("create", "get");
  private static final List<String> PROXY = List.of("create", "delete", "get", "patch", "update");

  // Keyed by "<group>/<resource>/<subresource>" for the ones that are not "status-like".
  private static final Map<String, Subresource> SPECIAL = Map.ofEntries(
      Map.entry("/namespaces/finalize", new Subresource("", "", "Namespace", List.of("update"))),
      Map.entry("/nodes/proxy", new Subresource("", "", "NodeProxyOptions", PROXY)),
      Map.entry("/pods/attach", new Subresource("", "", "PodAttachOptions", CREATE_GET)),
      Map.entry("/pods/binding", new Subresource("", "", "Binding", CREATE)),
      Map.entry("/pods/ephemeralcontainers", new Subresource("", "", "Pod", GET_PATCH_UPDATE)),
      Map.entry("/pods/eviction", new Subresource("policy", "v1", "Eviction", CREATE)),
      Map.entry("/pods/exec", new Subresource("", "", "PodExecOptions", CREATE_GET)),
      Map.entry("/pods/log", new Subresource("", "", "Pod", List.of("get"))),
      Map.entry("/pods/portforward", new Subresource("", "", "PodPortForwardOptions", CREATE_GET)),
      Map.entry("/pods/proxy", new Subresource("", "", "PodProxyOptions", PROXY)),
      Map.entry("/services/proxy", new Subresource("", "", "ServiceProxyOptions", PROXY)),
      Map.entry("/serviceaccounts/token",
          new Subresource("authentication.k8s.io", "v1", "TokenRequest", CREATE)));

  private Subresources() {}

  /** How {@code type}'s subresource {@code name} is published. */
  static Subresource of(ResourceType type, String name) {
    Subresource special = SPECIAL.get(type.group() + "/" + type.plural() + "/" + name);
    if (special != null) {
      return special;
    }
    if (name.equals("scale")) {
      return new Subresource("autoscaling", "v1", "Scale", GET_PATCH_UPDATE);
    }
    // status, and whatever else a resource declares: the parent's kind, read and written whole.
    return new Subresource("", "", type.kind(), GET_PATCH_UPDATE);
  }

  /** The verbs of the resource itself: namespaces are the one built-in without deletecollection. */
  static List<String> verbs(ResourceType type) {
    if (type.group().isEmpty() && type.plural().equals("namespaces")) {
      return ResourceType.VERBS.stream().filter(v -> !v.equals("deletecollection")).toList();
    }
    return ResourceType.VERBS;
  }
}
