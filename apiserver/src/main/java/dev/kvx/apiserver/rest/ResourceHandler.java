package dev.kvx.apiserver.rest;

import dev.kvx.apiserver.apply.FieldManager;
import dev.kvx.apiserver.apply.FieldManagers;
import dev.kvx.apiserver.cache.CachedObject;
import dev.kvx.apiserver.cache.WatchCache;
import dev.kvx.apiserver.errors.Statuses;
import dev.kvx.apiserver.json.Json;
import dev.kvx.apiserver.registry.ResourceRegistry;
import dev.kvx.apiserver.registry.ResourceType;
import dev.kvx.apiserver.schema.DuplicateFields;
import dev.kvx.apiserver.schema.FieldValidation;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.RoutingContext;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Serves every registered resource: routes a parsed {@link RequestInfo} to get, list, watch,
 * create, update, patch, delete or deletecollection. Decisions live in {@link
 * ResourceOperations}; this class reads requests and writes responses.
 */
public final class ResourceHandler implements Handler<RoutingContext> {

  public static final String INFO_KEY = "kvx.requestInfo";
  private static final int MAX_CONSISTENT_WAIT_MS = 3000;

  private final ResourceRegistry registry;
  private final ResourceOperations ops;
  private final WatchCache cache;
  private final BodyDecoder decoder;
  private final TablePrinter tables;
  private final WatchHandler watches;
  private final List<SubresourceHandler> subresources = new ArrayList<>();

  public ResourceHandler(
      Vertx vertx, ResourceRegistry registry, ResourceOperations ops, WatchCache cache,
      BodyDecoder decoder, TablePrinter tables) {
    this.registry = registry;
    this.ops = ops;
    this.cache = cache;
    this.decoder = decoder;
    this.tables = tables;
    this.watches = new WatchHandler(vertx, cache, tables);
  }

  /** Adds a handler for a kind-specific subresource (binding, scale, eviction, …). */
  public void addSubresource(SubresourceHandler handler) {
    subresources.add(handler);
  }

  /** A kind-specific subresource; returns false when it does not serve the request. */
  public interface SubresourceHandler {
    boolean handle(RoutingContext rc, RequestInfo info, ResourceType type, ResourceHandler resources);
  }

  public ResourceOperations operations() {
    return ops;
  }

  public BodyDecoder decoder() {
    return decoder;
  }

  public WatchHandler watches() {
    return watches;
  }

  @Override
  public void handle(RoutingContext rc) {
    MultiMap q = rc.queryParams();
    RequestInfo info = RequestInfo.parse(rc.request().method(), rc.normalizedPath(),
        "true".equals(q.get("watch")) || "1".equals(q.get("watch")));
    if (info == null) {
      rc.next();
      return;
    }
    rc.put(INFO_KEY, info);
    try {
      if (info.group().isEmpty() && info.resource().equals("bindings") && info.verb().equals("create")) {
        // The older collection form of pods/binding: the pod is named by the body.
        ResourceType pods = registry.find("", "v1", "pods").orElseThrow();
        ObjectNode binding = decoder.decode(rc.request().getHeader("Content-Type"), rc.body().buffer());
        String pod = Json.text(binding, "metadata", "name");
        if (pod == null || pod.isEmpty()) {
          throw Statuses.invalid("", "Binding", "", "FieldValueRequired", "metadata.name", "Required value");
        }
        dev.kvx.apiserver.subresource.PodBinding.bind(rc, pods, this, info.namespace(), pod, binding);
        return;
      }
      ResourceType type = registry.find(info.group(), info.version(), info.resource())
          .orElseThrow(() -> Statuses.pathNotFound(rc.normalizedPath()));
      if (type.namespaced() && info.namespace() == null && info.name() != null) {
        throw Statuses.pathNotFound(rc.normalizedPath());
      }
      if (info.subresource() != null) {
        for (SubresourceHandler h : subresources) {
          if (h.handle(rc, info, type, this)) {
            return;
          }
        }
        if (!info.subresource().equals("status") || !type.hasSubresource("status")) {
          throw Statuses.pathNotFound(rc.normalizedPath());
        }
      }
      dispatch(rc, info, type);
    } catch (Throwable t) {
      Responses.error(rc, t);
    }
  }

  private void dispatch(RoutingContext rc, RequestInfo info, ResourceType type) {
    boolean dryRun = dryRun(rc, info.verb());
    String ns = info.namespace();
    Future<?> done = switch (info.verb()) {
      case "get" -> get(rc, type, ns, info.name());
      case "list" -> list(rc, type, ns);
      case "watch" -> {
        watches.watch(rc, type, ns, info.name(), ListOptions.parse(rc.queryParams(), type));
        yield Future.succeededFuture();
      }
      case "create" -> {
        if (info.name() != null) {
          throw Statuses.methodNotSupported(type.group(), type.plural(), "create");
        }
        ObjectNode body = decodeValidated(rc, type, "CreateOptions");
        yield ops.create(type, ns, body, dryRun, manager(rc, "CreateOptions"))
            .onSuccess(o -> writeObject(rc, 201, type, o));
      }
      case "update" -> {
        requireName(info, type);
        ObjectNode body = decodeValidated(rc, type, "UpdateOptions");
        yield ops.update(type, ns, info.name(), body, info.subresource(), dryRun, manager(rc, "UpdateOptions"))
            .onSuccess(o -> writeObject(rc, 200, type, o));
      }
      case "patch" -> {
        requireName(info, type);
        yield patch(rc, type, ns, info.name(), info.subresource(), dryRun)
            .onSuccess(w -> writeObject(rc, w.code(), type, w.object()));
      }
      case "delete" -> delete(rc, type, ns, info.name(), dryRun);
      case "deletecollection" -> deleteCollection(rc, type, ns, dryRun);
      default -> throw Statuses.methodNotSupported(type.group(), type.plural(), info.verb());
    };
    done.onFailure(t -> Responses.error(rc, t));
  }

  /**
   * The dryRun option of a write: absent, or {@code All}. Any other value is refused (422 on the
   * options kind, as upstream's ValidateDryRun) rather than taken as a real write.
   */
  private static boolean dryRun(RoutingContext rc, String verb) {
    List<String> values = rc.queryParams().getAll("dryRun");
    String optionsKind = switch (verb) {
      case "create" -> "CreateOptions";
      case "update" -> "UpdateOptions";
      case "patch" -> "PatchOptions";
      case "delete", "deletecollection" -> "DeleteOptions";
      default -> null;
    };
    if (values.isEmpty() || optionsKind == null) {
      return false;
    }
    if (!values.stream().allMatch("All"::equals)) {
      String sent = values.stream().map(v -> "\"" + v.replace("\"", "\\\"") + "\"")
          .collect(java.util.stream.Collectors.joining(", "));
      throw Statuses.invalid("meta.k8s.io", optionsKind, "", "FieldValueNotSupported", "dryRun",
          "Unsupported value: []string{" + sent + "}: supported values: \"All\"");
    }
    return true;
  }

  private static void requireName(RequestInfo info, ResourceType type) {
    if (info.name() == null) {
      throw Statuses.methodNotSupported(type.group(), type.plural(), info.verb());
    }
  }

  // ---- reads ----

  private Future<?> get(RoutingContext rc, ResourceType type, String ns, String name) {
    String rv = rc.queryParams().get("resourceVersion");
    Future<ObjectNode> obj;
    if ("0".equals(rv)) {
      CachedObject c = cache.get(type.key(ns, name));
      obj = c == null
          ? Future.failedFuture(Statuses.notFound(type.group(), type.plural(), name))
          : Future.succeededFuture(c.object().deepCopy());
    } else {
      obj = ops.store().get(type, ns, name);
    }
    return obj.onSuccess(o -> writeObject(rc, 200, type, versioned(type, o)));
  }

  private Future<?> list(RoutingContext rc, ResourceType type, String ns) {
    ListOptions opts = ListOptions.parse(rc.queryParams(), type);
    String prefix = type.prefix(ns);
    Context ctx = Vertx.currentContext();
    Future<Void> fresh;
    if (opts.continueToken() != null || "0".equals(opts.resourceVersion())) {
      fresh = Future.succeededFuture();
    } else if (opts.resourceVersion() == null) {
      fresh = cache.sync(ctx).mapEmpty();
    } else {
      long want = Long.parseLong(opts.resourceVersion());
      if ("Exact".equals(opts.resourceVersionMatch()) && want < cache.revision()) {
        throw Statuses.expired("The resourceVersion for the provided list is too old.");
      }
      fresh = cache.waitFor(want, MAX_CONSISTENT_WAIT_MS, ctx);
    }
    return fresh.map(v -> {
      String startAfter = null;
      if (opts.continueToken() != null) {
        startAfter = ListOptions.Continue.decode(opts.continueToken(), prefix).lastKey();
      }
      String exactName = opts.fields().exactValue("metadata.name");
      String scanPrefix = prefix;
      if (exactName != null && (ns != null || !type.namespaced())) {
        scanPrefix = type.key(ns, exactName); // one key: no scan of the whole type
      }
      int limit = opts.limit() > 0 ? opts.limit() : Integer.MAX_VALUE;
      WatchCache.Page page = cache.page(scanPrefix, startAfter, limit, exactFilter(opts, scanPrefix, prefix));
      String cont = page.lastKey() == null ? null : new ListOptions.Continue(page.revision(), page.lastKey()).encode();
      writeList(rc, type, page.items(), page.revision(), cont, page.remaining());
      return null;
    });
  }

  private static java.util.function.Predicate<CachedObject> exactFilter(ListOptions opts, String scan, String prefix) {
    java.util.function.Predicate<CachedObject> f = opts.filter();
    if (scan.equals(prefix)) {
      return f;
    }
    return o -> o.key().equals(scan) && f.test(o);
  }

  // ---- writes ----

  /** A written object and the status code to answer with (201 when an apply created it). */
  record Written(int code, ObjectNode object) {}

  /** The field manager of a write: the fieldManager parameter, else the User-Agent's product. */
  public static String manager(RoutingContext rc, String optionsKind) {
    String fieldManager = rc.queryParams().get("fieldManager");
    FieldManagers.validate(optionsKind, fieldManager, false, null);
    return FieldManagers.managerFor(fieldManager, rc.request().getHeader("User-Agent"));
  }

  private Future<Written> patch(RoutingContext rc, ResourceType type, String ns, String name, String sub, boolean dryRun) {
    String contentType = rc.request().getHeader("Content-Type");
    String patchType = Patches.typeOf(contentType);
    Buffer body = rc.body().buffer();
    if (body == null || body.length() == 0) {
      throw Statuses.badRequest("the request body is empty");
    }
    byte[] patch = body.getBytes();
    String fieldManager = rc.queryParams().get("fieldManager");
    boolean apply = Patches.APPLY_PATCH.equals(patchType);
    FieldManagers.validate("PatchOptions", fieldManager, apply, rc.queryParams().get("force"));
    String manager = FieldManagers.managerFor(fieldManager, rc.request().getHeader("User-Agent"));
    FieldManager fields = ops.schemas().fieldManager(type);
    FieldValidation.Directive directive =
        FieldValidation.Directive.parse(rc.queryParams().get("fieldValidation"), "PatchOptions");
    if (apply) {
      return apply(rc, type, ns, name, sub, dryRun, patch, manager, fields, directive);
    }
    Function<ObjectNode, ObjectNode> mutate = switch (patchType == null ? "" : patchType) {
      case Patches.JSON_PATCH -> current -> Patches.jsonPatch(current, patch);
      case Patches.MERGE_PATCH -> current -> Patches.mergePatch(current, patch);
      case Patches.STRATEGIC_MERGE_PATCH -> {
        if (!ops.schemas().isBuiltin(type)) {
          throw Statuses.unsupportedPatchType(
              List.of(Patches.JSON_PATCH, Patches.MERGE_PATCH, Patches.APPLY_PATCH));
        }
        JsonNode smp = parsePatch(patch);
        yield current -> fields.strategicMerge(current, smp);
      }
      default -> throw Statuses.unsupportedMediaType(contentType);
    };
    return ops.guaranteedUpdate(type, ns, name, sub, dryRun, manager, current -> {
      ObjectNode patched = mutate.apply(current);
      warn(rc, FieldValidation.decode(type, patched, List.of(), directive));
      return patched;
    }).map(o -> new Written(200, o));
  }

  /** Server-side apply: an update of the live object, or a create (201) when there is none. */
  private Future<Written> apply(RoutingContext rc, ResourceType type, String ns, String name, String sub,
      boolean dryRun, byte[] patch, String manager, FieldManager fields,
      FieldValidation.Directive directive) {
    JsonNode parsed;
    try {
      parsed = Json.YAML.readTree(patch);
    } catch (JacksonException e) {
      throw Statuses.badRequest("error decoding YAML: " + e.getOriginalMessage());
    }
    if (parsed == null || !parsed.isObject()) {
      throw Statuses.badRequest("the apply configuration must be an object");
    }
    ObjectNode config = (ObjectNode) parsed;
    List<String> duplicates = directive != FieldValidation.Directive.IGNORE ? DuplicateFields.of(patch, true) : List.of();
    warn(rc, FieldValidation.decode(type, config, duplicates, directive));
    ObjectNode configMeta = Json.with(config, "metadata");
    if (Json.text(configMeta, "name") == null) {
      configMeta.put("name", name);
    }
    boolean force = FieldManagers.force(rc.queryParams().get("force"));
    return ops.guaranteedUpdate(type, ns, name, sub, dryRun, null,
            current -> fields.apply(current, config, manager, force, sub))
        .map(o -> new Written(200, o))
        .recover(e -> {
          if (!Statuses.isNotFound(e) || sub != null) {
            return Future.failedFuture(e);
          }
          if (!name.equals(Json.text(configMeta, "name"))) {
            return Future.failedFuture(Statuses.badRequest("the name of the object (" + Json.text(configMeta, "name")
                + ") does not match the name on the URL (" + name + ")"));
          }
          return ops.create(type, ns, fields.apply(null, config, manager, force, null), dryRun, null)
              .map(o -> new Written(201, o));
        });
  }

  private static JsonNode parsePatch(byte[] patch) {
    try {
      return Json.parse(patch);
    } catch (JacksonException e) {
      throw Statuses.badRequest("error decoding patch: " + e.getOriginalMessage());
    }
  }

  /**
   * Decodes a create/update body and applies field validation as upstream's decoder does: unknown
   * fields of built-in kinds are pruned, and reported as warnings or (Strict) refused.
   */
  private ObjectNode decodeValidated(RoutingContext rc, ResourceType type, String optionsKind) {
    String contentType = rc.request().getHeader("Content-Type");
    ObjectNode body = decoder.decode(contentType, rc.body().buffer());
    FieldValidation.Directive directive =
        FieldValidation.Directive.parse(rc.queryParams().get("fieldValidation"), optionsKind);
    String media = Patches.typeOf(contentType);
    boolean yaml = media != null && media.contains("yaml");
    boolean json = media == null || media.equals("application/json");
    List<String> duplicates = (json || yaml) && directive != FieldValidation.Directive.IGNORE
        ? DuplicateFields.of(rc.body().buffer().getBytes(), yaml)
        : List.of();
    warn(rc, FieldValidation.decode(type, body, duplicates, directive));
    return body;
  }

  private static void warn(RoutingContext rc, List<String> warnings) {
    for (String w : warnings) {
      rc.response().headers().add("Warning", "299 - \"" + w.replace("\\", "\\\\").replace("\"", "\\\"") + "\"");
    }
  }

  private Future<?> delete(RoutingContext rc, ResourceType type, String ns, String name, boolean dryRun) {
    ResourceOperations.DeleteOptions opts = deleteOptions(rc, dryRun);
    return ops.delete(type, ns, name, opts).onSuccess(r -> {
      if (r.removed()) {
        writeObject(rc, 200, type, versioned(type, r.object()));
      } else {
        writeObject(rc, 200, type, versioned(type, r.object()));
      }
    });
  }

  private Future<?> deleteCollection(RoutingContext rc, ResourceType type, String ns, boolean dryRun) {
    ListOptions opts = ListOptions.parse(rc.queryParams(), type);
    ResourceOperations.DeleteOptions del = deleteOptions(rc, dryRun);
    return cache.sync(Vertx.currentContext()).compose(rev -> {
      WatchCache.Page page = cache.page(type.prefix(ns), null, Integer.MAX_VALUE, opts.filter());
      List<Future<ObjectNode>> each = new ArrayList<>();
      for (CachedObject o : page.items()) {
        String name = Json.text(o.object(), "metadata", "name");
        String objNs = Json.text(o.object(), "metadata", "namespace");
        each.add(ops.delete(type, objNs, name, del).map(ResourceOperations.DeleteResult::object)
            .recover(e -> Statuses.isNotFound(e) ? Future.succeededFuture(null) : Future.failedFuture(e)));
      }
      return Future.all(each).onSuccess(all -> {
        List<ObjectNode> deleted = new ArrayList<>();
        for (int i = 0; i < all.size(); i++) {
          ObjectNode o = all.resultAt(i);
          if (o != null) {
            deleted.add(o);
          }
        }
        writeObjects(rc, type, deleted, cache.revision());
      });
    });
  }

  private static ResourceOperations.DeleteOptions deleteOptions(RoutingContext rc, boolean dryRun) {
    MultiMap q = rc.queryParams();
    String policy = q.get("propagationPolicy");
    Long grace = q.get("gracePeriodSeconds") == null ? null : parseLong(q.get("gracePeriodSeconds"));
    String uid = null;
    String rv = null;
    if ("false".equals(q.get("orphanDependents"))) {
      policy = policy == null ? "Background" : policy;
    } else if ("true".equals(q.get("orphanDependents"))) {
      policy = policy == null ? "Orphan" : policy;
    }
    Buffer body = rc.body() == null ? null : rc.body().buffer();
    if (body != null && body.length() > 0) {
      JsonNode opts;
      try {
        opts = Json.parse(body.getBytes());
      } catch (RuntimeException e) {
        throw Statuses.badRequest("error decoding DeleteOptions: " + e.getMessage());
      }
      if (opts.isObject()) {
        if (opts.hasNonNull("propagationPolicy")) {
          policy = opts.get("propagationPolicy").asString();
        } else if (opts.hasNonNull("orphanDependents")) {
          policy = opts.get("orphanDependents").asBoolean() ? "Orphan" : "Background";
        }
        if (opts.hasNonNull("gracePeriodSeconds")) {
          grace = opts.get("gracePeriodSeconds").asLong();
        }
        JsonNode pre = opts.get("preconditions");
        if (pre != null && pre.isObject()) {
          uid = pre.hasNonNull("uid") ? pre.get("uid").asString() : null;
          rv = pre.hasNonNull("resourceVersion") ? pre.get("resourceVersion").asString() : null;
        }
        JsonNode dr = opts.get("dryRun");
        if (dr != null && dr.isArray() && !dr.isEmpty() && "All".equals(dr.get(0).asString())) {
          dryRun = true;
        }
      }
    }
    if (policy != null && !policy.equals("Orphan") && !policy.equals("Background") && !policy.equals("Foreground")) {
      throw Statuses.badRequest("propagationPolicy: Unsupported value: \"" + policy
          + "\": supported values: \"Foreground\", \"Background\", \"Orphan\"");
    }
    return new ResourceOperations.DeleteOptions(policy, grace, uid, rv, dryRun);
  }

  private static long parseLong(String s) {
    try {
      return Long.parseLong(s);
    } catch (NumberFormatException e) {
      throw Statuses.badRequest("invalid integer: " + s);
    }
  }

  // ---- rendering ----

  /** An object as served at {@code type}'s version (versions sharing storage differ only there). */
  static ObjectNode versioned(ResourceType type, ObjectNode obj) {
    if (!type.apiVersion().equals(Json.text(obj, "apiVersion"))) {
      obj.put("apiVersion", type.apiVersion());
    }
    return obj;
  }

  public void writeObject(RoutingContext rc, int code, ResourceType type, ObjectNode obj) {
    Negotiation n = Negotiation.of(rc.request().getHeader("Accept"));
    switch (n) {
      case TABLE_V1, TABLE_V1BETA1 -> Responses.json(rc, code, tables.print(type, List.of(obj),
          includeObject(rc), Json.text(obj, "metadata", "resourceVersion"), null, n == Negotiation.TABLE_V1BETA1, true));
      case YAML -> Responses.yaml(rc, code, obj);
      default -> Responses.json(rc, code, obj);
    }
  }

  private void writeObjects(RoutingContext rc, ResourceType type, List<ObjectNode> objs, long rev) {
    ObjectNode list = Json.object();
    list.put("kind", type.listKind());
    list.put("apiVersion", type.apiVersion());
    list.putObject("metadata").put("resourceVersion", Long.toString(rev));
    ArrayNode items = list.putArray("items");
    objs.forEach(o -> items.add(versioned(type, o)));
    Responses.json(rc, 200, list);
  }

  static String includeObject(RoutingContext rc) {
    String v = rc.queryParams().get("includeObject");
    return v == null || v.isEmpty() ? "Metadata" : v;
  }

  private void writeList(
      RoutingContext rc, ResourceType type, List<CachedObject> items, long rev, String cont, long remaining) {
    Negotiation n = Negotiation.of(rc.request().getHeader("Accept"));
    if (n == Negotiation.TABLE_V1 || n == Negotiation.TABLE_V1BETA1 || n == Negotiation.YAML) {
      List<ObjectNode> objs = new ArrayList<>(items.size());
      items.forEach(c -> objs.add(versioned(type, c.object().deepCopy())));
      if (n == Negotiation.YAML) {
        ObjectNode list = Json.object();
        list.put("kind", type.listKind());
        list.put("apiVersion", type.apiVersion());
        ObjectNode meta = list.putObject("metadata");
        meta.put("resourceVersion", Long.toString(rev));
        if (cont != null) {
          meta.put("continue", cont);
          meta.put("remainingItemCount", remaining);
        }
        ArrayNode arr = list.putArray("items");
        objs.forEach(arr::add);
        Responses.yaml(rc, 200, list);
      } else {
        Responses.json(rc, 200, tables.print(type, objs, includeObject(rc), Long.toString(rev), cont,
            n == Negotiation.TABLE_V1BETA1, true));
      }
      return;
    }
    // JSON: splice the cached bytes, no re-serialisation per object.
    StringBuilder head = new StringBuilder(128)
        .append("{\"kind\":\"").append(type.listKind())
        .append("\",\"apiVersion\":\"").append(type.apiVersion())
        .append("\",\"metadata\":{\"resourceVersion\":\"").append(rev).append('"');
    if (cont != null) {
      head.append(",\"continue\":\"").append(cont).append("\",\"remainingItemCount\":").append(remaining);
    }
    head.append("},\"items\":[");
    int size = head.length() + 2;
    for (CachedObject c : items) {
      size += c.json().length + 1;
    }
    Buffer buf = Buffer.buffer(size);
    buf.appendString(head.toString());
    boolean first = true;
    String apiVersion = type.apiVersion();
    for (CachedObject c : items) {
      if (!first) {
        buf.appendByte((byte) ',');
      }
      first = false;
      buf.appendBytes(bytesAt(apiVersion, c));
    }
    buf.appendString("]}");
    Responses.send(rc, 200, Responses.JSON, buf);
  }

  /** The cached JSON, re-encoded only when served at another version than stored. */
  static byte[] bytesAt(String apiVersion, CachedObject c) {
    if (apiVersion.equals(Json.text(c.object(), "apiVersion"))) {
      return c.json();
    }
    ObjectNode copy = c.object().deepCopy();
    copy.put("apiVersion", apiVersion);
    return Json.bytes(copy);
  }

  static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
