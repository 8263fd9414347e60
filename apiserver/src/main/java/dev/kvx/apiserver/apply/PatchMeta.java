package dev.kvx.apiserver.apply;

import java.util.List;
import tools.jackson.databind.JsonNode;

/**
 * What strategic merge patch and server-side apply need to know about one node of an object's
 * schema: how a list merges (upstream's {@code patchStrategy}/{@code patchMergeKey} struct tags for
 * SMP; {@code x-kubernetes-list-type}/{@code x-kubernetes-list-map-keys} for SSA), whether an
 * object is a struct with declared fields, a free-form map or an atomic value, and the sub-schemas
 * of fields and items. A node without information ({@link #NONE}) merges maps key by key and
 * replaces lists, which is what upstream does for fields its schema does not describe.
 *
 * <p>Implementations are immutable and thread-safe; navigation never returns null.
 */
public interface PatchMeta {

  /** How server-side apply treats a list. */
  enum ListType {
    /** Replaced whole; one owner. */
    ATOMIC,
    /** A set of scalars, each owned on its own ({@code v:} path elements). */
    SET,
    /** Items keyed by {@link #listMapKeys()} ({@code k:} path elements). */
    MAP
  }

  /** The meta of field or map value {@code name} of this object node. */
  PatchMeta field(String name);

  /** The meta of this list node's items. */
  PatchMeta items();

  /** SMP strategies of this node, e.g. {@code [merge, retainKeys]}; empty when none. */
  List<String> patchStrategies();

  /** The SMP merge key of this list node, or null. */
  String patchMergeKey();

  /** The SSA list type of this list node. */
  ListType listType();

  /** The key fields of a {@link ListType#MAP} list, in declaration order. */
  List<String> listMapKeys();

  /** Whether SSA treats this object as one value ({@code x-kubernetes-map-type: atomic}). */
  boolean atomicObject();

  /**
   * Whether {@code name} is a declared field of this struct (as opposed to a key of a free-form map
   * or a field the schema does not know). SSA owns declared fields only through their leaves.
   */
  boolean declares(String name);

  /** The schema default of field {@code name}, used for list-map keys a client left out; or null. */
  JsonNode defaultOf(String name);

  /** Whether this object node is a struct (declared fields) rather than a free-form map. */
  default boolean isStruct() {
    return false;
  }

  default boolean mergesList() {
    return patchStrategies().contains("merge");
  }

  default boolean retainsKeys() {
    return patchStrategies().contains("retainKeys");
  }

  default boolean replaces() {
    return patchStrategies().contains("replace");
  }

  /** No schema information: maps merge by key, lists are atomic. */
  PatchMeta NONE = new PatchMeta() {
    @Override
    public PatchMeta field(String name) {
      return this;
    }

    @Override
    public PatchMeta items() {
      return this;
    }

    @Override
    public List<String> patchStrategies() {
      return List.of();
    }

    @Override
    public String patchMergeKey() {
      return null;
    }

    @Override
    public ListType listType() {
      return ListType.ATOMIC;
    }

    @Override
    public List<String> listMapKeys() {
      return List.of();
    }

    @Override
    public boolean atomicObject() {
      return false;
    }

    @Override
    public boolean declares(String name) {
      return false;
    }

    @Override
    public JsonNode defaultOf(String name) {
      return null;
    }

    @Override
    public String toString() {
      return "PatchMeta.NONE";
    }
  };
}
