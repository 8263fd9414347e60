package dev.kvx.apiserver.table;

import java.time.Instant;
import java.util.List;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;

/**
 * How one kind is printed by {@code kubectl get}: its columns and the cells of one object, as
 * kube-apiserver's printers do (always the wide set: the client hides priority-1 columns).
 * Implementations are pure and thread-safe.
 */
interface RowPrinter {

  List<TableColumn> columns();

  /** One cell per column: a String, a Long, a Boolean, a Double or null. */
  List<Object> cells(JsonNode object, Instant now);

  /** The row's {@code conditions} (pods: Completed), or null. */
  default ArrayNode conditions(JsonNode object) {
    return null;
  }

  @FunctionalInterface
  interface Cells {
    List<Object> of(JsonNode object, Instant now);
  }

  /** A printer from its columns and a cell function. */
  static RowPrinter of(List<TableColumn> columns, Cells cells) {
    return new RowPrinter() {
      @Override
      public List<TableColumn> columns() {
        return columns;
      }

      @Override
      public List<Object> cells(JsonNode object, Instant now) {
        return cells.of(object, now);
      }
    };
  }
}
