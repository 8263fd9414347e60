package dev.kvx.apiserver.openapi;

import dev.kvx.apiserver.json.Json;
import dev.kvx.apiserver.registry.ResourceRegistry;
import dev.kvx.apiserver.registry.ResourceType;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The OpenAPI v3 documents kubectl reads before apply, create and diff: an index at
 * {@code /openapi/v3} and one document per group-version. Each resource path has a PATCH
 * operation with its {@code x-kubernetes-group-version-kind} and a {@code fieldValidation}
 * parameter, which is what makes kubectl validate on the server instead of downloading schemas.
 */
public final class OpenApiV3 {

  private final ResourceRegistry registry;

  public OpenApiV3(ResourceRegistry registry) {
    this.registry = registry;
  }

  /** The index: {@code paths["apis/apps/v1"].serverRelativeURL} with a content hash. */
  public ObjectNode index() {
    ObjectNode root = Json.object();
    ObjectNode paths = root.putObject("paths");
    for (Map.Entry<String, List<String>> gv : registry.groupVersions().entrySet()) {
      for (String version : gv.getValue()) {
        String path = gv.getKey().isEmpty() ? "api/" + version : "apis/" + gv.getKey() + "/" + version;
        String hash = hash(document(gv.getKey(), version));
        paths.putObject(path).put("serverRelativeURL", "/openapi/v3/" + path + "?hash=" + hash);
      }
    }
    return root;
  }

  /** The document of one group-version, or null when it is not served. */
  public ObjectNode document(String group, String version) {
    List<ResourceType> types = registry.inGroupVersion(group, version);
    if (types.isEmpty()) {
      return null;
    }
    ObjectNode doc = Json.object();
    doc.put("openapi", "3.0.0");
    doc.putObject("info").put("title", "Kubernetes").put("version", "v1.32.0");
    ObjectNode paths = doc.putObject("paths");
    String base = group.isEmpty() ? "/api/" + version : "/apis/" + group + "/" + version;
    for (ResourceType t : types) {
      String collection = t.namespaced()
          ? base + "/namespaces/{namespace}/" + t.plural()
          : base + "/" + t.plural();
      paths.set(collection + "/{name}", itemPath(t, null));
      for (String sub : List.of("status", "scale")) {
        if (t.hasSubresource(sub)) {
          paths.set(collection + "/{name}/" + sub, itemPath(t, sub));
        }
      }
    }
    doc.putObject("components").putObject("schemas");
    return doc;
  }

  private static ObjectNode itemPath(ResourceType t, String subresource) {
    ObjectNode path = Json.object();
    for (String verb : List.of("get", "put", "patch", "delete")) {
      if (subresource != null && verb.equals("delete")) {
        continue;
      }
      ObjectNode op = path.putObject(verb);
      op.put("operationId", verb + t.kind() + (subresource == null ? "" : subresource));
      ObjectNode gvk = op.putObject("x-kubernetes-group-version-kind");
      gvk.put("group", t.group());
      gvk.put("version", t.version());
      gvk.put("kind", "scale".equals(subresource) ? "Scale" : t.kind());
      op.put("x-kubernetes-action", verb.equals("put") ? "put" : verb);
      ArrayNode params = op.putArray("parameters");
      if (verb.equals("patch") || verb.equals("put")) {
        params.addObject().put("name", "dryRun").put("in", "query").putObject("schema").put("type", "string");
        params.addObject().put("name", "fieldManager").put("in", "query").putObject("schema").put("type", "string");
        params.addObject().put("name", "fieldValidation").put("in", "query")
            .put("description", "fieldValidation instructs the server on how to handle objects in the request"
                + " containing unknown or duplicate fields.")
            .putObject("schema").put("type", "string").put("uniqueItems", true);
      }
      op.putObject("responses").putObject("200").put("description", "OK");
    }
    return path;
  }

  private static String hash(ObjectNode doc) {
    try {
      byte[] d = MessageDigest.getInstance("SHA-512").digest(Json.string(doc).getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().withUpperCase().formatHex(d, 0, 64);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
