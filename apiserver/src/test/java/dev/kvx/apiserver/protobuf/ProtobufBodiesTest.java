package dev.kvx.apiserver.protobuf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import com.google.protobuf.Message;
import dev.kvx.apiserver.errors.StatusException;
import dev.kvx.apiserver.json.Json;
import io.kubernetes.client.proto.IntStr.IntOrString;
import io.kubernetes.client.proto.Meta.MicroTime;
import io.kubernetes.client.proto.Meta.ObjectMeta;
import io.kubernetes.client.proto.Meta.Time;
import io.kubernetes.client.proto.Runtime.TypeMeta;
import io.kubernetes.client.proto.Runtime.Unknown;
import io.kubernetes.client.proto.V1;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

class ProtobufBodiesTest {

  private static final String RECORDED = "/dev/kvx/apiserver/protobuf/kubectl-1.32/";

  /** The bodies kubectl 1.32 really sent, against what it prints for the same object as JSON. */
  @ParameterizedTest
  @ValueSource(strings = {
      "namespace", "configmap", "secret-generic", "secret-docker-registry", "deployment", "job",
      "cronjob", "service-clusterip", "service-headless", "service-nodeport",
      "service-loadbalancer", "service-externalname", "serviceaccount", "role", "clusterrole",
      "clusterrole-aggregated", "rolebinding", "clusterrolebinding", "quota", "priorityclass",
      "priorityclass-global-default", "pdb-min-available", "pdb-max-unavailable", "ingress",
      "token", "job-from-cronjob", "selfsubjectaccessreview", "selfsubjectreview"})
  void decodesWhatKubectlSent(String name) throws IOException {
    ObjectNode decoded = ProtobufBodies.decode(resource(name + ".pb"));

    // Go writes null for a zero metav1.Time or a nil slice without omitempty; kvx omits them.
    JsonNode expected = withoutNulls(Json.parse(resource(name + ".json")));
    assertThat(decoded).isEqualTo(expected);
  }

  @Test
  void namespaceIsTheObjectUpstreamStores() throws IOException {
    assertThat(ProtobufBodies.decode(resource("namespace.pb")))
        .isEqualTo(Json.parse(
            "{\"kind\":\"Namespace\",\"apiVersion\":\"v1\",\"metadata\":{\"name\":\"foo\"},"
                + "\"spec\":{},\"status\":{}}"));
  }

  @Test
  void keepsExplicitZeroPointersFromACronJobTemplate() throws IOException {
    ObjectNode job = ProtobufBodies.decode(resource("job-from-cronjob.pb"));

    assertThat(job.at("/spec/backoffLimit").asInt(-1)).isZero();
    assertThat(job.at("/spec/template/spec/terminationGracePeriodSeconds").isNumber()).isTrue();
    assertThat(job.at("/spec/template/spec/automountServiceAccountToken").isBoolean()).isTrue();
    assertThat(job.at("/spec/template/spec/containers/0/securityContext/runAsUser").asInt(-1))
        .isZero();
    // …while the non-pointer zeros kubectl also wrote are gone.
    assertThat(job.at("/spec/template/spec/hostNetwork").isMissingNode()).isTrue();
    assertThat(job.at("/metadata/uid").isMissingNode()).isTrue();
    assertThat(job.at("/status").isEmpty()).isTrue();
  }

  @Test
  void secretDataIsBase64() throws IOException {
    ObjectNode secret = ProtobufBodies.decode(resource("secret-generic.pb"));

    assertThat(secret.at("/data/user").asString()).isEqualTo("YWRtaW4=");
  }

  @Test
  void flattensEmbeddedStructsAndConvertsSpecialTypes() {
    V1.Pod pod =
        V1.Pod.newBuilder()
            .setMetadata(ObjectMeta.newBuilder().setName("p").setUid("")
                .setCreationTimestamp(Time.newBuilder().setSeconds(1704067200L)))
            .setSpec(V1.PodSpec.newBuilder()
                .setRestartPolicy("Always")
                .addVolumes(V1.Volume.newBuilder().setName("cfg")
                    .setVolumeSource(V1.VolumeSource.newBuilder()
                        .setConfigMap(V1.ConfigMapVolumeSource.newBuilder()
                            .setLocalObjectReference(V1.LocalObjectReference.newBuilder().setName("app"))
                            .setDefaultMode(0))))
                .addContainers(V1.Container.newBuilder().setName("c").setImage("busybox")
                    .addEnv(V1.EnvVar.newBuilder().setName("K")
                        .setValueFrom(V1.EnvVarSource.newBuilder()
                            .setSecretKeyRef(V1.SecretKeySelector.newBuilder()
                                .setLocalObjectReference(V1.LocalObjectReference.newBuilder().setName("s"))
                                .setKey("k"))))
                    .setReadinessProbe(V1.Probe.newBuilder().setPeriodSeconds(0)
                        .setHandler(V1.ProbeHandler.newBuilder()
                            .setHttpGet(V1.HTTPGetAction.newBuilder().setPath("/healthz")
                                .setPort(IntOrString.newBuilder().setType(1).setStrVal("http")))))
                    .setResources(V1.ResourceRequirements.newBuilder()
                        .putLimits("cpu", io.kubernetes.client.proto.Resource.Quantity.newBuilder()
                            .setString("500m").build()))))
            .build();

    ObjectNode json = ProtobufBodies.decode(envelope("v1", "Pod", pod));

    assertThat(json).isEqualTo(Json.parse("""
        {"kind":"Pod","apiVersion":"v1",
         "metadata":{"name":"p","creationTimestamp":"2024-01-01T00:00:00Z"},
         "spec":{
           "volumes":[{"name":"cfg","configMap":{"name":"app","defaultMode":0}}],
           "containers":[{"name":"c","image":"busybox",
             "env":[{"name":"K","valueFrom":{"secretKeyRef":{"name":"s","key":"k"}}}],
             "resources":{"limits":{"cpu":"500m"}},
             "readinessProbe":{"httpGet":{"path":"/healthz","port":"http"}}}],
           "restartPolicy":"Always"}}
        """));
  }

  @Test
  void writesMicroTimeWithMicrosecondsAndIntOrStringAsANumber() {
    V1.Event event =
        V1.Event.newBuilder()
            .setMetadata(ObjectMeta.newBuilder().setName("e"))
            .setEventTime(MicroTime.newBuilder().setSeconds(1704067200L).setNanos(123456789))
            .setCount(0)
            .build();
    V1.ServicePort port =
        V1.ServicePort.newBuilder().setPort(0).setTargetPort(IntOrString.newBuilder().setType(0).setIntVal(8080)).build();
    V1.Service service = V1.Service.newBuilder()
        .setMetadata(ObjectMeta.newBuilder().setName("s"))
        .setSpec(V1.ServiceSpec.newBuilder().addPorts(port)).build();

    assertThat(ProtobufBodies.decode(envelope("v1", "Event", event)).get("eventTime").asString())
        .isEqualTo("2024-01-01T00:00:00.123456Z");
    JsonNode decodedPort = ProtobufBodies.decode(envelope("v1", "Service", service)).at("/spec/ports/0");
    assertThat(decodedPort).isEqualTo(Json.parse("{\"port\":0,\"targetPort\":8080}"));
  }

  @Test
  void embeddedRawExtensionBecomesJson() {
    io.kubernetes.client.proto.V1Apps.ControllerRevision revision =
        io.kubernetes.client.proto.V1Apps.ControllerRevision.newBuilder()
            .setMetadata(ObjectMeta.newBuilder().setName("r"))
            .setData(io.kubernetes.client.proto.Runtime.RawExtension.newBuilder()
                .setRaw(ByteString.copyFromUtf8("{\"spec\":{\"x\":1}}")))
            .setRevision(0)
            .build();

    assertThat(ProtobufBodies.decode(envelope("apps/v1", "ControllerRevision", revision)))
        .isEqualTo(Json.parse("{\"kind\":\"ControllerRevision\",\"apiVersion\":\"apps/v1\","
            + "\"metadata\":{\"name\":\"r\"},\"data\":{\"spec\":{\"x\":1}},\"revision\":0}"));
  }

  @Test
  void refusesABodyWithoutTheMagic() {
    assertThatThrownBy(() -> ProtobufBodies.decode("{\"kind\":\"Pod\"}".getBytes()))
        .isInstanceOfSatisfying(StatusException.class, e -> assertThat(e.code()).isEqualTo(400));
  }

  @Test
  void refusesAMalformedEnvelope() {
    byte[] body = {'k', '8', 's', 0, (byte) 0xff, (byte) 0xff, (byte) 0xff};
    assertThatThrownBy(() -> ProtobufBodies.decode(body))
        .isInstanceOfSatisfying(StatusException.class, e -> assertThat(e.code()).isEqualTo(400));
  }

  @Test
  void refusesAKindWithoutAProtobufSchemaAs415() {
    byte[] body = envelope("stable.example.com/v1", "CronTab",
        V1.Namespace.newBuilder().setMetadata(ObjectMeta.newBuilder().setName("x")).build());
    assertThatThrownBy(() -> ProtobufBodies.decode(body))
        .isInstanceOfSatisfying(StatusException.class, e -> assertThat(e.code()).isEqualTo(415));
  }

  @Test
  void recognisesTheProtobufContentType() {
    assertThat(ProtobufBodies.isProtobuf("application/vnd.kubernetes.protobuf")).isTrue();
    assertThat(ProtobufBodies.isProtobuf("Application/VND.kubernetes.protobuf; charset=x")).isTrue();
    assertThat(ProtobufBodies.isProtobuf("application/json")).isFalse();
    assertThat(ProtobufBodies.isProtobuf(null)).isFalse();
  }

  @ParameterizedTest
  @ValueSource(strings = {"0:0s", "1:1ns", "1500:1.5µs", "300000000:300ms", "1500000000:1.5s",
      "3600000000000:1h0m0s", "5400000000000:1h30m0s", "-2000000000:-2s", "61000000000:1m1s"})
  void formatsDurationsAsGo(String testCase) {
    String[] parts = testCase.split(":");
    assertThat(GoJson.goDuration(Long.parseLong(parts[0]))).isEqualTo(parts[1]);
  }

  private static byte[] envelope(String apiVersion, String kind, Message object) {
    Unknown unknown = Unknown.newBuilder()
        .setTypeMeta(TypeMeta.newBuilder().setApiVersion(apiVersion).setKind(kind))
        .setRaw(object.toByteString())
        .setContentEncoding("")
        .setContentType("")
        .build();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(new byte[] {'k', '8', 's', 0});
    out.writeBytes(unknown.toByteArray());
    return out.toByteArray();
  }

  private static byte[] resource(String name) throws IOException {
    try (InputStream in = ProtobufBodiesTest.class.getResourceAsStream(RECORDED + name)) {
      assertThat(in).as(name).isNotNull();
      return in.readAllBytes();
    }
  }

  private static JsonNode withoutNulls(JsonNode node) {
    if (node instanceof ObjectNode o) {
      List<String> nulls = new ArrayList<>();
      for (Map.Entry<String, JsonNode> e : o.properties()) {
        if (e.getValue().isNull()) {
          nulls.add(e.getKey());
        } else {
          withoutNulls(e.getValue());
        }
      }
      o.remove(nulls);
    } else if (node != null && node.isArray()) {
      node.forEach(ProtobufBodiesTest::withoutNulls);
    }
    return node;
  }
}
