package dev.kvx.apiserver.table;

import static dev.kvx.apiserver.table.Obj.at;
import static dev.kvx.apiserver.table.Obj.num;
import static dev.kvx.apiserver.table.Obj.str;

import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import tools.jackson.databind.JsonNode;

/**
 * {@code kubectl get events}: LAST SEEN TYPE REASON OBJECT MESSAGE (wide: SUBOBJECT SOURCE FIRST
 * SEEN COUNT NAME). Upstream prints both core/v1 and events.k8s.io/v1 Events through the one
 * internal type; the two JSON shapes differ only in field names, given here per shape.
 */
final class EventPrinter implements RowPrinter {

  /** Field names of one Event shape. */
  private record Shape(String involvedObject, String message, String firstTimestamp,
      String lastTimestamp, String count, String source, String reportingController) {}

  private static final Shape CORE = new Shape("involvedObject", "message", "firstTimestamp",
      "lastTimestamp", "count", "source", "reportingComponent");
  private static final Shape EVENTS_V1 = new Shape("regarding", "note", "deprecatedFirstTimestamp",
      "deprecatedLastTimestamp", "deprecatedCount", "deprecatedSource", "reportingController");

  static final EventPrinter CORE_EVENT = new EventPrinter(CORE);
  static final EventPrinter EVENTS_EVENT = new EventPrinter(EVENTS_V1);

  private static final List<TableColumn> COLUMNS = List.of(
      TableColumn.string("Last Seen", "The time at which the most recent occurrence of this event"
          + " was recorded."),
      TableColumn.string("Type", "Type of this event (Normal, Warning), new types could be added"
          + " in the future"),
      TableColumn.string("Reason", "This should be a short, machine understandable string that"
          + " gives the reason for the transition into the object's current status."),
      TableColumn.string("Object", "The object that this event is about."),
      TableColumn.string("Subobject", "If referring to a piece of an object instead of an entire"
          + " object, this string should contain a valid JSON/Go field access statement.").wide(),
      TableColumn.string("Source", "The component reporting this event.").wide(),
      TableColumn.string("Message", "A human-readable description of the status of this"
          + " operation."),
      TableColumn.string("First Seen", "The time at which the event was first recorded.").wide(),
      TableColumn.string("Count", "The number of times this event has occurred.").wide(),
      new TableColumn("Name", "string", "name", TableColumn.NAME_DESCRIPTION, 1));

  private final Shape shape;

  private EventPrinter(Shape shape) {
    this.shape = shape;
  }

  @Override
  public List<TableColumn> columns() {
    return COLUMNS;
  }

  @Override
  public List<Object> cells(JsonNode event, Instant now) {
    Instant first = Obj.time(event, shape.firstTimestamp);
    String firstSeen = first != null ? HumanDuration.since(first, now)
        : HumanDuration.since(Obj.time(event, "eventTime"), now);
    Instant last = Obj.time(event, shape.lastTimestamp);
    String lastSeen = last != null ? HumanDuration.since(last, now) : firstSeen;
    long count = num(event, shape.count);
    if (at(event, "series").isObject()) {
      lastSeen = HumanDuration.since(Obj.time(event, "series", "lastObservedTime"), now);
      count = num(event, "series", "count");
    } else if (count == 0) {
      count = 1; // singleton events carry no count in the new API
    }
    JsonNode regarding = at(event, shape.involvedObject);
    String kind = str(regarding, "kind").toLowerCase();
    String target = str(regarding, "name").isEmpty() ? kind : kind + "/" + str(regarding, "name");
    String component = firstNonEmpty(str(event, shape.source, "component"),
        str(event, shape.reportingController));
    String instance = firstNonEmpty(str(event, shape.source, "host"), str(event, "reportingInstance"));
    String source = instance.isEmpty() ? component : component + ", " + instance;
    return Arrays.asList(lastSeen, str(event, "type"), str(event, "reason"), target,
        str(regarding, "fieldPath"), source, str(event, shape.message).strip(), firstSeen, count,
        Obj.name(event));
  }

  private static String firstNonEmpty(String a, String b) {
    return a.isEmpty() ? b : a;
  }
}
