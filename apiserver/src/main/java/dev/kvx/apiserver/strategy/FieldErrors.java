package dev.kvx.apiserver.strategy;

import dev.kvx.apiserver.errors.StatusException.Cause;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Upstream's field errors ({@code k8s.io/apimachinery/pkg/util/validation/field}) as Status
 * causes: the cause type is the error type, the message is the error body without the field
 * ({@code Required value}, {@code Invalid value: "x": detail}, …). Bad values are printed the way
 * Go's {@code %q}/{@code %v}/{@code %#v} print them ({@link GoValues}).
 */
public final class FieldErrors {

  private FieldErrors() {}

  public static Cause required(FieldPath p, String detail) {
    return new Cause("FieldValueRequired", p.toString(), withDetail("Required value", detail));
  }

  public static Cause required(FieldPath p) {
    return required(p, "");
  }

  /** {@code value} is printed with {@link GoValues#of}; pass a {@link GoValues.Raw} to print as is. */
  public static Cause invalid(FieldPath p, Object value, String detail) {
    return new Cause("FieldValueInvalid", p.toString(),
        withDetail("Invalid value: " + GoValues.of(value), detail));
  }

  public static Cause notSupported(FieldPath p, Object value, List<String> supported) {
    String values = supported.stream().map(GoValues::quote).collect(Collectors.joining(", "));
    return new Cause("FieldValueNotSupported", p.toString(),
        "Unsupported value: " + GoValues.of(value) + ": supported values: " + values);
  }

  public static Cause duplicate(FieldPath p, Object value) {
    return new Cause("FieldValueDuplicate", p.toString(), "Duplicate value: " + GoValues.of(value));
  }

  public static Cause notFound(FieldPath p, Object value) {
    return new Cause("FieldValueNotFound", p.toString(), "Not found: " + GoValues.of(value));
  }

  public static Cause forbidden(FieldPath p, String detail) {
    return new Cause("FieldValueForbidden", p.toString(), withDetail("Forbidden", detail));
  }

  public static Cause tooLong(FieldPath p, int max) {
    return new Cause("FieldValueTooLong", p.toString(), "Too long: may not be more than " + max + " bytes");
  }

  /** {@code ValidateImmutableField}: the new value, "field is immutable". */
  public static Cause immutable(FieldPath p, Object newValue) {
    return invalid(p, newValue, "field is immutable");
  }

  private static String withDetail(String body, String detail) {
    return detail == null || detail.isEmpty() ? body : body + ": " + detail;
  }
}
