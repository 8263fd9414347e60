package dev.kvx.apiserver.openapi;

import dev.kvx.apiserver.errors.Statuses;
import dev.kvx.apiserver.json.Json;
import dev.kvx.apiserver.registry.ResourceRegistry;
import dev.kvx.apiserver.registry.ResourceType;
import dev.kvx.apiserver.rest.Responses;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The OpenAPI v3 documents kubectl reads before apply, create, diff and explain: an index at {@code
 * /openapi/v3} whose {@code serverRelativeURL}s carry a content hash, and one document per
 * group-version with a path per resource and subresource and the component schemas of every kind
 * (see {@link SchemaCatalog}). Each PATCH operation carries its {@code
 * x-kubernetes-group-version-kind} and a {@code fieldValidation} parameter, which makes kubectl
 * validate on the server; built-in kinds also accept {@code application/strategic-merge-patch+json}
 * in their request body, which makes kubectl compute apply patches from these schemas.
 *
 * <p>Documents are built on first request and cached until the registry or a custom schema changes.
 * Building the first one loads every built-in schema and takes a while: {@link #warmUp} off the
 * event loop at start-up. Thread-safe; returned documents must not be modified.
 */
public final class OpenApiV3 {

  static final String TITLE = "Kubernetes";
  static final String VERSION = "v1.32.0";
  private static final String REF = "#/components/schemas/";
  private static final String PATCH = "io.k8s.apimachinery.pkg.apis.meta.v1.Patch";
  private static final String STATUS = "io.k8s.apimachinery.pkg.apis.meta.v1.Status";
  private static final List<String> PATCH_TYPES = List.of("application/apply-patch+yaml",
      "application/json-patch+json", "application/merge-patch+json", "application/strategic-merge-patch+json");

  /** One built document with its serialized bytes and their hash. */
  private record Built(long stamp, ObjectNode doc, byte[] json, String hash) {}

  private final ResourceRegistry registry;
  private final SchemaCatalog catalog;
  private final AtomicLong registryChanges = new AtomicLong();
  private final Map<String, Built> cache = new ConcurrentHashMap<>();

  public OpenApiV3(ResourceRegistry registry) {
    this(registry, new SchemaCatalog());
  }

  public OpenApiV3(ResourceRegistry registry, SchemaCatalog catalog) {
    this.registry = registry;
    this.catalog = catalog;
    registry.onAdd(t -> registryChanges.incrementAndGet());
    registry.onRemove(t -> registryChanges.incrementAndGet());
    BackgroundWarmUp.start();
  }

  /**
   * Builds the built-in definitions and the built-in v2 document once per JVM on a daemon thread,
   * so the first kubectl request rarely pays for them (it would, on whatever thread asks first).
   */
  private static final class BackgroundWarmUp {
    private static final java.util.concurrent.atomic.AtomicBoolean STARTED =
        new java.util.concurrent.atomic.AtomicBoolean();

    static void start() {
      if (STARTED.compareAndSet(false, true)) {
        Thread t = new Thread(() -> {
          BuiltinModels.buildAll();
          OpenApiV2.protobuf();
        }, "openapi-warm-up");
        t.setDaemon(true);
        t.setPriority(Thread.MIN_PRIORITY);
        t.start();
      }
    }
  }

  /** The schemas behind the documents; custom resource schemas are supplied through it. */
  public SchemaCatalog catalog() {
    return catalog;
  }

  /**
   * Builds the schemas of every built-in kind and every document now. Blocking and slow the first
   * time in a JVM (it loads fabric8's model): call it from a worker thread at start-up.
   */
  public void warmUp() {
    catalog.warmUp();
    index();
  }

  private long stamp() {
    return registryChanges.get() * 1_000_003L + catalog.generation();
  }

  /** The index: {@code paths["apis/apps/v1"].serverRelativeURL} with a content hash. */
  public ObjectNode index() {
    ObjectNode root = Json.object();
    ObjectNode paths = root.putObject("paths");
    for (Map.Entry<String, List<String>> gv : registry.groupVersions().entrySet()) {
      for (String version : gv.getValue()) {
        Built b = built(gv.getKey(), version);
        if (b != null) {
          String path = path(gv.getKey(), version);
          paths.putObject(path).put("serverRelativeURL", "/openapi/v3/" + path + "?hash=" + b.hash());
        }
      }
    }
    return root;
  }

  private static String path(String group, String version) {
    return group.isEmpty() ? "api/" + version : "apis/" + group + "/" + version;
  }

  /** The document of one group-version, or null when it is not served. */
  public ObjectNode document(String group, String version) {
    Built b = built(group, version);
    return b == null ? null : b.doc();
  }

  /** The content hash a document's URL carries, or null when the group-version is not served. */
  public String hash(String group, String version) {
    Built b = built(group, version);
    return b == null ? null : b.hash();
  }

  /**
   * Answers {@code GET /openapi/v3/<path>} as kube-openapi does: with the current hash the document
   * is immutable and cacheable for a year; with a stale hash the client is redirected to the
   * current one; without a hash it must revalidate (ETag).
   */
  public void serve(RoutingContext rc, String group, String version) {
    Built b = built(group, version);
    HttpServerResponse r = rc.response();
    if (b == null) {
      Responses.error(rc, Statuses.pathNotFound(rc.normalizedPath()));
      return;
    }
    String asked = rc.queryParams().get("hash");
    if (asked != null && !asked.isEmpty() && !asked.equals(b.hash())) {
      r.setStatusCode(301).putHeader("Location", "/openapi/v3/" + path(group, version) + "?hash=" + b.hash())
          .putHeader("Cache-Control", "no-cache, private").end();
      return;
    }
    String etag = "\"" + b.hash() + "\"";
    r.putHeader("ETag", etag).putHeader("Vary", "Accept");
    if (asked != null && !asked.isEmpty()) {
      r.putHeader("Cache-Control", "public, immutable").putHeader("Expires",
          DateTimeFormatter.RFC_1123_DATE_TIME.format(ZonedDateTime.now(ZoneOffset.UTC).plusYears(1)));
    } else {
      r.putHeader("Cache-Control", "no-cache, private");
    }
    if (etag.equals(rc.request().getHeader("If-None-Match"))) {
      r.setStatusCode(304).end();
      return;
    }
    r.setStatusCode(200).putHeader("Content-Type", "application/json").end(Buffer.buffer(b.json()));
  }

  private Built built(String group, String version) {
    long stamp = stamp();
    String key = group + "/" + version;
    Built b = cache.get(key);
    if (b != null && b.stamp() == stamp) {
      return b;
    }
    synchronized (this) {
      b = cache.get(key);
      if (b != null && b.stamp() == stamp) {
        return b;
      }
      ObjectNode doc = build(group, version);
      if (doc == null) {
        cache.remove(key);
        return null;
      }
      byte[] json = Json.bytes(doc);
      b = new Built(stamp, doc, json, sha512(json));
      cache.put(key, b);
      return b;
    }
  }

  private ObjectNode build(String group, String version) {
    List<ResourceType> types = registry.inGroupVersion(group, version);
    if (types.isEmpty()) {
      return null;
    }
    ObjectNode doc = Json.object();
    doc.put("openapi", "3.0.0");
    doc.putObject("info").put("title", TITLE).put("version", VERSION);
    ObjectNode paths = doc.putObject("paths");
    ObjectNode schemas = Json.object();
    String base = group.isEmpty() ? "/api/" + version : "/apis/" + group + "/" + version;
    for (ResourceType t : types) {
      String def = catalog.definitionName(t).orElse(null);
      for (String name : def == null ? Set.<String>of() : catalog.reachable(def)) {
        schemas.set(name, catalog.definition(name));
      }
      String collection = t.namespaced() ? base + "/namespaces/{namespace}/" + t.plural() : base + "/" + t.plural();
      boolean smp = catalog.isBuiltin(t);
      Operations ops = new Operations(t, def, smp);
      paths.set(collection, ops.collection());
      paths.set(collection + "/{name}", ops.item(null));
      for (String sub : List.of("status", "scale")) {
        if (t.hasSubresource(sub)) {
          String subDef = sub.equals("scale") ? catalog.scaleDefinitionName().orElse(null) : def;
          if (subDef != null && sub.equals("scale")) {
            for (String name : catalog.reachable(subDef)) {
              schemas.set(name, catalog.definition(name));
            }
          }
          paths.set(collection + "/{name}/" + sub, new Operations(t, subDef, smp).item(sub));
        }
      }
      if (t.namespaced()) {
        paths.set(base + "/" + t.plural(), ops.listAllNamespaces());
      }
    }
    schemas.set(PATCH, Json.object().put("type", "object")
        .put("description", "Patch is provided to give a concrete name and type to the Kubernetes PATCH request body."));
    schemas.set(STATUS, Json.object().put("type", "object")
        .put("description", "Status is a return value for calls that don't return other objects."));
    doc.putObject("components").set("schemas", schemas);
    return doc;
  }

  /** The operations of one resource's paths, named as upstream names them. */
  private static final class Operations {
    private final ResourceType type;
    private final String definition;
    private final boolean strategicMerge;
    private final String idSuffix;

    Operations(ResourceType type, String definition, boolean strategicMerge) {
      this.type = type;
      this.definition = definition;
      this.strategicMerge = strategicMerge;
      this.idSuffix = groupWord(type.group()) + capitalize(type.version()) + (type.namespaced() ? "Namespaced" : "")
          + type.kind();
    }

    ObjectNode collection() {
      ObjectNode path = Json.object();
      path.set("get", op("list", "list", null, false).put("operationId", "list" + idSuffix));
      ObjectNode post = op("post", "create", null, true);
      path.set("post", post);
      path.set("delete", op("deletecollection", "deleteCollection", null, false));
      params(path, false);
      return path;
    }

    ObjectNode listAllNamespaces() {
      ObjectNode path = Json.object();
      path.set("get", op("list", "list", null, false).put("operationId", "list" + groupWord(type.group())
          + capitalize(type.version()) + type.kind() + "ForAllNamespaces"));
      return path;
    }

    ObjectNode item(String subresource) {
      ObjectNode path = Json.object();
      path.set("get", op("get", "read", subresource, false));
      path.set("put", op("put", "replace", subresource, true));
      path.set("patch", op("patch", "patch", subresource, true));
      if (subresource == null) {
        path.set("delete", op("delete", "delete", null, false));
      }
      params(path, true);
      return path;
    }

    private void params(ObjectNode path, boolean named) {
      ArrayNode p = path.putArray("parameters");
      if (named) {
        p.addObject().put("name", "name").put("in", "path").put("required", true)
            .put("description", "name of the " + type.kind()).putObject("schema").put("type", "string")
            .put("uniqueItems", true);
      }
      if (type.namespaced()) {
        p.addObject().put("name", "namespace").put("in", "path").put("required", true)
            .put("description", "object name and auth scope, such as for teams and projects")
            .putObject("schema").put("type", "string").put("uniqueItems", true);
      }
      p.addObject().put("name", "pretty").put("in", "query")
          .put("description", "If 'true', then the output is pretty printed.")
          .putObject("schema").put("type", "string").put("uniqueItems", true);
    }

    private ObjectNode op(String action, String verb, String subresource, boolean write) {
      ObjectNode op = Json.object();
      String sub = subresource == null ? "" : capitalize(subresource);
      op.put("operationId", verb + idSuffix + sub);
      op.putArray("tags").add(groupWord(type.group()).toLowerCase() + "_" + type.version());
      ObjectNode gvk = op.putObject("x-kubernetes-group-version-kind");
      boolean scale = "scale".equals(subresource);
      gvk.put("group", scale ? "autoscaling" : type.group());
      gvk.put("version", scale ? "v1" : type.version());
      gvk.put("kind", scale ? "Scale" : type.kind());
      op.put("x-kubernetes-action", action);
      ArrayNode params = op.putArray("parameters");
      if (write) {
        query(params, "dryRun", "When present, indicates that modifications should not be persisted. An invalid"
            + " or unrecognized dryRun directive will result in an error response and no further processing of"
            + " the request. Valid values are: - All: all dry run stages will be processed");
        query(params, "fieldManager", "fieldManager is a name associated with the actor or entity that is making"
            + " these changes. The value must be less than or 128 characters long, and only contain printable"
            + " characters, as defined by https://golang.org/pkg/unicode/#IsPrint.");
        query(params, "fieldValidation", "fieldValidation instructs the server on how to handle objects in the"
            + " request (POST/PUT/PATCH) containing unknown or duplicate fields. Valid values are: - Ignore - Warn"
            + " - Strict");
        if (action.equals("patch")) {
          params.addObject().put("name", "force").put("in", "query")
              .put("description", "Force is going to \"force\" Apply requests. It means user will re-acquire"
                  + " conflicting fields owned by other people. Force flag must be unset for non-apply patch"
                  + " requests.")
              .putObject("schema").put("type", "boolean").put("uniqueItems", true);
        }
        ObjectNode body = op.putObject("requestBody");
        body.put("required", true);
        ObjectNode content = body.putObject("content");
        if (action.equals("patch")) {
          for (String t : PATCH_TYPES) {
            if (strategicMerge || !t.equals("application/strategic-merge-patch+json")) {
              content.putObject(t).putObject("schema").put("$ref", REF + PATCH);
            }
          }
        } else {
          content.putObject("*/*").set("schema", schemaRef());
        }
      }
      ObjectNode responses = op.putObject("responses");
      ObjectNode ok = responses.putObject("200");
      ok.put("description", "OK");
      ok.putObject("content").putObject("application/json").set("schema",
          action.equals("list") || action.equals("deletecollection") ? Json.object().put("type", "object")
              : schemaRef());
      if (action.equals("post") || action.equals("patch") || action.equals("put")) {
        ObjectNode created = responses.putObject("201");
        created.put("description", "Created");
        created.putObject("content").putObject("application/json").set("schema", schemaRef());
      }
      responses.putObject("401").put("description", "Unauthorized");
      return op;
    }

    private ObjectNode schemaRef() {
      return definition == null ? Json.object().put("type", "object") : Json.object().put("$ref", REF + definition);
    }

    private static void query(ArrayNode params, String name, String description) {
      params.addObject().put("name", name).put("in", "query").put("description", description)
          .putObject("schema").put("type", "string").put("uniqueItems", true);
    }
  }

  /**
   * The group as upstream's operation ids spell it: {@code apps} → {@code Apps}, the core group →
   * {@code Core}, {@code rbac.authorization.k8s.io} → {@code RbacAuthorization}.
   */
  static String groupWord(String group) {
    if (group.isEmpty()) {
      return "Core";
    }
    String g = group.endsWith(".k8s.io") ? group.substring(0, group.length() - ".k8s.io".length()) : group;
    StringBuilder sb = new StringBuilder();
    for (String part : g.split("[.-]")) {
      sb.append(capitalize(part));
    }
    return sb.toString();
  }

  static String capitalize(String s) {
    return s.isEmpty() ? s : Character.toUpperCase(s.charAt(0)) + s.substring(1);
  }

  static String sha512(byte[] bytes) {
    try {
      byte[] d = MessageDigest.getInstance("SHA-512").digest(bytes);
      return HexFormat.of().withUpperCase().formatHex(d);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
