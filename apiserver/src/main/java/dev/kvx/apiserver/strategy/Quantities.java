package dev.kvx.apiserver.strategy;

import io.fabric8.kubernetes.api.model.Quantity;
import java.math.BigDecimal;
import java.util.regex.Pattern;
import tools.jackson.databind.JsonNode;

/** Resource quantities through fabric8's parser, held to upstream's grammar. */
final class Quantities {

  private Quantities() {}

  private static final Pattern GRAMMAR = Pattern.compile("^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$");

  /** The amount of a quantity value (a string or a number), or null when it is not one. */
  static BigDecimal amount(JsonNode v) {
    if (v == null) {
      return null;
    }
    if (v.isNumber()) {
      return v.decimalValue();
    }
    if (!v.isString() || !GRAMMAR.matcher(v.asString()).matches()) {
      return null;
    }
    try {
      return Quantity.parse(v.asString()).getNumericalAmount();
    } catch (RuntimeException e) {
      return null;
    }
  }
}
