package dev.kvx.apiserver.openapi;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.WireFormat;
import dev.kvx.apiserver.json.Json;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * The v2 document is what kube-openapi's v2 parser accepts (kubectl ≤ 1.31 fails on anything it
 * cannot parse): references into {@code #/definitions/} that resolve, no type beside a reference,
 * arrays with items, and the same content in the gnostic protobuf.
 */
class OpenApiV2Test {

  @Test
  void definitionsParseAsKubeOpenApiWantsThem() {
    JsonNode doc = Json.parse(OpenApiV2.json());
    assertThat(doc.get("swagger").asString()).isEqualTo("2.0");
    JsonNode defs = doc.get("definitions");
    assertThat(defs.at("/io.k8s.api.apps.v1.Deployment/x-kubernetes-group-version-kind/0/kind").asString())
        .isEqualTo("Deployment");
    assertThat(defs.at("/io.k8s.api.apps.v1.DeploymentSpec/properties/strategy")).isEqualTo(Json.parse(
        "{\"$ref\":\"#/definitions/io.k8s.api.apps.v1.DeploymentStrategy\",\"x-kubernetes-patch-strategy\":"
            + "\"retainKeys\"}"));
    List<String> problems = new ArrayList<>();
    defs.properties().forEach(e -> check(e.getKey(), e.getValue(), defs, problems));
    assertThat(problems).isEmpty();
  }

  private static void check(String at, JsonNode s, JsonNode defs, List<String> problems) {
    if (!s.isObject()) {
      return;
    }
    JsonNode ref = s.get("$ref");
    if (ref != null) {
      String r = ref.asString();
      if (!r.startsWith("#/definitions/") || !defs.has(r.substring("#/definitions/".length()))) {
        problems.add(at + ": unresolved " + r);
      }
      if (s.has("type") || s.has("properties")) {
        problems.add(at + ": a reference with a type");
      }
    }
    if ("array".equals(Json.text(s, "type")) && !(s.has("items") && s.get("items").isObject())) {
      problems.add(at + ": an array without items");
    }
    if (s.has("allOf")) {
      problems.add(at + ": allOf (ignored by kube-openapi's v2 parser)");
    }
    JsonNode props = s.get("properties");
    if (props != null) {
      props.properties().forEach(p -> check(at + "." + p.getKey(), p.getValue(), defs, problems));
    }
    if (s.get("items") != null) {
      check(at + "[]", s.get("items"), defs, problems);
    }
    if (s.get("additionalProperties") != null) {
      check(at + "{}", s.get("additionalProperties"), defs, problems);
    }
  }

  @Test
  void protobufCarriesTheSameDefinitions() throws IOException {
    Map<Integer, List<byte[]>> doc = fields(OpenApiV2.protobuf());
    assertThat(new String(doc.get(1).get(0))).isEqualTo("2.0");
    Map<Integer, List<byte[]>> info = fields(doc.get(2).get(0));
    assertThat(new String(info.get(1).get(0))).isEqualTo("Kubernetes");
    Map<String, byte[]> definitions = new LinkedHashMap<>();
    for (byte[] named : fields(doc.get(9).get(0)).get(1)) {
      Map<Integer, List<byte[]>> n = fields(named);
      definitions.put(new String(n.get(1).get(0)), n.get(2).get(0));
    }
    assertThat(definitions).hasSize(Json.parse(OpenApiV2.json()).get("definitions").size());
    Map<Integer, List<byte[]>> deployment = fields(definitions.get("io.k8s.api.apps.v1.Deployment"));
    Map<Integer, List<byte[]>> extension = fields(deployment.get(31).get(0));
    assertThat(new String(extension.get(1).get(0))).isEqualTo("x-kubernetes-group-version-kind");
    String yaml = new String(fields(extension.get(2).get(0)).get(2).get(0));
    assertThat(Json.parse(yaml)).isEqualTo(Json.parse("[{\"group\":\"apps\",\"kind\":\"Deployment\",\"version\":\"v1\"}]"));
    Map<Integer, List<byte[]>> type = fields(deployment.get(22).get(0));
    assertThat(new String(type.get(1).get(0))).isEqualTo("object");
  }

  /** The length-delimited fields of a message by number (other wire types are skipped). */
  private static Map<Integer, List<byte[]>> fields(byte[] message) throws IOException {
    Map<Integer, List<byte[]>> out = new LinkedHashMap<>();
    CodedInputStream in = CodedInputStream.newInstance(message);
    int tag;
    while ((tag = in.readTag()) != 0) {
      if (WireFormat.getTagWireType(tag) == WireFormat.WIRETYPE_LENGTH_DELIMITED) {
        out.computeIfAbsent(WireFormat.getTagFieldNumber(tag), k -> new ArrayList<>()).add(in.readByteArray());
      } else {
        in.skipField(tag);
      }
    }
    return out;
  }
}
