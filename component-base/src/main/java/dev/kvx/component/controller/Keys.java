package dev.kvx.component.controller;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.informers.cache.Cache;

/**
 * client-go's object keys: {@code namespace/name}, or {@code name} for cluster-scoped objects
 * ({@code cache.MetaNamespaceKeyFunc} and {@code SplitMetaNamespaceKey}).
 */
public final class Keys {
  private Keys() {}

  /** The key of {@code obj}. */
  public static String of(HasMetadata obj) {
    return Cache.metaNamespaceKeyFunc(obj);
  }

  /** The key of the object {@code name} in {@code namespace} (null or empty: cluster-scoped). */
  public static String of(String namespace, String name) {
    return namespace == null || namespace.isEmpty() ? name : namespace + "/" + name;
  }

  /** Splits a key into namespace ("" when cluster-scoped) and name. */
  public static NamespacedName split(String key) {
    int slash = key.indexOf('/');
    if (slash < 0) {
      return new NamespacedName("", key);
    }
    if (key.indexOf('/', slash + 1) >= 0) {
      throw new IllegalArgumentException("unexpected key format: \"" + key + "\"");
    }
    return new NamespacedName(key.substring(0, slash), key.substring(slash + 1));
  }

  /** A key taken apart. */
  public record NamespacedName(String namespace, String name) {
    public boolean clusterScoped() {
      return namespace.isEmpty();
    }
  }
}
