package dev.kvx.apiserver.crd;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import tools.jackson.databind.JsonNode;

/**
 * Values printed the way upstream's Go code prints them in validation messages: {@code
 * field.Error} renders a bad value with {@code %q} (strings), {@code %v} (numbers, booleans) or
 * {@code %#v} (maps and slices decoded from JSON), and kube-openapi prints schema bounds with
 * {@code %v} of a float64.
 */
final class GoFormat {

  private GoFormat() {}

  /** A decoded JSON value as {@code field.Error.ErrorBody} writes its bad value. */
  static String badValue(JsonNode v) {
    if (v == null || v.isNull() || v.isMissingNode()) {
      return "null";
    }
    if (v.isString()) {
      return quote(v.asString());
    }
    if (v.isContainer()) {
      return sharpV(v);
    }
    return plainV(v);
  }

  /** {@code %v} of a scalar decoded into an interface{} (int64, float64, bool, string). */
  static String plainV(JsonNode v) {
    if (v.isIntegralNumber()) {
      return v.bigIntegerValue().toString();
    }
    if (v.isNumber()) {
      return floatV(v.doubleValue());
    }
    if (v.isBoolean()) {
      return Boolean.toString(v.booleanValue());
    }
    if (v.isString()) {
      return v.asString();
    }
    return sharpV(v);
  }

  /** {@code %#v} of an interface{} holding decoded JSON. */
  static String sharpV(JsonNode v) {
    if (v == null || v.isNull()) {
      return "interface {}(nil)";
    }
    if (v.isString()) {
      return quote(v.asString());
    }
    if (v.isArray()) {
      List<String> items = new ArrayList<>();
      v.forEach(i -> items.add(sharpV(i)));
      return "[]interface {}{" + String.join(", ", items) + "}";
    }
    if (v.isObject()) {
      Map<String, JsonNode> sorted = new TreeMap<>();
      v.properties().forEach(e -> sorted.put(e.getKey(), e.getValue()));
      List<String> items = new ArrayList<>();
      sorted.forEach((k, val) -> items.add(quote(k) + ":" + sharpV(val)));
      return "map[string]interface {}{" + String.join(", ", items) + "}";
    }
    return plainV(v);
  }

  /**
   * {@code %v} of a float64: the shortest digits that round-trip, in exponent form when the
   * exponent is below -4 or at least 6 (so 1000000 prints as {@code 1e+06}).
   */
  static String floatV(double d) {
    if (Double.isNaN(d)) {
      return "NaN";
    }
    if (Double.isInfinite(d)) {
      return d > 0 ? "+Inf" : "-Inf";
    }
    if (d == 0) {
      return (1 / d < 0) ? "-0" : "0";
    }
    BigDecimal b = new BigDecimal(Double.toString(d)).stripTrailingZeros();
    String digits = b.unscaledValue().abs().toString();
    int exp = digits.length() - b.scale() - 1;
    String sign = b.signum() < 0 ? "-" : "";
    if (exp < -4 || exp >= 6) {
      String mantissa = digits.length() == 1 ? digits : digits.charAt(0) + "." + digits.substring(1);
      String e = Integer.toString(Math.abs(exp));
      return sign + mantissa + "e" + (exp < 0 ? "-" : "+") + (e.length() < 2 ? "0" + e : e);
    }
    return b.toPlainString();
  }

  /** A schema bound ({@code minimum}, {@code multipleOf}, …) as kube-openapi prints it. */
  static String bound(BigDecimal b) {
    return floatV(b.doubleValue());
  }

  /** Go's {@code strconv.Quote}. */
  static String quote(String s) {
    StringBuilder sb = new StringBuilder(s.length() + 2).append('"');
    s.codePoints().forEach(c -> {
      switch (c) {
        case '"' -> sb.append("\\\"");
        case '\\' -> sb.append("\\\\");
        case 7 -> sb.append("\\a");
        case '\b' -> sb.append("\\b");
        case '\f' -> sb.append("\\f");
        case '\n' -> sb.append("\\n");
        case '\r' -> sb.append("\\r");
        case '\t' -> sb.append("\\t");
        case 11 -> sb.append("\\v");
        default -> {
          if (isPrintable(c)) {
            sb.appendCodePoint(c);
          } else if (c < 0x80) {
            sb.append(String.format("\\x%02x", c));
          } else if (c < 0x10000) {
            sb.append(String.format("\\u%04x", c));
          } else {
            sb.append(String.format("\\U%08x", c));
          }
        }
      }
    });
    return sb.append('"').toString();
  }

  private static boolean isPrintable(int c) {
    if (c == ' ') {
      return true;
    }
    int type = Character.getType(c);
    return !Character.isISOControl(c) && Character.isDefined(c)
        && type != Character.SPACE_SEPARATOR && type != Character.LINE_SEPARATOR
        && type != Character.PARAGRAPH_SEPARATOR && type != Character.FORMAT
        && type != Character.PRIVATE_USE && type != Character.SURROGATE && type != Character.UNASSIGNED;
  }

  /** {@code strconv.Quote} of each value, joined as {@code field.NotSupported} lists them. */
  static String quotedList(List<String> values) {
    List<String> q = new ArrayList<>(values.size());
    values.forEach(v -> q.add(quote(v)));
    return String.join(", ", q);
  }
}
