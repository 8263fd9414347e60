package dev.kvx.apiserver.strategy;

import static dev.kvx.apiserver.strategy.Fixtures.at;
import static dev.kvx.apiserver.strategy.Fixtures.createCauses;
import static dev.kvx.apiserver.strategy.Fixtures.created;
import static dev.kvx.apiserver.strategy.Fixtures.updateCauses;
import static dev.kvx.apiserver.strategy.Fixtures.yaml;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kvx.apiserver.errors.StatusException;
import dev.kvx.apiserver.json.Json;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import tools.jackson.databind.node.ObjectNode;

/** Pod defaults, admission steps, create-time status, validation and update rules. */
class PodStrategyTest {

  private final PodStrategy strategy = new PodStrategy(PriorityClassLookup.NONE);

  private static ObjectNode pod(String containers) {
    return yaml("""
        apiVersion: v1
        kind: Pod
        metadata: {name: p}
        spec:
          containers:
        """ + containers.indent(2));
  }

  private static final String NGINX = "- {name: web, image: nginx, ports: [{containerPort: 80}]}";

  @Test
  void createFillsUpstreamsDefaultsAndStatus() {
    ObjectNode p = created(strategy, pod(NGINX));
    assertThat(p.at("/spec").toString()).isEqualTo(Json.MAPPER.readTree("""
        {"containers":[{"name":"web","image":"nginx","ports":[{"containerPort":80,"protocol":"TCP"}],
          "imagePullPolicy":"Always","terminationMessagePath":"/dev/termination-log",
          "terminationMessagePolicy":"File","resources":{}}],
         "dnsPolicy":"ClusterFirst","restartPolicy":"Always","securityContext":{},
         "terminationGracePeriodSeconds":30,"schedulerName":"default-scheduler","enableServiceLinks":true,
         "serviceAccountName":"default","serviceAccount":"default",
         "tolerations":[
           {"key":"node.kubernetes.io/not-ready","operator":"Exists","effect":"NoExecute","tolerationSeconds":300},
           {"key":"node.kubernetes.io/unreachable","operator":"Exists","effect":"NoExecute","tolerationSeconds":300}],
         "priority":0,"preemptionPolicy":"PreemptLowerPriority"}""").toString());
    assertThat(p.at("/status").toString()).isEqualTo("{\"phase\":\"Pending\",\"qosClass\":\"BestEffort\"}");
    assertThat(strategy.validate(p)).isEmpty();
  }

  @Test
  void defaultsKeepWhatIsSetAndFillNestedParts() {
    ObjectNode p = created(strategy, yaml("""
        metadata: {name: p}
        spec:
          restartPolicy: Never
          serviceAccountName: builder
          hostNetwork: true
          containers:
          - name: c
            image: busybox:1.36
            imagePullPolicy: Never
            ports: [{containerPort: 8080, protocol: UDP}]
            env: [{name: NODE, valueFrom: {fieldRef: {fieldPath: spec.nodeName}}}]
            readinessProbe: {httpGet: {port: 8080}}
          volumes:
          - name: scratch
          - name: cfg
            configMap: {name: cfg}
          - name: host
            hostPath: {path: /tmp}
        """));
    assertThat(at(p, "/spec/restartPolicy")).isEqualTo("Never");
    assertThat(at(p, "/spec/serviceAccount")).isEqualTo("builder");
    assertThat(at(p, "/spec/containers/0/imagePullPolicy")).isEqualTo("Never");
    assertThat(at(p, "/spec/containers/0/ports/0/protocol")).isEqualTo("UDP");
    assertThat(p.at("/spec/containers/0/ports/0/hostPort").asInt()).isEqualTo(8080);
    assertThat(at(p, "/spec/containers/0/env/0/valueFrom/fieldRef/apiVersion")).isEqualTo("v1");
    assertThat(p.at("/spec/containers/0/readinessProbe").toString()).isEqualTo(
        "{\"httpGet\":{\"port\":8080,\"path\":\"/\",\"scheme\":\"HTTP\"},\"timeoutSeconds\":1,\"periodSeconds\":10,"
            + "\"successThreshold\":1,\"failureThreshold\":3}");
    assertThat(p.at("/spec/volumes/0").toString()).isEqualTo("{\"name\":\"scratch\",\"emptyDir\":{}}");
    assertThat(p.at("/spec/volumes/1/configMap/defaultMode").asInt()).isEqualTo(420);
    assertThat(at(p, "/spec/volumes/2/hostPath/type")).isEmpty();
  }

  static Stream<Arguments> images() {
    return Stream.of(
        Arguments.of("nginx", "Always"),
        Arguments.of("nginx:latest", "Always"),
        Arguments.of("nginx:1.25", "IfNotPresent"),
        Arguments.of("registry.local:5000/team/app", "Always"),
        Arguments.of("registry.local:5000/team/app:v2", "IfNotPresent"),
        Arguments.of("app@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef", "IfNotPresent"),
        Arguments.of("app:latest@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef", "Always"));
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @MethodSource("images")
  void imagePullPolicyFollowsTheTag(String image, String policy) {
    ObjectNode p = created(strategy, pod("- {name: c, image: \"" + image + "\"}"));
    assertThat(at(p, "/spec/containers/0/imagePullPolicy")).isEqualTo(policy);
  }

  static Stream<Arguments> qos() {
    return Stream.of(
        Arguments.of("no resources", "- {name: a, image: i}", "BestEffort"),
        Arguments.of("requests only", "- {name: a, image: i, resources: {requests: {cpu: 100m}}}", "Burstable"),
        Arguments.of("limits become requests", "- {name: a, image: i, resources: {limits: {cpu: 1, memory: 1Gi}}}",
            "Guaranteed"),
        Arguments.of("equal in other units", """
            - {name: a, image: i, resources: {limits: {cpu: "1", memory: 1Gi}, requests: {cpu: 1000m, memory: 1024Mi}}}""",
            "Guaranteed"),
        Arguments.of("cpu limit only", "- {name: a, image: i, resources: {limits: {cpu: 1}}}", "Burstable"),
        Arguments.of("requests below limits",
            "- {name: a, image: i, resources: {limits: {cpu: 1, memory: 1Gi}, requests: {cpu: 500m}}}", "Burstable"),
        Arguments.of("one container without", """
            - {name: a, image: i, resources: {limits: {cpu: 1, memory: 1Gi}}}
            - {name: b, image: i}""", "Burstable"),
        Arguments.of("other resources do not count", "- {name: a, image: i, resources: {limits: {example.com/gpu: 1}}}",
            "BestEffort"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("qos")
  void qosClassAsUpstream(String name, String containers, String qos) {
    assertThat(at(created(strategy, pod(containers)), "/status/qosClass")).isEqualTo(qos);
  }

  @Test
  void defaultTolerationsOnlyWhereMissing() {
    ObjectNode p = created(strategy, yaml("""
        metadata: {name: p}
        spec:
          containers: [{name: c, image: i}]
          tolerations: [{key: node.kubernetes.io/not-ready, operator: Exists, effect: NoExecute, tolerationSeconds: 10}]
        """));
    assertThat(p.at("/spec/tolerations")).hasSize(2);
    assertThat(p.at("/spec/tolerations/0/tolerationSeconds").asInt()).isEqualTo(10);
    assertThat(at(p, "/spec/tolerations/1/key")).isEqualTo(PodStrategy.UNREACHABLE);
    ObjectNode all = created(strategy, yaml("""
        metadata: {name: p}
        spec: {containers: [{name: c, image: i}], tolerations: [{operator: Exists}]}
        """));
    assertThat(all.at("/spec/tolerations")).hasSize(1);
  }

  private static PriorityClassLookup classes(Map<String, ObjectNode> byName, ObjectNode globalDefault) {
    return new PriorityClassLookup() {
      @Override
      public ObjectNode get(String name) {
        return byName.get(name);
      }

      @Override
      public ObjectNode globalDefault() {
        return globalDefault;
      }

      @Override
      public boolean complete() {
        return true;
      }
    };
  }

  @Test
  void priorityComesFromTheClass() {
    ObjectNode critical = created(strategy, yaml("""
        metadata: {name: p}
        spec: {priorityClassName: system-cluster-critical, containers: [{name: c, image: i}]}
        """));
    assertThat(critical.at("/spec/priority").asLong()).isEqualTo(2000000000L);
    ObjectNode unresolved = created(strategy, yaml("""
        metadata: {name: p}
        spec: {priorityClassName: batch-low, containers: [{name: c, image: i}]}
        """));
    assertThat(unresolved.at("/spec").has("priority")).isFalse();

    ObjectNode high = yaml("{metadata: {name: high}, value: 1000, preemptionPolicy: Never}");
    ObjectNode fallback = yaml("{metadata: {name: fallback}, value: 7, globalDefault: true}");
    PodStrategy withClasses = new PodStrategy(classes(Map.of("high", high), fallback));
    ObjectNode p = created(withClasses, yaml("""
        metadata: {name: p}
        spec: {priorityClassName: high, containers: [{name: c, image: i}]}
        """));
    assertThat(p.at("/spec/priority").asLong()).isEqualTo(1000);
    assertThat(at(p, "/spec/preemptionPolicy")).isEqualTo("Never");
    ObjectNode d = created(withClasses, pod("- {name: c, image: i}"));
    assertThat(at(d, "/spec/priorityClassName")).isEqualTo("fallback");
    assertThat(d.at("/spec/priority").asLong()).isEqualTo(7);
    assertThatThrownBy(() -> created(withClasses, yaml("""
        metadata: {name: p}
        spec: {priorityClassName: nope, containers: [{name: c, image: i}]}
        """))).isInstanceOfSatisfying(StatusException.class, e -> {
          assertThat(e.code()).isEqualTo(403);
          assertThat(e.getMessage()).isEqualTo("pods \"p\" is forbidden: no PriorityClass with name nope was found");
        });
    assertThatThrownBy(() -> created(withClasses, yaml("""
        metadata: {name: p}
        spec: {priorityClassName: high, priority: 5, containers: [{name: c, image: i}]}
        """))).isInstanceOfSatisfying(StatusException.class, e -> assertThat(e.getMessage()).contains(
            "the integer value of priority (5) must not be provided in pod spec; priority admission controller computed"
                + " 1000 from the given PriorityClass name"));
  }

  static Stream<Arguments> invalidPods() {
    return Stream.of(
        Arguments.of("no containers", "spec: {containers: []}", List.of("spec.containers: Required value")),
        Arguments.of("no image", "spec: {containers: [{name: c}]}",
            List.of("spec.containers[0].image: Required value")),
        Arguments.of("no name", "spec: {containers: [{image: i}]}",
            List.of("spec.containers[0].name: Required value")),
        Arguments.of("name not a DNS label", "spec: {containers: [{name: Web_1, image: i}]}",
            List.of("spec.containers[0].name: Invalid value: \"Web_1\": " + NameRules.LABEL_FMT)),
        Arguments.of("duplicate container names", "spec: {containers: [{name: c, image: i}, {name: c, image: j}]}",
            List.of("spec.containers[1].name: Duplicate value: \"c\"")),
        Arguments.of("init container named like a container",
            "spec: {initContainers: [{name: c, image: i}], containers: [{name: c, image: i}]}",
            List.of("spec.containers[0].name: Duplicate value: \"c\"")),
        Arguments.of("port out of range", "spec: {containers: [{name: c, image: i, ports: [{containerPort: 70000}]}]}",
            List.of("spec.containers[0].ports[0].containerPort: Invalid value: 70000: must be between 1 and 65535, inclusive")),
        Arguments.of("port missing", "spec: {containers: [{name: c, image: i, ports: [{name: http}]}]}",
            List.of("spec.containers[0].ports[0].containerPort: Required value")),
        Arguments.of("duplicate port names",
            "spec: {containers: [{name: c, image: i, ports: [{name: http, containerPort: 80}, {name: http, containerPort: 81}]}]}",
            List.of("spec.containers[0].ports[1].name: Duplicate value: \"http\"")),
        Arguments.of("port name too long and without letters",
            "spec: {containers: [{name: c, image: i, ports: [{name: \"1234567890123456\", containerPort: 80}]}]}",
            List.of("spec.containers[0].ports[0].name: Invalid value: \"1234567890123456\": must be no more than 15 characters",
                "spec.containers[0].ports[0].name: Invalid value: \"1234567890123456\": must contain at least one letter (a-z)")),
        Arguments.of("protocol", "spec: {containers: [{name: c, image: i, ports: [{containerPort: 80, protocol: HTTP}]}]}",
            List.of("spec.containers[0].ports[0].protocol: Unsupported value: \"HTTP\": supported values: \"SCTP\", \"TCP\", \"UDP\"")),
        Arguments.of("restart policy", "spec: {restartPolicy: Sometimes, containers: [{name: c, image: i}]}",
            List.of("spec.restartPolicy: Unsupported value: \"Sometimes\": supported values: \"Always\", \"OnFailure\", \"Never\"")),
        Arguments.of("negative quantity", "spec: {containers: [{name: c, image: i, resources: {requests: {memory: -1Gi}}}]}",
            List.of("spec.containers[0].resources.requests[memory]: Invalid value: \"-1Gi\": must be greater than or equal to 0")),
        Arguments.of("invalid quantity", "spec: {containers: [{name: c, image: i, resources: {requests: {cpu: lots}}}]}",
            List.of("spec.containers[0].resources.requests[cpu]: Invalid value: \"lots\": quantities must match the regular"
                + " expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'")),
        Arguments.of("request above limit",
            "spec: {containers: [{name: c, image: i, resources: {requests: {cpu: \"2\"}, limits: {cpu: \"1\"}}}]}",
            List.of("spec.containers[0].resources.requests: Invalid value: \"2\": must be less than or equal to cpu limit of 1")),
        Arguments.of("mount of an unknown volume",
            "spec: {containers: [{name: c, image: i, volumeMounts: [{name: data, mountPath: /data}]}]}",
            List.of("spec.containers[0].volumeMounts[0].name: Not found: \"data\"")),
        Arguments.of("duplicate volumes", "spec: {volumes: [{name: v}, {name: v}], containers: [{name: c, image: i}]}",
            List.of("spec.volumes[1].name: Duplicate value: \"v\"")),
        Arguments.of("dnsPolicy None without config", "spec: {dnsPolicy: None, containers: [{name: c, image: i}]}",
            List.of("spec.dnsConfig: Required value: must provide `dnsConfig` when `dnsPolicy` is None")),
        Arguments.of("toleration Exists with a value",
            "spec: {tolerations: [{key: k, operator: Exists, value: v}], containers: [{name: c, image: i}]}",
            List.of("spec.tolerations[0].operator: Invalid value: \"v\": value must be empty when `operator` is 'Exists'")),
        Arguments.of("node selector terms missing",
            "spec: {affinity: {nodeAffinity: {requiredDuringSchedulingIgnoredDuringExecution: {}}}, containers: [{name: c, image: i}]}",
            List.of("spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms:"
                + " Required value: must have at least one node selector term")),
        Arguments.of("preference weight",
            "spec: {affinity: {nodeAffinity: {preferredDuringSchedulingIgnoredDuringExecution: [{weight: 0, preference: {}}]}},"
                + " containers: [{name: c, image: i}]}",
            List.of("spec.affinity.nodeAffinity.preferredDuringSchedulingIgnoredDuringExecution[0].weight:"
                + " Invalid value: 0: must be in the range 1-100")),
        Arguments.of("bad env name", "spec: {containers: [{name: c, image: i, env: [{name: \"1X\"}]}]}",
            List.of("spec.containers[0].env[0].name: Invalid value: \"1X\": a valid environment variable name must consist of"
                + " alphabetic characters, digits, '_', '-', or '.', and must not start with a digit (e.g. 'my.env-name', "
                + " or 'MY_ENV.NAME',  or 'MyEnvName1', regex used for validation is '[-._a-zA-Z][-._a-zA-Z0-9]*')")));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("invalidPods")
  void invalidPodsAreRefusedNamingTheField(String name, String spec, List<String> causes) {
    assertThat(createCauses(strategy, yaml("metadata: {name: p}\n" + spec))).containsExactlyElementsOf(causes);
  }

  @Test
  void causesCarryUpstreamsTypes() {
    ObjectNode p = created(strategy, yaml("metadata: {name: p}\nspec: {containers: [{name: c}, {name: c, image: i}]}"));
    assertThat(strategy.validate(p)).extracting(c -> c.type())
        .containsExactly("FieldValueRequired", "FieldValueDuplicate");
  }

  static Stream<Arguments> updates() {
    return Stream.of(
        Arguments.of("image change", "containers: [{name: c, image: j}]", List.of()),
        Arguments.of("added toleration", """
            containers: [{name: c, image: i}]
            tolerations: [{key: k, operator: Exists}]""", List.of()),
        Arguments.of("node name", "containers: [{name: c, image: i}]\nnodeName: n1",
            List.of("spec: Forbidden: pod updates may not change fields other than " + PodStrategy.UPDATABLE_FIELDS)),
        Arguments.of("added container", "containers: [{name: c, image: i}, {name: d, image: i}]",
            List.of("spec.containers: Forbidden: pod updates may not add or remove containers")),
        Arguments.of("longer deadline", "containers: [{name: c, image: i}]\nactiveDeadlineSeconds: 100",
            List.of("spec.activeDeadlineSeconds: Invalid value: 100: must be less than or equal to previous value")));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("updates")
  void onlyAFewSpecFieldsMayChange(String name, String newSpec, List<String> causes) {
    ObjectNode old = created(strategy, yaml("""
        metadata: {name: p}
        spec: {containers: [{name: c, image: i}], activeDeadlineSeconds: 50}
        """));
    ObjectNode next = old.deepCopy();
    ObjectNode edit = yaml(newSpec);
    ObjectNode spec = (ObjectNode) next.get("spec");
    edit.properties().forEach(e -> {
      if (e.getKey().equals("containers")) {
        // keep defaulted fields, change what the case changes
        ObjectNode first = ((ObjectNode) spec.get("containers").get(0)).deepCopy();
        tools.jackson.databind.node.ArrayNode list = spec.putArray("containers");
        e.getValue().forEach(c -> list.add(first.deepCopy().setAll((ObjectNode) c)));
      } else if (e.getKey().equals("tolerations")) {
        ((tools.jackson.databind.node.ArrayNode) spec.get("tolerations")).addAll((tools.jackson.databind.node.ArrayNode) e.getValue());
      } else {
        spec.set(e.getKey(), e.getValue());
      }
    });
    assertThat(updateCauses(strategy, old, next)).containsExactlyElementsOf(causes);
  }
}
