package dev.kvx.apiserver.schema;

import dev.kvx.apiserver.errors.StatusException;
import dev.kvx.apiserver.errors.Statuses;
import dev.kvx.apiserver.registry.ResourceType;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import tools.jackson.databind.node.ObjectNode;

/**
 * Decoding a built-in object the way upstream's decoder does, with the request's
 * {@code fieldValidation} directive: a value of the wrong JSON type is a 400 BadRequest; unknown
 * fields are dropped always (built-in kinds cannot store them), and reported as a 400 under
 * {@code Strict}, as {@code Warning} texts under {@code Warn}, not at all under {@code Ignore};
 * duplicate fields likewise. Kinds without a schema (custom resources) pass untouched.
 *
 * <p>Pure functions; call them on a decoded body before defaulting and validation.
 */
public final class FieldValidation {

  private FieldValidation() {}

  /** The {@code fieldValidation} query parameter. */
  public enum Directive {
    IGNORE("Ignore"),
    WARN("Warn"),
    STRICT("Strict");

    private final String wire;

    Directive(String wire) {
      this.wire = wire;
    }

    public String wire() {
      return wire;
    }

    /**
     * The directive of a request; absent means {@code Warn}, upstream's default since 1.27. An
     * unknown value is a 422 on the request's options kind ({@code CreateOptions},
     * {@code UpdateOptions} or {@code PatchOptions}), as upstream validates it.
     */
    public static Directive parse(String value, String optionsKind) {
      if (value == null || value.isEmpty()) {
        return WARN;
      }
      for (Directive d : values()) {
        if (d.wire.equals(value)) {
          return d;
        }
      }
      throw Statuses.invalid("meta.k8s.io", optionsKind, "", List.of(new StatusException.Cause(
          "FieldValueNotSupported", "fieldValidation",
          "Unsupported value: \"" + value + "\": supported values: \"\", \"Ignore\", \"Warn\", \"Strict\"")));
    }
  }

  /** Unknown field paths of an object, e.g. {@code spec.foo}, {@code spec.containers[0].bar}. */
  public static List<String> unknownFields(ResourceType type, ObjectNode obj) {
    return BuiltinSchemas.of(type)
        .map(s -> SchemaWalk.walk(s, obj, false).unknown)
        .orElse(List.of());
  }

  /** Drops unknown fields and nulls in place, as decoding into the Go types does. */
  public static void prune(ResourceType type, ObjectNode obj) {
    BuiltinSchemas.of(type).ifPresent(s -> SchemaWalk.walk(s, obj, true));
  }

  /** The decoder's message for the first value of the wrong type, if any. */
  public static Optional<String> typeError(ResourceType type, ObjectNode obj) {
    return BuiltinSchemas.of(type).map(s -> SchemaWalk.walk(s, obj, false).typeError);
  }

  /**
   * Decodes {@code obj} in place: type check, prune, and the directive's handling of unknown and
   * duplicate fields.
   *
   * @param duplicates the body's duplicated fields ({@link DuplicateFields#of}); empty when the
   *     body was not JSON or YAML
   * @return the warnings to send as {@code Warning: 299 - "<text>"} headers (only under Warn)
   * @throws StatusException 400 BadRequest for a mistyped value, or for unknown or duplicate
   *     fields under Strict
   */
  public static List<String> decode(
      ResourceType type, ObjectNode obj, List<String> duplicates, Directive directive) {
    Optional<Schema> schema = BuiltinSchemas.of(type);
    List<String> problems = new ArrayList<>();
    duplicates.forEach(d -> problems.add("duplicate field \"" + d + "\""));
    if (schema.isPresent()) {
      SchemaWalk walk = SchemaWalk.walk(schema.get(), obj, true);
      if (walk.typeError != null) {
        throw cannotBeHandled(type, walk.typeError);
      }
      walk.unknown.forEach(u -> problems.add("unknown field \"" + u + "\""));
    }
    if (problems.isEmpty() || directive == Directive.IGNORE) {
      return List.of();
    }
    if (directive == Directive.STRICT) {
      throw cannotBeHandled(type, "strict decoding error: " + String.join(", ", problems));
    }
    return List.copyOf(problems);
  }

  /** Upstream's decode failure: {@code Pod in version "v1" cannot be handled as a Pod: …}. */
  public static StatusException cannotBeHandled(ResourceType type, String why) {
    return Statuses.badRequest(type.kind() + " in version \"" + type.version()
        + "\" cannot be handled as a " + type.kind() + ": " + why);
  }
}
