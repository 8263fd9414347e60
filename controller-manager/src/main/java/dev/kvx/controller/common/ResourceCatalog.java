package dev.kvx.controller.common;

import io.fabric8.kubernetes.api.model.APIGroup;
import io.fabric8.kubernetes.api.model.APIResource;
import io.fabric8.kubernetes.api.model.APIResourceList;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The deletable resource types the API server serves, from discovery (upstream's {@code
 * GetDeletableResources}): every resource that supports list, watch and delete, in each group's
 * preferred version. The garbage collector watches them (less events); the namespace controller
 * empties a namespace of every namespaced one.
 */
public final class ResourceCatalog {
  /** What the garbage collector ignores, as upstream's default ignored resources. */
  public static final Set<String> GC_IGNORED = Set.of("/events", "events.k8s.io/events");

  private final Map<String, ResourceDefinitionContext> byGroupKind;

  private ResourceCatalog(Map<String, ResourceDefinitionContext> byGroupKind) {
    this.byGroupKind = byGroupKind;
  }

  /** Reads discovery now (blocking). */
  public static ResourceCatalog discover(KubernetesClient client) {
    Map<String, ResourceDefinitionContext> out = new LinkedHashMap<>();
    add(out, "", "v1", client.getApiResources("v1"));
    for (APIGroup g : client.getApiGroups().getGroups()) {
      String gv = g.getPreferredVersion() != null
          ? g.getPreferredVersion().getGroupVersion()
          : g.getVersions().get(0).getGroupVersion();
      add(out, g.getName(), gv.substring(gv.indexOf('/') + 1), client.getApiResources(gv));
    }
    return new ResourceCatalog(out);
  }

  public static ResourceCatalog of(List<ResourceDefinitionContext> contexts) {
    Map<String, ResourceDefinitionContext> out = new LinkedHashMap<>();
    contexts.forEach(c -> out.put(key(c.getGroup(), c.getKind()), c));
    return new ResourceCatalog(out);
  }

  private static void add(Map<String, ResourceDefinitionContext> out, String group, String version, APIResourceList list) {
    if (list == null) {
      return;
    }
    for (APIResource r : list.getResources()) {
      if (r.getName().contains("/")) {
        continue;
      }
      List<String> verbs = r.getVerbs() == null ? List.of() : r.getVerbs();
      if (!verbs.containsAll(List.of("list", "watch", "delete"))) {
        continue;
      }
      out.putIfAbsent(
          key(group, r.getKind()),
          new ResourceDefinitionContext.Builder()
              .withGroup(group)
              .withVersion(version)
              .withKind(r.getKind())
              .withPlural(r.getName())
              .withNamespaced(Boolean.TRUE.equals(r.getNamespaced()))
              .build());
    }
  }

  /** Every deletable type. */
  public List<ResourceDefinitionContext> all() {
    return new ArrayList<>(byGroupKind.values());
  }

  /** Every type but those in {@code ignored} ({@code group/plural}). */
  public List<ResourceDefinitionContext> except(Set<String> ignored) {
    return byGroupKind.values().stream()
        .filter(c -> !ignored.contains((c.getGroup() == null ? "" : c.getGroup()) + "/" + c.getPlural()))
        .toList();
  }

  /** Every namespaced type. */
  public List<ResourceDefinitionContext> namespaced() {
    return byGroupKind.values().stream().filter(ResourceDefinitionContext::isNamespaceScoped).toList();
  }

  /** The type an ownerReference's apiVersion and kind name (any version of the group). */
  public Optional<ResourceDefinitionContext> lookup(String apiVersion, String kind) {
    String group = apiVersion == null || !apiVersion.contains("/") ? "" : apiVersion.substring(0, apiVersion.indexOf('/'));
    return Optional.ofNullable(byGroupKind.get(key(group, kind)));
  }

  private static String key(String group, String kind) {
    return (group == null ? "" : group) + "/" + kind;
  }
}
