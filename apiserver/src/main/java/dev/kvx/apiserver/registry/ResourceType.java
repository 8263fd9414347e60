package dev.kvx.apiserver.registry;

import java.util.List;
import java.util.Set;

/**
 * One served group/version/resource: what discovery publishes and what the REST layer routes.
 * Several versions of a resource (e.g. autoscaling/v1 and v2 HorizontalPodAutoscalers) share one
 * {@link #storagePrefix}.
 *
 * @param group API group, empty for the core group
 * @param version API version, e.g. {@code v1}
 * @param kind object kind, e.g. {@code Deployment}
 * @param plural resource name in URLs, e.g. {@code deployments}
 * @param singular e.g. {@code deployment}
 * @param namespaced whether objects live in a namespace
 * @param shortNames kubectl short names, e.g. {@code deploy}
 * @param categories e.g. {@code all}
 * @param subresources served subresources, e.g. {@code status}, {@code scale}
 * @param storagePrefix the key prefix below which objects are stored, ending in {@code /}
 */
public record ResourceType(
    String group,
    String version,
    String kind,
    String plural,
    String singular,
    boolean namespaced,
    List<String> shortNames,
    List<String> categories,
    Set<String> subresources,
    String storagePrefix) {

  /** The standard verbs every registered resource serves. */
  public static final List<String> VERBS =
      List.of("create", "delete", "deletecollection", "get", "list", "patch", "update", "watch");

  /** {@code apps/v1}, or {@code v1} for the core group. */
  public String apiVersion() {
    return group.isEmpty() ? version : group + "/" + version;
  }

  public String listKind() {
    return kind + "List";
  }

  /** {@code deployments.apps}, or {@code pods} for the core group (as in error messages). */
  public String groupResource() {
    return group.isEmpty() ? plural : plural + "." + group;
  }

  /** The key of one object: {@code <prefix><namespace>/<name>} or {@code <prefix><name>}. */
  public String key(String namespace, String name) {
    return namespaced ? storagePrefix + namespace + "/" + name : storagePrefix + name;
  }

  /** The prefix of all objects in one namespace, or of all objects when namespace is null. */
  public String prefix(String namespace) {
    return namespaced && namespace != null ? storagePrefix + namespace + "/" : storagePrefix;
  }

  public boolean hasSubresource(String name) {
    return subresources.contains(name);
  }
}
