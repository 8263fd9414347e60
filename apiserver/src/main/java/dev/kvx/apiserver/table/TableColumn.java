package dev.kvx.apiserver.table;

import dev.kvx.apiserver.json.Json;
import tools.jackson.databind.node.ObjectNode;

/**
 * One {@code columnDefinitions} entry of a meta.k8s.io Table. {@code priority} 0 columns are what
 * {@code kubectl get} prints; priority 1 ones are added by {@code -o wide}.
 *
 * @param type OpenAPI type of the cells: string, integer, number, boolean or date
 * @param format e.g. {@code name} for the column kubectl uses as the object's name, else empty
 */
public record TableColumn(String name, String type, String format, String description, int priority) {

  static final String NAME_DESCRIPTION =
      "Name must be unique within a namespace. Is required when creating resources, although some"
          + " resources may allow a client to request the generation of an appropriate name"
          + " automatically. Name is primarily intended for creation idempotence and configuration"
          + " definition. Cannot be updated. More info:"
          + " https://kubernetes.io/docs/concepts/overview/working-with-objects/names#names";
  static final String CREATION_DESCRIPTION =
      "CreationTimestamp is a timestamp representing the server time when this object was"
          + " created. It is not guaranteed to be set in happens-before order across separate"
          + " operations. Clients may not set this value. It is represented in RFC3339 form and is"
          + " in UTC.\n\nPopulated by the system. Read-only. Null for lists. More info:"
          + " https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#metadata";

  /** The NAME column every table starts with. */
  static TableColumn nameColumn() {
    return new TableColumn("Name", "string", "name", NAME_DESCRIPTION, 0);
  }

  /** The AGE column: a human duration since creation, as a string cell. */
  static TableColumn ageColumn() {
    return new TableColumn("Age", "string", "", CREATION_DESCRIPTION, 0);
  }

  static TableColumn string(String name, String description) {
    return new TableColumn(name, "string", "", description, 0);
  }

  static TableColumn integer(String name, String description) {
    return new TableColumn(name, "integer", "", description, 0);
  }

  static TableColumn bool(String name, String description) {
    return new TableColumn(name, "boolean", "", description, 0);
  }

  /** The same column shown only with {@code -o wide}. */
  TableColumn wide() {
    return new TableColumn(name, type, format, description, 1);
  }

  /** The JSON of the column; Go writes all five fields, empty or not. */
  ObjectNode toJson() {
    ObjectNode c = Json.object();
    c.put("name", name);
    c.put("type", type);
    c.put("format", format == null ? "" : format);
    c.put("description", description == null ? "" : description);
    c.put("priority", priority);
    return c;
  }
}
