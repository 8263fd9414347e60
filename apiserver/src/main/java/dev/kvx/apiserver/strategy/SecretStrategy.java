package dev.kvx.apiserver.strategy;

import dev.kvx.apiserver.errors.StatusException.Cause;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.node.ObjectNode;

/**
 * core/v1 Secret: type Opaque by default, {@code stringData} folded into base64 {@code data} (as
 * upstream's conversion does), valid keys, the keys each well-known type requires, immutable type
 * and (when marked) immutable data.
 */
final class SecretStrategy implements ResourceStrategy {

  private static final List<String> DATA = List.of("data");
  private static final Map<String, List<String>> REQUIRED_KEYS = Map.of(
      "kubernetes.io/dockerconfigjson", List.of(".dockerconfigjson"),
      "kubernetes.io/dockercfg", List.of(".dockercfg"),
      "kubernetes.io/tls", List.of("tls.crt", "tls.key"),
      "kubernetes.io/ssh-auth", List.of("ssh-privatekey"));

  @Override
  public void prepareForCreate(ObjectNode secret) {
    applyDefaults(secret);
  }

  @Override
  public void prepareForUpdate(ObjectNode secret, ObjectNode old) {
    applyDefaults(secret);
  }

  private static void applyDefaults(ObjectNode secret) {
    Nodes.defaultString(secret, "type", "Opaque");
    ObjectNode stringData = Nodes.objectOrNull(secret, "stringData");
    if (stringData != null) {
      ObjectNode data = Nodes.object(secret, "data");
      if (data != null) {
        stringData.properties().forEach(e -> data.put(e.getKey(), java.util.Base64.getEncoder()
            .encodeToString(e.getValue().asString().getBytes(java.nio.charset.StandardCharsets.UTF_8))));
        secret.remove("stringData");
      }
    }
  }

  @Override
  public List<Cause> validate(ObjectNode secret) {
    List<Cause> out = new ArrayList<>(DataKeys.keys(secret, DATA));
    String type = Nodes.text(secret, "type");
    for (String key : REQUIRED_KEYS.getOrDefault(type, List.of())) {
      if (!secret.path("data").has(key)) {
        out.add(FieldErrors.required(FieldPath.root("data").key(key)));
      }
    }
    if (type.equals("kubernetes.io/service-account-token")
        && Nodes.text(secret.path("metadata").path("annotations"), "kubernetes.io/service-account.name").isEmpty()) {
      out.add(FieldErrors.required(FieldPath.root("metadata", "annotations").key("kubernetes.io/service-account.name")));
    }
    return out;
  }

  @Override
  public List<Cause> validateUpdate(ObjectNode secret, ObjectNode old) {
    List<Cause> out = new ArrayList<>(validate(secret));
    if (!Nodes.text(secret, "type").equals(Nodes.text(old, "type"))) {
      out.add(FieldErrors.immutable(FieldPath.root("type"), Nodes.text(secret, "type")));
    }
    out.addAll(DataKeys.immutable(secret, old, DATA));
    return out;
  }
}
