package dev.kvx.apiserver.table;

import java.util.ArrayList;
import java.util.List;
import tools.jackson.databind.JsonNode;

/**
 * One {@code additionalPrinterColumns} entry of a CustomResourceDefinition version.
 *
 * @param type integer, number, string, boolean or date
 * @param jsonPath a simple JSONPath into the object: {@code .spec.replicas},
 *     {@code .status.conditions[0].type}, {@code .metadata.labels['app\.kubernetes\.io/name']}
 */
public record PrinterColumn(
    String name, String type, String format, String description, int priority, String jsonPath) {

  /** The columns of a CRD version's {@code additionalPrinterColumns} array (absent: none). */
  public static List<PrinterColumn> fromCrd(JsonNode additionalPrinterColumns) {
    List<PrinterColumn> out = new ArrayList<>();
    if (additionalPrinterColumns == null || !additionalPrinterColumns.isArray()) {
      return out;
    }
    for (JsonNode c : additionalPrinterColumns) {
      out.add(new PrinterColumn(
          Obj.str(c, "name"),
          Obj.str(c, "type"),
          Obj.str(c, "format"),
          Obj.str(c, "description"),
          (int) Obj.num(c, "priority"),
          Obj.str(c, "jsonPath")));
    }
    return out;
  }

  /** The column apiextensions serves when a CRD version declares none: Age from creationTimestamp. */
  static PrinterColumn defaultAge() {
    return new PrinterColumn("Age", "date", "", TableColumn.CREATION_DESCRIPTION, 0,
        ".metadata.creationTimestamp");
  }

  TableColumn toTableColumn() {
    return new TableColumn(name, type, format, description, priority);
  }
}
