package dev.kvx.apiserver.crd;

import dev.kvx.apiserver.errors.StatusException.Cause;
import java.util.List;

/**
 * apimachinery's {@code field.Error} constructors for this package: each gives the cause reason
 * ({@code FieldValueInvalid}, …) and the message {@code ErrorBody} renders. Bad values are passed
 * already rendered (see {@link GoFormat}).
 */
final class FieldErrors {

  private FieldErrors() {}

  static Cause required(String field, String detail) {
    return new Cause("FieldValueRequired", field, withDetail("Required value", detail));
  }

  static Cause invalid(String field, String renderedValue, String detail) {
    return new Cause("FieldValueInvalid", field, withDetail("Invalid value: " + renderedValue, detail));
  }

  /** {@code field.Invalid} of a string value (quoted as {@code %q}). */
  static Cause invalidString(String field, String value, String detail) {
    return invalid(field, GoFormat.quote(value == null ? "" : value), detail);
  }

  static Cause typeInvalid(String field, String renderedValue, String detail) {
    return new Cause("FieldValueTypeInvalid", field, withDetail("Invalid value: " + renderedValue, detail));
  }

  static Cause notSupported(String field, String renderedValue, List<String> supported) {
    String detail = supported.isEmpty() ? "" : "supported values: " + GoFormat.quotedList(supported);
    return new Cause("FieldValueNotSupported", field, withDetail("Unsupported value: " + renderedValue, detail));
  }

  static Cause forbidden(String field, String detail) {
    return new Cause("FieldValueForbidden", field, withDetail("Forbidden", detail));
  }

  static Cause duplicate(String field, String renderedValue) {
    return new Cause("FieldValueDuplicate", field, "Duplicate value: " + renderedValue);
  }

  static Cause tooLong(String field, long max) {
    String detail = max >= 0 ? "may not be more than " + max + (max == 1 ? " byte" : " bytes") : "value is too long";
    return new Cause("FieldValueTooLong", field, withDetail("Too long", detail));
  }

  static Cause tooMany(String field, long actual, long max) {
    String detail = max >= 0 ? "must have at most " + max + (max == 1 ? " item" : " items") : "has too many items";
    String body = actual >= 0 ? "Too many: " + actual : "Too many";
    return new Cause("FieldValueTooMany", field, withDetail(body, detail));
  }

  private static String withDetail(String body, String detail) {
    return detail == null || detail.isEmpty() ? body : body + ": " + detail;
  }
}
