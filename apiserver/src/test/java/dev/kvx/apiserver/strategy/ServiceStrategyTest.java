package dev.kvx.apiserver.strategy;

import static dev.kvx.apiserver.strategy.Fixtures.at;
import static dev.kvx.apiserver.strategy.Fixtures.createCauses;
import static dev.kvx.apiserver.strategy.Fixtures.created;
import static dev.kvx.apiserver.strategy.Fixtures.updateCauses;
import static dev.kvx.apiserver.strategy.Fixtures.yaml;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import tools.jackson.databind.node.ObjectNode;

/** Service defaults, IP-family fields, validation and the clusterIP rules of updates. */
class ServiceStrategyTest {

  private final ServiceStrategy strategy = new ServiceStrategy();

  private static ObjectNode svc(String spec) {
    return yaml("metadata: {name: web}\nspec:\n" + spec.indent(2));
  }

  @Test
  void clusterIpServiceDefaults() {
    ObjectNode s = created(strategy, svc("selector: {app: web}\nports: [{port: 80}]"));
    assertThat(s.at("/spec").toString()).isEqualTo("{\"selector\":{\"app\":\"web\"},"
        + "\"ports\":[{\"port\":80,\"protocol\":\"TCP\",\"targetPort\":80}],\"sessionAffinity\":\"None\","
        + "\"type\":\"ClusterIP\",\"internalTrafficPolicy\":\"Cluster\",\"ipFamilyPolicy\":\"SingleStack\","
        + "\"ipFamilies\":[\"IPv4\"]}");
    assertThat(s.at("/status").toString()).isEqualTo("{\"loadBalancer\":{}}");
    assertThat(strategy.validate(s)).isEmpty();
  }

  @Test
  void typeSpecificDefaults() {
    ObjectNode lb = created(strategy, svc("type: LoadBalancer\nsessionAffinity: ClientIP\nports: [{port: 443, targetPort: https}]"));
    assertThat(at(lb, "/spec/externalTrafficPolicy")).isEqualTo("Cluster");
    assertThat(lb.at("/spec/allocateLoadBalancerNodePorts").asBoolean()).isTrue();
    assertThat(lb.at("/spec/sessionAffinityConfig/clientIP/timeoutSeconds").asInt()).isEqualTo(10800);
    assertThat(at(lb, "/spec/ports/0/targetPort")).isEqualTo("https");

    ObjectNode external = created(strategy, svc("type: ExternalName\nexternalName: db.example.com"));
    assertThat(external.at("/spec").has("ipFamilies")).isFalse();
    assertThat(external.at("/spec").has("internalTrafficPolicy")).isFalse();
    assertThat(strategy.validate(external)).isEmpty();

    ObjectNode headless = created(strategy, svc("clusterIP: None\nports: [{port: 5432}]"));
    assertThat(at(headless, "/spec/ipFamilyPolicy")).isEqualTo("RequireDualStack");
    assertThat(headless.at("/spec/ipFamilies").toString()).isEqualTo("[\"IPv4\",\"IPv6\"]");
    assertThat(headless.at("/spec/clusterIPs").toString()).isEqualTo("[\"None\"]");

    ObjectNode headlessSelected = created(strategy, svc("clusterIP: None\nselector: {app: db}\nports: [{port: 5432}]"));
    assertThat(at(headlessSelected, "/spec/ipFamilyPolicy")).isEqualTo("SingleStack");
  }

  static Stream<Arguments> invalidServices() {
    return Stream.of(
        Arguments.of("no ports", "selector: {app: web}", List.of("spec.ports: Required value")),
        Arguments.of("unnamed ports", "ports: [{port: 80}, {port: 443}]",
            List.of("spec.ports[0].name: Required value", "spec.ports[1].name: Required value")),
        Arguments.of("duplicate port names", "ports: [{name: a, port: 80}, {name: a, port: 81}]",
            List.of("spec.ports[1].name: Duplicate value: \"a\"")),
        Arguments.of("port zero", "ports: [{port: 0, targetPort: 80}]",
            List.of("spec.ports[0].port: Invalid value: 0: must be between 1 and 65535, inclusive")),
        Arguments.of("nodePort on ClusterIP", "ports: [{port: 80, nodePort: 30080}]",
            List.of("spec.ports[0].nodePort: Forbidden: may not be used when `type` is 'ClusterIP'")),
        Arguments.of("unknown type", "type: Ingress\nports: [{port: 80}]",
            List.of("spec.type: Unsupported value: \"Ingress\": supported values: \"ClusterIP\", \"ExternalName\","
                + " \"LoadBalancer\", \"NodePort\"")),
        Arguments.of("external name missing", "type: ExternalName", List.of("spec.externalName: Required value")),
        Arguments.of("bad cluster IP", "clusterIP: 10.0.0.300\nports: [{port: 80}]",
            List.of("spec.clusterIPs[0]: Invalid value: \"10.0.0.300\": must be a valid IP address, (e.g. 10.9.8.7 or"
                + " 2001:db8::ffff)")));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("invalidServices")
  void invalidServicesAreRefused(String name, String spec, List<String> causes) {
    assertThat(createCauses(strategy, svc(spec))).containsExactlyElementsOf(causes);
  }

  @Test
  void nameMustStartWithALetter() {
    assertThat(createCauses(strategy, yaml("metadata: {name: 1web}\nspec: {ports: [{port: 80}]}")))
        .singleElement().asString().startsWith("metadata.name: Invalid value: \"1web\": a DNS-1035 label");
    assertThat(strategy.nameIsDnsLabel()).isTrue();
  }

  @Test
  void clusterIpIsImmutableButMayBeOmitted() {
    ObjectNode old = created(strategy, svc("clusterIP: 10.96.0.10\ntype: NodePort\nports: [{name: http, port: 80, nodePort: 30080}]"));
    ObjectNode omitted = svc("type: NodePort\nports: [{name: http, port: 80}]");
    assertThat(updateCauses(strategy, old, omitted)).isEmpty();
    assertThat(at(omitted, "/spec/clusterIP")).isEqualTo("10.96.0.10");
    assertThat(omitted.at("/spec/clusterIPs").toString()).isEqualTo("[\"10.96.0.10\"]");
    assertThat(omitted.at("/spec/ports/0/nodePort").asInt()).isEqualTo(30080);

    ObjectNode changed = svc("clusterIP: 10.96.0.11\ntype: NodePort\nports: [{name: http, port: 80}]");
    assertThat(updateCauses(strategy, old, changed))
        .containsExactly("spec.clusterIPs[0]: Invalid value: []string{\"10.96.0.11\"}: may not change once set");
  }
}
