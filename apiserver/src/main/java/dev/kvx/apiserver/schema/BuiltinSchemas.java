package dev.kvx.apiserver.schema;

import dev.kvx.apiserver.registry.ResourceType;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.KubernetesResource;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Enumeration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The schema of each built-in kind, found through fabric8's own list of model classes (the
 * {@code META-INF/services/...KubernetesResource} files its deserializer uses) and matched by the
 * {@code @Group}/{@code @Version} annotations fabric8 puts on each root class. Only the
 * candidates whose simple name is the kind are loaded, so a lookup costs a few classes, not
 * fabric8's thousand. Kinds fabric8 does not model (custom resources) have no schema.
 */
public final class BuiltinSchemas {

  private static final String SERVICES =
      "META-INF/services/" + KubernetesResource.class.getName();

  private static final ModelSchemas MODELS = new ModelSchemas();
  private static final Map<String, Optional<Schema>> BY_GVK = new ConcurrentHashMap<>();

  private BuiltinSchemas() {}

  /** Simple class name → fabric8 root classes of that name, read once from the service files. */
  private static final class Index {
    static final Map<String, List<String>> BY_SIMPLE_NAME = load();

    private static Map<String, List<String>> load() {
      Map<String, List<String>> out = new HashMap<>();
      try {
        Enumeration<URL> files = BuiltinSchemas.class.getClassLoader().getResources(SERVICES);
        while (files.hasMoreElements()) {
          try (BufferedReader r = new BufferedReader(
              new InputStreamReader(files.nextElement().openStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = r.readLine()) != null) {
              String name = line.strip();
              if (name.isEmpty() || name.startsWith("#")) {
                continue;
              }
              String simple = name.substring(name.lastIndexOf('.') + 1);
              out.computeIfAbsent(simple, k -> new ArrayList<>()).add(name);
            }
          }
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      return out;
    }
  }

  /**
   * Builds the schemas of these kinds now. Blocking: the first build introspects a few hundred
   * model classes (about a second of CPU for all built-ins), so call it off the event loop at
   * start-up, and no request pays for it.
   */
  public static void preload(Collection<ResourceType> types) {
    types.forEach(BuiltinSchemas::of);
  }

  public static Optional<Schema> of(ResourceType type) {
    return of(type.group(), type.version(), type.kind());
  }

  /** The schema of {@code group/version, Kind} (core group ""), empty when fabric8 has none. */
  public static Optional<Schema> of(String group, String version, String kind) {
    return BY_GVK.computeIfAbsent(group + "/" + version + "/" + kind,
        k -> modelClass(group, version, kind).map(MODELS::of));
  }

  /** The fabric8 root class of a kind, e.g. {@code apps/v1 Deployment}. */
  public static Optional<Class<?>> modelClass(String group, String version, String kind) {
    for (String name : Index.BY_SIMPLE_NAME.getOrDefault(kind, List.of())) {
      Class<?> c;
      try {
        c = Class.forName(name, false, BuiltinSchemas.class.getClassLoader());
      } catch (ClassNotFoundException | LinkageError e) {
        continue;
      }
      if (!HasMetadata.class.isAssignableFrom(c)) {
        continue;
      }
      @SuppressWarnings("unchecked")
      Class<? extends HasMetadata> root = (Class<? extends HasMetadata>) c;
      String g = HasMetadata.getGroup(root);
      if (group.equals(g == null ? "" : g) && version.equals(HasMetadata.getVersion(root))) {
        return Optional.of(c);
      }
    }
    return Optional.empty();
  }
}
