package dev.kvx.apiserver.table;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import tools.jackson.databind.JsonNode;

/**
 * A custom resource's table, as apiextensions-apiserver builds it: NAME, then the CRD version's
 * printer columns (AGE when it declares none). Cells follow the column type: {@code date}
 * columns print a human age, {@code string} ones the value as Go's {@code fmt} writes it.
 */
final class CustomResourcePrinter implements RowPrinter {

  private final List<TableColumn> columns = new ArrayList<>();
  private final List<PrinterColumn> printerColumns;
  private final List<SimpleJsonPath> paths = new ArrayList<>();

  CustomResourcePrinter(List<PrinterColumn> declared) {
    this.printerColumns = declared.isEmpty() ? List.of(PrinterColumn.defaultAge()) : List.copyOf(declared);
    columns.add(TableColumn.nameColumn());
    for (PrinterColumn c : printerColumns) {
      columns.add(c.toTableColumn());
      SimpleJsonPath path;
      try {
        path = SimpleJsonPath.parse(c.jsonPath());
      } catch (IllegalArgumentException e) {
        path = null; // validated when the CRD is written; an unusable path prints empty cells
      }
      paths.add(path);
    }
  }

  @Override
  public List<TableColumn> columns() {
    return columns;
  }

  @Override
  public List<Object> cells(JsonNode object, Instant now) {
    List<Object> cells = new ArrayList<>();
    cells.add(Obj.name(object));
    for (int i = 0; i < printerColumns.size(); i++) {
      SimpleJsonPath path = paths.get(i);
      JsonNode value = path == null ? null : path.find(object);
      cells.add(value == null ? null : cell(printerColumns.get(i).type(), value, now));
    }
    return cells;
  }

  private static Object cell(String type, JsonNode value, Instant now) {
    switch (type) {
      case "integer":
        return value.isNumber() ? value.asLong() : null;
      case "number":
        return value.isNumber() ? value.asDouble() : null;
      case "boolean":
        return value.isBoolean() ? value.asBoolean() : null;
      case "date":
        if (!value.isString()) {
          return null;
        }
        try {
          return HumanDuration.since(OffsetDateTime.parse(value.asString()).toInstant(), now);
        } catch (DateTimeParseException e) {
          return "<invalid>";
        }
      case "string":
        return goPrint(value);
      default:
        return null;
    }
  }

  /** A JSON value as Go's {@code fmt.Fprint} writes the decoded interface{} value. */
  static String goPrint(JsonNode v) {
    if (v.isString()) {
      return v.asString();
    }
    if (v.isIntegralNumber()) {
      return v.bigIntegerValue().toString();
    }
    if (v.isNumber()) {
      return new BigDecimal(v.asString()).stripTrailingZeros().toPlainString();
    }
    if (v.isArray()) {
      List<String> items = new ArrayList<>();
      v.forEach(item -> items.add(goPrint(item)));
      return "[" + String.join(" ", items) + "]";
    }
    if (v.isObject()) {
      Map<String, String> sorted = new TreeMap<>();
      v.properties().forEach(e -> sorted.put(e.getKey(), goPrint(e.getValue())));
      List<String> items = new ArrayList<>();
      sorted.forEach((k, val) -> items.add(k + ":" + val));
      return "map[" + String.join(" ", items) + "]";
    }
    if (v.isNull()) {
      return "<nil>";
    }
    return v.asString();
  }
}
