package dev.kvx.apiserver.schema;

import dev.kvx.apiserver.json.Json;
import dev.kvx.apiserver.schema.Schema.PatchStrategy;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import tools.jackson.databind.node.ObjectNode;

/**
 * Renders schemas as OpenAPI v3 component schemas, one per model class, named as upstream names
 * its definitions ({@code io.k8s.api.core.v1.PodSpec}) and linked with {@code $ref}, with the
 * strategic-merge extensions kubectl reads ({@code x-kubernetes-patch-strategy},
 * {@code x-kubernetes-patch-merge-key}). Pure; the OpenAPI handler decides what to publish.
 */
public final class OpenApiSchemas {

  private static final String FABRIC8 = "io.fabric8.kubernetes.api.model.";
  private static final Pattern VERSION = Pattern.compile("v\\d+((alpha|beta)\\d+)?");
  private static final Set<String> META = Set.of(
      "ObjectMeta", "ListMeta", "LabelSelector", "LabelSelectorRequirement", "OwnerReference",
      "ManagedFieldsEntry", "Condition", "Status", "StatusDetails", "StatusCause", "DeleteOptions",
      "Preconditions");

  private OpenApiSchemas() {}

  /** {@code #/components/schemas/<name>} definitions of a root schema and every bean it reaches. */
  public static ObjectNode components(Schema root) {
    ObjectNode out = Json.object();
    Deque<Schema> todo = new ArrayDeque<>();
    Set<Class<?>> seen = new HashSet<>();
    enqueue(root, todo, seen);
    while (!todo.isEmpty()) {
      Schema bean = todo.pop();
      ObjectNode def = out.putObject(definitionName(bean.modelClass()));
      def.put("type", "object");
      ObjectNode props = def.putObject("properties");
      for (Map.Entry<String, Schema> p : bean.properties().entrySet()) {
        ObjectNode rendered = render(p.getValue(), todo, seen);
        PatchStrategy objectPatch = p.getValue().isBean()
            ? PatchMergeKeys.of(bean.modelClass(), p.getKey()) : null;
        if (objectPatch != null) {
          ObjectNode wrapped = Json.object();
          wrapped.putArray("allOf").add(rendered);
          wrapped.put("x-kubernetes-patch-strategy", objectPatch.strategy());
          rendered = wrapped;
        }
        props.set(p.getKey(), rendered);
      }
    }
    return out;
  }

  /** The schema of one use site: a {@code $ref} for beans, inline for the rest. */
  private static ObjectNode render(Schema s, Deque<Schema> todo, Set<Class<?>> seen) {
    ObjectNode n = Json.object();
    switch (s.type()) {
      case OBJECT -> {
        if (s.isBean()) {
          enqueue(s, todo, seen);
          n.put("$ref", "#/components/schemas/" + definitionName(s.modelClass()));
        } else {
          n.put("type", "object");
          if (s.isMap()) {
            n.set("additionalProperties", render(s.additionalProperties(), todo, seen));
          }
        }
      }
      case ARRAY -> {
        n.put("type", "array");
        n.set("items", render(s.items(), todo, seen));
        PatchStrategy patch = s.patchStrategy();
        if (patch != null) {
          n.put("x-kubernetes-patch-strategy", patch.strategy());
          if (patch.mergeKey() != null) {
            n.put("x-kubernetes-patch-merge-key", patch.mergeKey());
          }
        }
      }
      case STRING, INTEGER, NUMBER, BOOLEAN -> {
        n.put("type", s.type().name().toLowerCase());
        if (s.format() != null) {
          n.put("format", s.format());
        }
      }
      case INT_OR_STRING -> n.put("type", "string").put("format", "int-or-string")
          .put("x-kubernetes-int-or-string", true);
      case QUANTITY -> n.put("type", "string");
      case ANY -> n.put("x-kubernetes-preserve-unknown-fields", true);
    }
    return n;
  }

  private static void enqueue(Schema s, Deque<Schema> todo, Set<Class<?>> seen) {
    if (s.isBean() && seen.add(s.modelClass())) {
      todo.add(s);
    }
  }

  /**
   * Upstream's definition name of a fabric8 class: {@code apps.Deployment} →
   * {@code io.k8s.api.apps.v1.Deployment}, {@code ObjectMeta} →
   * {@code io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta}, {@code Pod} →
   * {@code io.k8s.api.core.v1.Pod}.
   */
  public static String definitionName(Class<?> model) {
    String name = model.getName().replace('$', '.');
    if (!name.startsWith(FABRIC8)) {
      return name;
    }
    String rest = name.substring(FABRIC8.length());
    int dot = rest.lastIndexOf('.');
    String simple = rest.substring(dot + 1);
    if (dot < 0) {
      return (META.contains(simple) ? "io.k8s.apimachinery.pkg.apis.meta.v1." : "io.k8s.api.core.v1.") + simple;
    }
    String pkg = rest.substring(0, dot);
    String last = pkg.substring(pkg.lastIndexOf('.') + 1);
    String versioned = VERSION.matcher(last).matches() ? pkg : pkg + ".v1";
    if (versioned.startsWith("apiextensions.")) {
      return "io.k8s.apiextensions-apiserver.pkg.apis." + versioned + "." + simple;
    }
    return "io.k8s.api." + versioned + "." + simple;
  }
}
