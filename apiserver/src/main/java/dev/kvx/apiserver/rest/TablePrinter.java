package dev.kvx.apiserver.rest;

import dev.kvx.apiserver.registry.ResourceType;
import java.util.List;
import tools.jackson.databind.node.ObjectNode;

/** Renders objects as a meta.k8s.io Table for {@code kubectl get}. */
@FunctionalInterface
public interface TablePrinter {

  /**
   * @param includeObject None, Metadata (default) or Object
   * @param v1beta1 answer meta.k8s.io/v1beta1 instead of v1
   * @param withColumns whether to include columnDefinitions (watch events after the first omit them)
   */
  ObjectNode print(
      ResourceType type,
      List<ObjectNode> objects,
      String includeObject,
      String resourceVersion,
      String continueToken,
      boolean v1beta1,
      boolean withColumns);
}
