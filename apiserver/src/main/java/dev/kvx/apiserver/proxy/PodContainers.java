package dev.kvx.apiserver.proxy;

import dev.kvx.apiserver.errors.Statuses;
import dev.kvx.apiserver.json.Json;
import java.util.ArrayList;
import java.util.List;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Which container of a pod a log, exec or attach request means, as upstream's {@code
 * validateContainer}: the named one if the pod has it (init and ephemeral containers included), the
 * only one when none is named, else 400 listing the choices. Pure functions.
 */
final class PodContainers {

  private PodContainers() {}

  /** The container to use; throws BadRequest as kube-apiserver words it. */
  static String resolve(ObjectNode pod, String requested) {
    String podName = Json.text(pod, "metadata", "name");
    if (requested == null || requested.isEmpty()) {
      List<String> containers = names(pod.path("spec").path("containers"));
      if (containers.size() == 1) {
        return containers.get(0);
      }
      if (containers.isEmpty()) {
        throw Statuses.badRequest("a container name must be specified for pod " + podName);
      }
      // Go prints a []string as [a b c].
      throw Statuses.badRequest(
          "a container name must be specified for pod "
              + podName
              + ", choose one of: ["
              + String.join(" ", all(pod))
              + "]");
    }
    if (!all(pod).contains(requested)) {
      throw Statuses.badRequest("container " + requested + " is not valid for pod " + podName);
    }
    return requested;
  }

  /** spec.nodeName, or null when the pod is not bound to a node yet. */
  static String nodeName(ObjectNode pod) {
    String node = Json.text(pod, "spec", "nodeName");
    return node == null || node.isEmpty() ? null : node;
  }

  /** Init, regular and ephemeral containers, in the order upstream's VisitContainers walks them. */
  static List<String> all(ObjectNode pod) {
    JsonNode spec = pod.path("spec");
    List<String> names = new ArrayList<>(names(spec.path("initContainers")));
    names.addAll(names(spec.path("containers")));
    names.addAll(names(spec.path("ephemeralContainers")));
    return names;
  }

  private static List<String> names(JsonNode containers) {
    List<String> names = new ArrayList<>();
    for (JsonNode c : containers) {
      String name = c.path("name").asString("");
      if (!name.isEmpty()) {
        names.add(name);
      }
    }
    return names;
  }
}
