package dev.kvx.apiserver.strategy;

import static dev.kvx.apiserver.strategy.Fixtures.UID;
import static dev.kvx.apiserver.strategy.Fixtures.at;
import static dev.kvx.apiserver.strategy.Fixtures.createCauses;
import static dev.kvx.apiserver.strategy.Fixtures.created;
import static dev.kvx.apiserver.strategy.Fixtures.updateCauses;
import static dev.kvx.apiserver.strategy.Fixtures.yaml;
import static org.assertj.core.api.Assertions.assertThat;

import dev.kvx.apiserver.json.Json;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import tools.jackson.databind.node.ObjectNode;

/** Deployment, ReplicaSet, StatefulSet, DaemonSet, Job and CronJob: defaults, validation, updates. */
class WorkloadStrategiesTest {

  private static final String TEMPLATE = """
      template:
        metadata: {labels: {app: web}}
        spec:
          containers: [{name: web, image: "nginx:1.25"}]
      """;

  private static ObjectNode workload(String kind, String spec) {
    return yaml("kind: " + kind + "\nmetadata: {name: web}\nspec:\n" + spec.indent(2));
  }

  private static ObjectNode selected(String kind, String extra) {
    return workload(kind, "selector: {matchLabels: {app: web}}\n" + extra + TEMPLATE);
  }

  /** The pod-template defaults every workload gets. */
  private static void assertTemplateDefaults(ObjectNode podSpec) {
    assertThat(podSpec.toString()).isEqualTo(Json.MAPPER.readTree("""
        {"containers":[{"name":"web","image":"nginx:1.25","imagePullPolicy":"IfNotPresent",
          "terminationMessagePath":"/dev/termination-log","terminationMessagePolicy":"File","resources":{}}],
         "dnsPolicy":"ClusterFirst","restartPolicy":"Always","securityContext":{},
         "terminationGracePeriodSeconds":30,"schedulerName":"default-scheduler"}""").toString());
  }

  @Test
  void deploymentDefaults() {
    ObjectNode d = created(new DeploymentStrategy(), selected("Deployment", ""));
    assertThat(d.at("/spec/replicas").asInt()).isEqualTo(1);
    assertThat(d.at("/spec/strategy").toString())
        .isEqualTo("{\"type\":\"RollingUpdate\",\"rollingUpdate\":{\"maxUnavailable\":\"25%\",\"maxSurge\":\"25%\"}}");
    assertThat(d.at("/spec/revisionHistoryLimit").asInt()).isEqualTo(10);
    assertThat(d.at("/spec/progressDeadlineSeconds").asInt()).isEqualTo(600);
    assertTemplateDefaults((ObjectNode) d.at("/spec/template/spec"));
    ObjectNode recreate = created(new DeploymentStrategy(), selected("Deployment", "strategy: {type: Recreate}\n"));
    assertThat(recreate.at("/spec/strategy").toString()).isEqualTo("{\"type\":\"Recreate\"}");
    assertThat(new DeploymentStrategy().validate(recreate)).isEmpty();
  }

  @Test
  void replicaSetStatefulSetAndDaemonSetDefaults() {
    ObjectNode rs = created(new ReplicaSetStrategy(), selected("ReplicaSet", ""));
    assertThat(rs.at("/spec/replicas").asInt()).isEqualTo(1);
    assertTemplateDefaults((ObjectNode) rs.at("/spec/template/spec"));

    ObjectNode sts = created(new StatefulSetStrategy(), selected("StatefulSet", """
        serviceName: web
        volumeClaimTemplates:
        - metadata: {name: data}
          spec: {accessModes: [ReadWriteOnce], resources: {requests: {storage: 1Gi}}}
        """));
    assertThat(sts.at("/spec/replicas").asInt()).isEqualTo(1);
    assertThat(at(sts, "/spec/podManagementPolicy")).isEqualTo("OrderedReady");
    assertThat(sts.at("/spec/updateStrategy").toString())
        .isEqualTo("{\"type\":\"RollingUpdate\",\"rollingUpdate\":{\"partition\":0}}");
    assertThat(sts.at("/spec/revisionHistoryLimit").asInt()).isEqualTo(10);
    assertThat(sts.at("/spec/persistentVolumeClaimRetentionPolicy").toString())
        .isEqualTo("{\"whenDeleted\":\"Retain\",\"whenScaled\":\"Retain\"}");
    assertThat(at(sts, "/spec/volumeClaimTemplates/0/spec/volumeMode")).isEqualTo("Filesystem");
    assertThat(at(sts, "/spec/volumeClaimTemplates/0/status/phase")).isEqualTo("Pending");
    assertTemplateDefaults((ObjectNode) sts.at("/spec/template/spec"));

    ObjectNode ds = created(new DaemonSetStrategy(), selected("DaemonSet", ""));
    assertThat(ds.at("/spec/updateStrategy").toString())
        .isEqualTo("{\"type\":\"RollingUpdate\",\"rollingUpdate\":{\"maxUnavailable\":1,\"maxSurge\":0}}");
    assertThat(ds.at("/spec/revisionHistoryLimit").asInt()).isEqualTo(10);
    assertTemplateDefaults((ObjectNode) ds.at("/spec/template/spec"));
  }

  @Test
  void statefulSetTemplatesMayMountTheirClaimTemplates() {
    StatefulSetStrategy strategy = new StatefulSetStrategy();
    ObjectNode sts = created(strategy, workload("StatefulSet", """
        selector: {matchLabels: {app: db}}
        template:
          metadata: {labels: {app: db}}
          spec: {containers: [{name: db, image: postgres, volumeMounts: [{name: data, mountPath: /var/lib/postgresql}]}]}
        volumeClaimTemplates: [{metadata: {name: data}, spec: {accessModes: [ReadWriteOnce]}}]
        """));
    assertThat(strategy.validate(sts)).isEmpty();
    ObjectNode badLabel = created(strategy, workload("StatefulSet", """
        selector: {matchLabels: {app: db}}
        template: {metadata: {labels: {app: db, tier: "-x"}}, spec: {restartPolicy: OnFailure, containers: [{name: db, image: i}]}}
        """));
    assertThat(Fixtures.render(strategy.validate(badLabel))).containsExactly(
        "spec.template.metadata.labels: Invalid value: \"-x\": a valid label must be an empty string or consist of"
            + " alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g."
            + " 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')",
        "spec.template.spec.restartPolicy: Unsupported value: \"OnFailure\": supported values: \"Always\"");
  }

  @Test
  void jobDefaultsAndGeneratedSelector() {
    JobStrategy strategy = new JobStrategy();
    ObjectNode job = created(strategy, yaml("""
        kind: Job
        metadata: {name: pi}
        spec:
          template:
            spec:
              restartPolicy: Never
              containers: [{name: pi, image: perl}]
        """));
    assertThat(job.at("/spec/completions").asInt()).isEqualTo(1);
    assertThat(job.at("/spec/parallelism").asInt()).isEqualTo(1);
    assertThat(job.at("/spec/backoffLimit").asInt()).isEqualTo(6);
    assertThat(at(job, "/spec/completionMode")).isEqualTo("NonIndexed");
    assertThat(job.at("/spec/suspend").asBoolean()).isFalse();
    assertThat(at(job, "/spec/podReplacementPolicy")).isEqualTo("TerminatingOrFailed");
    assertThat(job.at("/spec").has("manualSelector")).isFalse();
    assertThat(job.at("/spec/selector").toString())
        .isEqualTo("{\"matchLabels\":{\"batch.kubernetes.io/controller-uid\":\"" + UID + "\"}}");
    String labels = "{\"job-name\":\"pi\",\"batch.kubernetes.io/job-name\":\"pi\",\"controller-uid\":\"" + UID
        + "\",\"batch.kubernetes.io/controller-uid\":\"" + UID + "\"}";
    assertThat(job.at("/spec/template/metadata/labels").toString()).isEqualTo(labels);
    assertThat(job.at("/metadata/labels").toString()).isEqualTo(labels);
    assertThat(at(job, "/spec/template/spec/imagePullPolicy")).isNull();
    assertThat(at(job, "/spec/template/spec/containers/0/imagePullPolicy")).isEqualTo("Always");
    assertThat(strategy.validate(job)).isEmpty();

    ObjectNode queue = created(strategy, yaml("""
        metadata: {name: q, labels: {team: a}}
        spec: {parallelism: 3, template: {metadata: {labels: {app: q}}, spec: {restartPolicy: OnFailure, containers: [{name: c, image: i}]}}}
        """));
    assertThat(queue.at("/spec").has("completions")).isFalse();
    assertThat(queue.at("/metadata/labels").toString()).isEqualTo("{\"team\":\"a\"}");
    assertThat(strategy.validate(queue)).isEmpty();
  }

  @Test
  void cronJobDefaultsLeaveTheJobSpecAlone() {
    ObjectNode cj = created(new CronJobStrategy(), yaml("""
        metadata: {name: hello}
        spec:
          schedule: "*/1 * * * *"
          jobTemplate:
            spec:
              template:
                spec:
                  restartPolicy: OnFailure
                  containers: [{name: hello, image: busybox}]
        """));
    assertThat(at(cj, "/spec/concurrencyPolicy")).isEqualTo("Allow");
    assertThat(cj.at("/spec/suspend").asBoolean()).isFalse();
    assertThat(cj.at("/spec/successfulJobsHistoryLimit").asInt()).isEqualTo(3);
    assertThat(cj.at("/spec/failedJobsHistoryLimit").asInt()).isEqualTo(1);
    assertThat(cj.at("/spec/jobTemplate/spec").has("backoffLimit")).isFalse();
    assertThat(at(cj, "/spec/jobTemplate/spec/template/spec/dnsPolicy")).isEqualTo("ClusterFirst");
    assertThat(new CronJobStrategy().validate(cj)).isEmpty();
  }

  static Stream<Arguments> invalidWorkloads() {
    String mismatch = "spec.template.metadata.labels: Invalid value: map[string]string{\"app\":\"web\"}:"
        + " `selector` does not match template `labels`";
    return Stream.of(
        Arguments.of("deployment selector mismatch", new DeploymentStrategy(),
            workload("Deployment", "selector: {matchLabels: {app: api}}\n" + TEMPLATE), List.of(mismatch)),
        Arguments.of("deployment without selector", new DeploymentStrategy(), workload("Deployment", TEMPLATE),
            List.of("spec.selector: Required value", mismatch)),
        Arguments.of("deployment with an empty selector", new DeploymentStrategy(),
            workload("Deployment", "selector: {}\n" + TEMPLATE),
            List.of("spec.selector: Invalid value: v1.LabelSelector{MatchLabels:map[string]string(nil),"
                + " MatchExpressions:[]v1.LabelSelectorRequirement(nil)}: empty selector is invalid for deployment")),
        Arguments.of("negative replicas", new DeploymentStrategy(), selected("Deployment", "replicas: -1\n"),
            List.of("spec.replicas: Invalid value: -1: must be greater than or equal to 0")),
        Arguments.of("template without image", new DeploymentStrategy(), workload("Deployment", """
            selector: {matchLabels: {app: web}}
            template: {metadata: {labels: {app: web}}, spec: {containers: [{name: web}]}}
            """), List.of("spec.template.spec.containers[0].image: Required value")),
        Arguments.of("deployment pods must restart", new DeploymentStrategy(), workload("Deployment", """
            selector: {matchLabels: {app: web}}
            template: {metadata: {labels: {app: web}}, spec: {restartPolicy: Never, containers: [{name: web, image: i}]}}
            """), List.of("spec.template.spec.restartPolicy: Unsupported value: \"Never\": supported values: \"Always\"")),
        Arguments.of("bad template label", new ReplicaSetStrategy(), workload("ReplicaSet", """
            selector: {matchLabels: {app: web}}
            template: {metadata: {labels: {app: web, "bad key!": x}}, spec: {containers: [{name: web, image: i}]}}
            """), List.of("spec.template.metadata.labels: Invalid value: \"bad key!\": name part must consist of"
                + " alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character"
                + " (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is"
                + " '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')")),
        Arguments.of("both rolling knobs zero", new DeploymentStrategy(),
            selected("Deployment", "strategy: {rollingUpdate: {maxSurge: 0, maxUnavailable: 0}}\n"),
            List.of("spec.strategy.rollingUpdate.maxUnavailable: Invalid value: intstr.IntOrString{Type:0, IntVal:0,"
                + " StrVal:\"\"}: may not be 0 when `maxSurge` is 0")),
        Arguments.of("recreate with rolling parameters", new DeploymentStrategy(),
            selected("Deployment", "strategy: {type: Recreate, rollingUpdate: {maxSurge: 1}}\n"),
            List.of("spec.strategy.rollingUpdate: Forbidden: may not be specified when strategy `type` is 'Recreate'")),
        Arguments.of("percent above 100", new DeploymentStrategy(),
            selected("Deployment", "strategy: {rollingUpdate: {maxUnavailable: 150%}}\n"),
            List.of("spec.strategy.rollingUpdate.maxUnavailable: Invalid value: \"150%\": must not be greater than 100%")),
        Arguments.of("daemonset surging while unavailable", new DaemonSetStrategy(),
            selected("DaemonSet", "updateStrategy: {rollingUpdate: {maxUnavailable: 1, maxSurge: 25%}}\n"),
            List.of("spec.updateStrategy.rollingUpdate.maxSurge: Invalid value: intstr.IntOrString{Type:1, IntVal:0,"
                + " StrVal:\"25%\"}: may not be set when maxUnavailable is non-zero")),
        Arguments.of("daemonset without either", new DaemonSetStrategy(),
            selected("DaemonSet", "updateStrategy: {rollingUpdate: {maxUnavailable: 0}}\n"),
            List.of("spec.updateStrategy.rollingUpdate.maxUnavailable: Required value: cannot be 0 when maxSurge is 0")),
        Arguments.of("statefulset selector", new StatefulSetStrategy(), workload("StatefulSet", TEMPLATE),
            List.of("spec.selector: Required value", mismatch)),
        Arguments.of("daemonset selector expression", new DaemonSetStrategy(), workload("DaemonSet", """
            selector: {matchExpressions: [{key: app, operator: In}]}
            """ + TEMPLATE),
            List.of("spec.selector.matchExpressions[0].values: Required value: must be specified when `operator` is 'In' or 'NotIn'",
                mismatch)),
        Arguments.of("job pods may not restart always", new JobStrategy(), workload("Job", TEMPLATE),
            List.of("spec.template.spec.restartPolicy: Unsupported value: \"Always\": supported values: \"OnFailure\", \"Never\"")),
        Arguments.of("job with a manual selector that misses", new JobStrategy(), workload("Job", """
            manualSelector: true
            selector: {matchLabels: {app: other}}
            template: {metadata: {labels: {app: web}}, spec: {restartPolicy: Never, containers: [{name: c, image: i}]}}
            """), List.of(mismatch)),
        Arguments.of("indexed job without completions", new JobStrategy(), workload("Job", """
            completionMode: Indexed
            parallelism: 2
            template: {spec: {restartPolicy: Never, containers: [{name: c, image: i}]}}
            """), List.of("spec.completions: Required value: when completion mode is Indexed")),
        Arguments.of("cronjob without schedule", new CronJobStrategy(), yaml("""
            metadata: {name: c}
            spec: {jobTemplate: {spec: {template: {spec: {restartPolicy: Never, containers: [{name: c, image: i}]}}}}}
            """), List.of("spec.schedule: Required value")),
        Arguments.of("cronjob with a bad schedule and zone", new CronJobStrategy(), yaml("""
            metadata: {name: c}
            spec: {schedule: "every minute", timeZone: Mars/Olympus,
                   jobTemplate: {spec: {template: {spec: {restartPolicy: Never, containers: [{name: c, image: i}]}}}}}
            """), List.of("spec.schedule: Invalid value: \"every minute\": unparseable schedule",
                "spec.timeZone: Invalid value: \"Mars/Olympus\": unknown time zone Mars/Olympus")),
        Arguments.of("cronjob name too long", new CronJobStrategy(), yaml("""
            metadata: {name: a-very-long-cronjob-name-that-goes-past-fifty-two-chars}
            spec: {schedule: "@hourly", jobTemplate: {spec: {template: {spec: {restartPolicy: Never, containers: [{name: c, image: i}]}}}}}
            """), List.of("metadata.name: Invalid value: \"a-very-long-cronjob-name-that-goes-past-fifty-two-chars\":"
                + " must be no more than 52 characters")));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("invalidWorkloads")
  void invalidWorkloadsAreRefusedNamingTheField(String name, ResourceStrategy strategy, ObjectNode obj, List<String> causes) {
    assertThat(createCauses(strategy, obj)).containsExactlyElementsOf(causes);
  }

  private static ObjectNode edit(ObjectNode obj, Consumer<ObjectNode> change) {
    ObjectNode copy = obj.deepCopy();
    change.accept(copy);
    return copy;
  }

  static Stream<Arguments> updates() {
    DeploymentStrategy deployment = new DeploymentStrategy();
    ObjectNode d = created(deployment, selected("Deployment", ""));
    StatefulSetStrategy statefulSet = new StatefulSetStrategy();
    ObjectNode sts = created(statefulSet, selected("StatefulSet", "serviceName: web\n"));
    JobStrategy jobs = new JobStrategy();
    ObjectNode job = created(jobs, workload("Job", """
        template: {spec: {restartPolicy: Never, containers: [{name: c, image: i}]}}
        """));
    ObjectNode suspended = created(jobs, workload("Job", """
        suspend: true
        template: {spec: {restartPolicy: Never, containers: [{name: c, image: i}]}}
        """));
    return Stream.of(
        Arguments.of("deployment scale", deployment, d, edit(d, o -> ((ObjectNode) o.get("spec")).put("replicas", 5)), List.of()),
        Arguments.of("deployment new image", deployment, d,
            edit(d, o -> ((ObjectNode) o.at("/spec/template/spec/containers/0")).put("image", "nginx:1.26")), List.of()),
        Arguments.of("deployment selector", deployment, d, edit(d, o -> {
          ((ObjectNode) o.at("/spec/selector/matchLabels")).put("tier", "x");
          ((ObjectNode) o.at("/spec/template/metadata/labels")).put("tier", "x");
        }), List.of("spec.selector: Invalid value: v1.LabelSelector{MatchLabels:map[string]string{\"app\":\"web\","
            + " \"tier\":\"x\"}, MatchExpressions:[]v1.LabelSelectorRequirement(nil)}: field is immutable")),
        Arguments.of("statefulset template", statefulSet, sts,
            edit(sts, o -> ((ObjectNode) o.at("/spec/template/spec/containers/0")).put("image", "j")), List.of()),
        Arguments.of("statefulset service name", statefulSet, sts, edit(sts, o -> ((ObjectNode) o.get("spec")).put("serviceName", "x")),
            List.of("spec: Forbidden: updates to statefulset spec for fields other than 'replicas', 'ordinals', 'template',"
                + " 'updateStrategy', 'revisionHistoryLimit', 'persistentVolumeClaimRetentionPolicy' and 'minReadySeconds'"
                + " are forbidden")),
        Arguments.of("job template", jobs, job,
            edit(job, o -> ((ObjectNode) o.at("/spec/template/spec/containers/0")).put("image", "j")),
            List.of("spec.template: Invalid value: " + edit(job, o -> ((ObjectNode) o.at("/spec/template/spec/containers/0"))
                .put("image", "j")).get("spec").get("template") + ": field is immutable")),
        Arguments.of("suspended job's node selector", jobs, suspended,
            edit(suspended, o -> ((ObjectNode) o.at("/spec/template/spec")).putObject("nodeSelector").put("zone", "a")), List.of()),
        Arguments.of("job completions", jobs, job, edit(job, o -> ((ObjectNode) o.get("spec")).put("completions", 3)),
            List.of("spec.completions: Invalid value: 3: field is immutable")),
        Arguments.of("job parallelism", jobs, job, edit(job, o -> ((ObjectNode) o.get("spec")).put("parallelism", 3)), List.of()));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("updates")
  void updateRules(String name, ResourceStrategy strategy, ObjectNode old, ObjectNode next, List<String> causes) {
    assertThat(updateCauses(strategy, old, next)).containsExactlyElementsOf(causes);
  }
}
