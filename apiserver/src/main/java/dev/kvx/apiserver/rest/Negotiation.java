package dev.kvx.apiserver.rest;

import dev.kvx.apiserver.errors.Statuses;

/**
 * What representation a resource response takes, from the Accept header: a meta.k8s.io Table
 * (kubectl get), JSON, or YAML. Protobuf is not produced; clients that offer JSON too get JSON.
 */
public enum Negotiation {
  JSON,
  YAML,
  TABLE_V1,
  TABLE_V1BETA1,
  PARTIAL_METADATA;

  public static Negotiation of(String accept) {
    if (accept == null || accept.isBlank()) {
      return JSON;
    }
    for (String raw : accept.split(",")) {
      String part = raw.trim().toLowerCase();
      String media = part.contains(";") ? part.substring(0, part.indexOf(';')).trim() : part;
      boolean table = part.contains("as=table");
      if (table && media.equals("application/json")) {
        return part.contains("v=v1beta1") ? TABLE_V1BETA1 : TABLE_V1;
      }
      if (part.contains("as=partialobjectmetadata")) {
        continue; // not supported yet: fall through to the next choice, as upstream does when absent
      }
      switch (media) {
        case "application/json", "application/*", "*/*", "application/json-patch+json",
            "application/merge-patch+json", "application/strategic-merge-patch+json" -> {
          return JSON;
        }
        case "application/yaml" -> {
          return YAML;
        }
        default -> {}
      }
    }
    throw Statuses.notAcceptable("only the following media types are accepted: application/json, application/yaml,"
        + " application/json;as=Table;v=v1;g=meta.k8s.io");
  }
}
