package dev.kvx.apiserver.schema;

import dev.kvx.apiserver.schema.Schema.Type;
import io.fabric8.kubernetes.api.model.AnyType;
import io.fabric8.kubernetes.api.model.FieldsV1;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Quantity;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import tools.jackson.databind.BeanDescription;
import tools.jackson.databind.DeserializationConfig;
import tools.jackson.databind.JavaType;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.introspect.AnnotatedClass;
import tools.jackson.databind.introspect.BeanPropertyDefinition;
import tools.jackson.databind.introspect.ClassIntrospector;
import tools.jackson.databind.json.JsonMapper;

/**
 * Derives {@link Schema}s from fabric8 model classes by asking Jackson how it would deserialize
 * them: each bean property's JSON name and Java type, lists, maps, and the two custom scalars
 * (IntOrString, Quantity). Classes with their own deserializer, {@code Object}, interfaces, JSON
 * trees, fabric8's {@link AnyType} and {@link FieldsV1} (managedFields' trie, free-form upstream
 * but an empty bean in fabric8) become {@link Type#ANY}. fabric8's catch-all
 * {@code additionalProperties} is an any-setter, not a property, so it never widens a schema.
 *
 * <p>Thread-safe; each class is introspected once.
 */
public final class ModelSchemas {

  /** A plain mapper: only its introspection (annotations, naming) is used, never its codecs. */
  private static final JsonMapper INTROSPECTION = JsonMapper.builder().build();

  private final Map<Class<?>, Schema> beans = new HashMap<>();

  /** The schema of a model class, e.g. {@code Pod.class}. */
  public synchronized Schema of(Class<?> model) {
    return schemaOf(INTROSPECTION.constructType(model), null, null);
  }

  private Schema schemaOf(JavaType t, Class<?> owner, String property) {
    Class<?> raw = t.getRawClass();
    if (raw == String.class || raw == Character.class || raw == char.class) {
      return Schema.scalar(Type.STRING, null);
    }
    if (raw == Integer.class || raw == int.class || raw == Short.class || raw == short.class) {
      return Schema.scalar(Type.INTEGER, "int32");
    }
    if (raw == Long.class || raw == long.class || raw == BigInteger.class) {
      return Schema.scalar(Type.INTEGER, "int64");
    }
    if (raw == Double.class || raw == double.class || raw == Float.class || raw == float.class
        || raw == BigDecimal.class) {
      return Schema.scalar(Type.NUMBER, "double");
    }
    if (raw == Boolean.class || raw == boolean.class) {
      return Schema.scalar(Type.BOOLEAN, null);
    }
    if (raw == byte[].class) {
      return Schema.scalar(Type.STRING, "byte");
    }
    if (IntOrString.class.isAssignableFrom(raw)) {
      return Schema.scalar(Type.INT_OR_STRING, "int-or-string");
    }
    if (Quantity.class.isAssignableFrom(raw)) {
      return Schema.scalar(Type.QUANTITY, null);
    }
    if (raw.isEnum()) {
      return Schema.scalar(Type.STRING, null);
    }
    if (t.isCollectionLikeType() || t.isArrayType()) {
      return Schema.array(schemaOf(t.getContentType(), null, null), PatchMergeKeys.of(owner, property));
    }
    if (t.isMapLikeType()) {
      return Schema.map(schemaOf(t.getContentType(), null, null));
    }
    if (raw == Object.class || raw.isInterface() || AnyType.class.isAssignableFrom(raw)
        || JsonNode.class.isAssignableFrom(raw) || raw == FieldsV1.class
        || raw.isPrimitive() || raw.getName().startsWith("java.")) {
      return Schema.scalar(Type.ANY, null);
    }
    Schema known = beans.get(raw);
    if (known != null) {
      return known;
    }
    DeserializationConfig cfg = INTROSPECTION.deserializationConfig();
    ClassIntrospector introspector = cfg.classIntrospectorInstance().forOperation(cfg);
    AnnotatedClass annotated = introspector.introspectClassAnnotations(t);
    if (cfg.getAnnotationIntrospector().findDeserializer(cfg, annotated) != null) {
      // fabric8 decodes this class itself (Duration, MicroTime, JSONSchemaPropsOr…): its wire
      // form is not its bean shape, so accept whatever is sent.
      Schema any = Schema.scalar(Type.ANY, null);
      beans.put(raw, any);
      return any;
    }
    Schema bean = Schema.bean(raw);
    beans.put(raw, bean); // before the properties, so recursive types end on this node
    BeanDescription description = introspector.introspectForDeserialization(t, annotated);
    Map<String, Schema> props = new LinkedHashMap<>();
    for (BeanPropertyDefinition p : description.findProperties()) {
      if (!p.couldDeserialize() || !(p.hasSetter() || p.hasField())) {
        continue;
      }
      props.put(p.getName(), schemaOf(p.getPrimaryType(), raw, p.getName()));
    }
    bean.define(props);
    return bean;
  }
}
