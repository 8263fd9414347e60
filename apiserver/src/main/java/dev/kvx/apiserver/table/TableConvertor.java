package dev.kvx.apiserver.table;

import dev.kvx.apiserver.discovery.MediaRanges;
import dev.kvx.apiserver.discovery.MediaRanges.MediaRange;
import dev.kvx.apiserver.errors.Statuses;
import dev.kvx.apiserver.json.Json;
import dev.kvx.apiserver.registry.ResourceType;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * Renders objects as the {@code meta.k8s.io} Table {@code kubectl get} asks for ({@code Accept:
 * application/json;as=Table;v=v1;g=meta.k8s.io}), with the columns upstream's printers give each
 * built-in kind, a custom resource's printer columns, or NAME/CREATED AT for any other kind.
 *
 * <p>Like kube-apiserver, cells are always generated for every column; the client shows the
 * priority-1 ones only with {@code -o wide}. Each row's {@code object} follows {@code
 * includeObject}: {@code Metadata} (default) a PartialObjectMetadata, {@code Object} the object,
 * {@code None} nothing; any other value is a 400.
 *
 * <p>Watch: each event's object is a one-row Table; the first event carries the column
 * definitions and later ones {@code "columnDefinitions": null}, as upstream (see {@link
 * #watch}). ERROR events keep their Status unconverted.
 *
 * <p>Pure and thread-safe; printer columns of custom resources may be set from any thread.
 */
public final class TableConvertor {

  public static final String V1 = "meta.k8s.io/v1";
  public static final String V1BETA1 = "meta.k8s.io/v1beta1";

  private final Map<String, RowPrinter> customResources = new ConcurrentHashMap<>();

  // ---- negotiation -----------------------------------------------------------------------

  /** Whether the Accept header asks for a Table before any other representation kvx serves. */
  public static boolean wantsTable(String accept) {
    return tableVersion(accept) != null;
  }

  /**
   * The Table apiVersion the Accept header chose ({@link #V1} or {@link #V1BETA1}), or null when
   * the client prefers plain JSON/YAML (or offers no Table kvx can produce).
   */
  public static String tableVersion(String accept) {
    for (MediaRange range : MediaRanges.parse(accept)) {
      String as = range.parameter("as");
      if (as == null) {
        if (range.acceptsJson() || range.mediaType().equals("application/yaml")) {
          return null; // a plain representation comes first
        }
        continue; // protobuf and the like: not produced, try the next
      }
      if (as.equals("Table") && range.mediaType().equals("application/json")) {
        String g = range.parameter("g");
        if (g != null && !g.equals("meta.k8s.io")) {
          continue;
        }
        String v = range.parameter("v");
        if ("v1".equals(v)) {
          return V1;
        }
        if ("v1beta1".equals(v)) {
          return V1BETA1;
        }
      }
      // as=PartialObjectMetadata(List), or a Table version that does not exist: next choice.
    }
    return null;
  }

  // ---- custom resources ------------------------------------------------------------------

  /**
   * Uses a CRD version's printer columns for its custom resources from now on; an empty list
   * means the default AGE column, as apiextensions-apiserver serves.
   */
  public void setPrinterColumns(String group, String version, String kind, List<PrinterColumn> columns) {
    customResources.put(key(group, version, kind), new CustomResourcePrinter(columns));
  }

  /** Forgets a custom resource's columns (its CRD version is gone). */
  public void removePrinterColumns(String group, String version, String kind) {
    customResources.remove(key(group, version, kind));
  }

  /** The column definitions a type's tables carry. */
  public List<TableColumn> columns(ResourceType type) {
    return printer(type).columns();
  }

  // ---- tables ----------------------------------------------------------------------------

  /** A meta.k8s.io/v1 Table of a list, with column definitions. */
  public ObjectNode toTable(ResourceType type, List<ObjectNode> objects, String includeObject,
      String listResourceVersion, String continueToken, Instant now) {
    return toTable(type, objects, includeObject, listResourceVersion, continueToken, now, false, true);
  }

  /**
   * A Table of {@code objects}.
   *
   * @param includeObject {@code None}, {@code Metadata} (also for null or empty) or {@code Object}
   * @param listResourceVersion {@code metadata.resourceVersion} of the Table (a list's, or the
   *     object's for a single GET); omitted when null or empty
   * @param continueToken {@code metadata.continue}; omitted when null or empty
   * @param v1beta1 answer {@code meta.k8s.io/v1beta1} instead of v1 (same shape)
   * @param withColumnDefinitions false writes {@code "columnDefinitions": null} (watch events after
   *     the first)
   * @throws dev.kvx.apiserver.errors.StatusException 400 for an unknown includeObject
   */
  public ObjectNode toTable(ResourceType type, List<ObjectNode> objects, String includeObject,
      String listResourceVersion, String continueToken, Instant now, boolean v1beta1,
      boolean withColumnDefinitions) {
    String apiVersion = v1beta1 ? V1BETA1 : V1;
    Include include = Include.of(includeObject);
    RowPrinter printer = printer(type);

    ObjectNode table = Json.object();
    table.put("kind", "Table");
    table.put("apiVersion", apiVersion);
    ObjectNode meta = table.putObject("metadata");
    if (listResourceVersion != null && !listResourceVersion.isEmpty()) {
      meta.put("resourceVersion", listResourceVersion);
    }
    if (continueToken != null && !continueToken.isEmpty()) {
      meta.put("continue", continueToken);
    }
    if (withColumnDefinitions) {
      ArrayNode columns = table.putArray("columnDefinitions");
      printer.columns().forEach(c -> columns.add(c.toJson()));
    } else {
      table.putNull("columnDefinitions");
    }
    ArrayNode rows = table.putArray("rows");
    for (ObjectNode object : objects) {
      ObjectNode row = rows.addObject();
      ArrayNode cells = row.putArray("cells");
      for (Object cell : printer.cells(object, now)) {
        cells.add(cellNode(cell));
      }
      ArrayNode conditions = printer.conditions(object);
      if (conditions != null) {
        row.set("conditions", conditions);
      }
      JsonNode rowObject = include.render(type, object, apiVersion);
      if (rowObject != null) {
        row.set("object", rowObject);
      }
    }
    return table;
  }

  /**
   * The one-row Table a watch event carries; its resourceVersion is the object's.
   *
   * @param withColumnDefinitions true for the first event of a watch only
   */
  public ObjectNode toTableEvent(ResourceType type, ObjectNode object, String includeObject,
      boolean v1beta1, boolean withColumnDefinitions, Instant now) {
    String rv = object.path("metadata").path("resourceVersion").asString("");
    return toTable(type, List.of(object), includeObject, rv, null, now, v1beta1, withColumnDefinitions);
  }

  /**
   * The Tables of one watch stream: column definitions in the first one converted, none after,
   * exactly as kube-apiserver flips {@code NoHeaders} after its first event. Not thread-safe: one
   * per watch, used from that watch's context.
   */
  public Watch watch(ResourceType type, String includeObject, boolean v1beta1) {
    Include.of(includeObject); // reject a bad value before the stream starts
    return new Watch(type, includeObject, v1beta1);
  }

  /** See {@link #watch}. */
  public final class Watch {
    private final ResourceType type;
    private final String includeObject;
    private final boolean v1beta1;
    private boolean first = true;

    private Watch(ResourceType type, String includeObject, boolean v1beta1) {
      this.type = type;
      this.includeObject = includeObject;
      this.v1beta1 = v1beta1;
    }

    /** The event object for {@code object} (ADDED, MODIFIED, DELETED events). */
    public ObjectNode next(ObjectNode object, Instant now) {
      ObjectNode t = toTableEvent(type, object, includeObject, v1beta1, first, now);
      first = false;
      return t;
    }
  }

  // ---- internals -------------------------------------------------------------------------

  private RowPrinter printer(ResourceType type) {
    RowPrinter custom = customResources.get(key(type.group(), type.version(), type.kind()));
    if (custom != null) {
      return custom;
    }
    RowPrinter builtin = Printers.builtin(type.group(), type.kind());
    return builtin != null ? builtin : Printers.DEFAULT;
  }

  private static String key(String group, String version, String kind) {
    return group + "/" + version + "/" + kind;
  }

  private static JsonNode cellNode(Object cell) {
    JsonNodeFactory f = Json.FACTORY;
    if (cell == null) {
      return f.nullNode();
    } else if (cell instanceof String s) {
      return f.stringNode(s);
    } else if (cell instanceof Long l) {
      return f.numberNode(l);
    } else if (cell instanceof Integer i) {
      return f.numberNode(i.longValue());
    } else if (cell instanceof Boolean b) {
      return f.booleanNode(b);
    } else if (cell instanceof Double d) {
      return f.numberNode(d);
    }
    return f.stringNode(cell.toString());
  }

  /** What a row's {@code object} holds. */
  private enum Include {
    NONE, METADATA, OBJECT;

    static Include of(String value) {
      if (value == null || value.isEmpty() || value.equals("Metadata")) {
        return METADATA;
      }
      if (value.equals("Object")) {
        return OBJECT;
      }
      if (value.equals("None")) {
        return NONE;
      }
      throw Statuses.badRequest("unrecognized includeObject value: \"" + value + "\"");
    }

    JsonNode render(ResourceType type, ObjectNode object, String tableApiVersion) {
      switch (this) {
        case OBJECT -> {
          ObjectNode copy = Json.object();
          copy.put("kind", object.path("kind").asString(type.kind()));
          copy.put("apiVersion", object.path("apiVersion").asString(type.apiVersion()));
          object.properties().forEach(e -> {
            if (!e.getKey().equals("kind") && !e.getKey().equals("apiVersion")) {
              copy.set(e.getKey(), e.getValue().deepCopy());
            }
          });
          return copy;
        }
        case METADATA -> {
          ObjectNode partial = Json.object();
          partial.put("kind", "PartialObjectMetadata");
          partial.put("apiVersion", tableApiVersion);
          JsonNode meta = object.get("metadata");
          partial.set("metadata", meta instanceof ObjectNode m ? m.deepCopy() : Json.object());
          return partial;
        }
        default -> {
          return null;
        }
      }
    }
  }
}
