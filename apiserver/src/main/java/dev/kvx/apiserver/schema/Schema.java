package dev.kvx.apiserver.schema;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One node of a structural schema derived from a fabric8 model class, enough to prune and
 * type-check decoded objects, publish OpenAPI and drive strategic merge: a type, and for objects
 * their properties (a bean) or the schema of their values (a map), for arrays their items and
 * patch strategy. Bean schemas are shared and may be recursive (e.g. JSONSchemaProps), so walk
 * them along the data, never exhaustively. Immutable once {@link ModelSchemas} has built it.
 */
public final class Schema {

  /** Types as OpenAPI names them, plus Kubernetes' two string-or-number scalars. */
  public enum Type {
    OBJECT,
    ARRAY,
    STRING,
    INTEGER,
    NUMBER,
    BOOLEAN,
    /** intstr.IntOrString: an integer or a string ({@code x-kubernetes-int-or-string}). */
    INT_OR_STRING,
    /** resource.Quantity: a string in Kubernetes' quantity grammar, or a number. */
    QUANTITY,
    /** Anything (RawExtension, JSON, an untyped {@code Object}): kept as sent. */
    ANY
  }

  /**
   * Upstream's strategic-merge annotations of a list ({@code x-kubernetes-patch-strategy},
   * {@code x-kubernetes-patch-merge-key}); {@code mergeKey} is null for lists of scalars.
   */
  public record PatchStrategy(String strategy, String mergeKey) {}

  private final Type type;
  private final String format;
  private final Class<?> modelClass;
  private final Schema items;
  private final Schema additionalProperties;
  private final PatchStrategy patch;
  private Map<String, Schema> properties = Map.of();

  private Schema(
      Type type, String format, Class<?> modelClass, Schema items, Schema additionalProperties,
      PatchStrategy patch) {
    this.type = type;
    this.format = format;
    this.modelClass = modelClass;
    this.items = items;
    this.additionalProperties = additionalProperties;
    this.patch = patch;
  }

  static Schema scalar(Type type, String format) {
    return new Schema(type, format, null, null, null, null);
  }

  static Schema array(Schema items, PatchStrategy patch) {
    return new Schema(Type.ARRAY, null, null, items, null, patch);
  }

  static Schema map(Schema values) {
    return new Schema(Type.OBJECT, null, null, null, values, null);
  }

  /** A bean whose properties are filled in later by {@link #define}, so cycles can refer to it. */
  static Schema bean(Class<?> modelClass) {
    return new Schema(Type.OBJECT, null, modelClass, null, null, null);
  }

  void define(Map<String, Schema> props) {
    this.properties = Collections.unmodifiableMap(new LinkedHashMap<>(props));
  }

  public Type type() {
    return type;
  }

  /** OpenAPI format: int32, int64, double, byte; null when none. */
  public String format() {
    return format;
  }

  /** The fabric8 class of a bean object (e.g. PodSpec), null for maps and scalars. */
  public Class<?> modelClass() {
    return modelClass;
  }

  /** Named properties of a bean object; empty for maps and non-objects. */
  public Map<String, Schema> properties() {
    return properties;
  }

  public Schema property(String name) {
    return properties.get(name);
  }

  /** The item schema of an array, else null. */
  public Schema items() {
    return items;
  }

  /** The value schema of a map (an object with free keys), else null. */
  public Schema additionalProperties() {
    return additionalProperties;
  }

  /** The strategic-merge annotations of an array, null when the list is replaced as a whole. */
  public PatchStrategy patchStrategy() {
    return patch;
  }

  public boolean isBean() {
    return type == Type.OBJECT && modelClass != null;
  }

  public boolean isMap() {
    return type == Type.OBJECT && additionalProperties != null;
  }

  /**
   * The Go type upstream's decoder names in its errors, e.g. {@code v1.NodeSelector},
   * {@code []v1.Container}, {@code map[string]string}, {@code int32}.
   */
  public String goType() {
    return switch (type) {
      case OBJECT -> isMap() ? "map[string]" + additionalProperties.goType()
          : modelClass == null ? "map[string]interface {}" : "v1." + modelClass.getSimpleName();
      case ARRAY -> "[]" + items.goType();
      case STRING -> "byte".equals(format) ? "[]uint8" : "string";
      case INTEGER -> "int64".equals(format) ? "int64" : "int32";
      case NUMBER -> "float64";
      case BOOLEAN -> "bool";
      case INT_OR_STRING -> "intstr.IntOrString";
      case QUANTITY -> "resource.Quantity";
      case ANY -> "interface {}";
    };
  }

  @Override
  public String toString() {
    return goType();
  }
}
