package dev.kvx.apiserver.strategy;

import java.util.List;
import java.util.Set;
import tools.jackson.databind.node.ObjectNode;

/**
 * Upstream's defaults for a pod spec wherever it appears (pods and the templates of workloads):
 * {@code SetDefaults_PodSpec}, containers, ports, probes, volumes and field selectors of
 * k8s.io/kubernetes/pkg/apis/core/v1/defaults.go, plus what the v1 conversion writes back
 * ({@code serviceAccount} mirrors {@code serviceAccountName}) and the empty {@code resources: {}}
 * Go's encoder prints for every container. Idempotent.
 */
final class PodSpecDefaults {

  private PodSpecDefaults() {}

  static final long DEFAULT_TERMINATION_GRACE_PERIOD = 30;
  static final int DEFAULT_FILE_MODE = 0644; // 420, the mode of projected/secret/configMap files

  /** The keys of a volume that are not its source. */
  private static final Set<String> VOLUME_NON_SOURCE = Set.of("name");

  static void apply(ObjectNode spec) {
    if (spec == null) {
      return;
    }
    Nodes.defaultString(spec, "dnsPolicy", "ClusterFirst");
    Nodes.defaultString(spec, "restartPolicy", "Always");
    Nodes.object(spec, "securityContext");
    Nodes.defaultInt(spec, "terminationGracePeriodSeconds", DEFAULT_TERMINATION_GRACE_PERIOD);
    Nodes.defaultString(spec, "schedulerName", "default-scheduler");
    boolean hostNetwork = Nodes.isTrue(spec, "hostNetwork");
    for (String list : List.of("initContainers", "containers", "ephemeralContainers")) {
      for (ObjectNode c : Nodes.objects(spec, list)) {
        container(c, hostNetwork);
      }
    }
    for (ObjectNode v : Nodes.objects(spec, "volumes")) {
      volume(v);
    }
    // The v1 conversion fills the deprecated serviceAccount from serviceAccountName and back.
    if (Nodes.unset(spec, "serviceAccountName") && !Nodes.unset(spec, "serviceAccount")) {
      spec.put("serviceAccountName", Nodes.text(spec, "serviceAccount"));
    }
    if (!Nodes.unset(spec, "serviceAccountName")) {
      spec.put("serviceAccount", Nodes.text(spec, "serviceAccountName"));
    }
  }

  static void container(ObjectNode c, boolean hostNetwork) {
    if (Nodes.unset(c, "imagePullPolicy")) {
      c.put("imagePullPolicy", "latest".equals(imageTag(Nodes.text(c, "image"))) ? "Always" : "IfNotPresent");
    }
    Nodes.defaultString(c, "terminationMessagePath", "/dev/termination-log");
    Nodes.defaultString(c, "terminationMessagePolicy", "File");
    Nodes.object(c, "resources");
    for (ObjectNode p : Nodes.objects(c, "ports")) {
      Nodes.defaultString(p, "protocol", "TCP");
      if (hostNetwork && Nodes.integer(p, "hostPort") == null && p.has("containerPort")) {
        p.set("hostPort", p.get("containerPort").deepCopy());
      }
    }
    for (String probe : List.of("livenessProbe", "readinessProbe", "startupProbe")) {
      ObjectNode p = Nodes.objectOrNull(c, probe);
      if (p != null) {
        probe(p);
      }
    }
    ObjectNode lifecycle = Nodes.objectOrNull(c, "lifecycle");
    if (lifecycle != null) {
      for (String hook : List.of("postStart", "preStop")) {
        httpGet(Nodes.objectOrNull(Nodes.objectOrNull(lifecycle, hook), "httpGet"));
      }
    }
    for (ObjectNode env : Nodes.objects(c, "env")) {
      fieldRef(Nodes.objectOrNull(Nodes.objectOrNull(env, "valueFrom"), "fieldRef"));
    }
  }

  private static void probe(ObjectNode p) {
    Nodes.defaultInt(p, "timeoutSeconds", 1);
    Nodes.defaultInt(p, "periodSeconds", 10);
    Nodes.defaultInt(p, "successThreshold", 1);
    Nodes.defaultInt(p, "failureThreshold", 3);
    httpGet(Nodes.objectOrNull(p, "httpGet"));
  }

  private static void httpGet(ObjectNode h) {
    if (h != null) {
      Nodes.defaultString(h, "path", "/");
      Nodes.defaultString(h, "scheme", "HTTP");
    }
  }

  private static void fieldRef(ObjectNode f) {
    if (f != null) {
      Nodes.defaultString(f, "apiVersion", "v1");
    }
  }

  private static void volume(ObjectNode v) {
    boolean hasSource = false;
    for (String k : v.propertyNames()) {
      if (!VOLUME_NON_SOURCE.contains(k) && !v.get(k).isNull()) {
        hasSource = true;
      }
    }
    if (!hasSource) {
      v.putObject("emptyDir");
    }
    for (String source : List.of("secret", "configMap", "downwardAPI", "projected")) {
      ObjectNode s = Nodes.objectOrNull(v, source);
      if (s != null) {
        Nodes.defaultInt(s, "defaultMode", DEFAULT_FILE_MODE);
      }
    }
    for (ObjectNode item : Nodes.objects(Nodes.objectOrNull(v, "downwardAPI"), "items")) {
      fieldRef(Nodes.objectOrNull(item, "fieldRef"));
    }
    for (ObjectNode src : Nodes.objects(Nodes.objectOrNull(v, "projected"), "sources")) {
      for (ObjectNode item : Nodes.objects(Nodes.objectOrNull(src, "downwardAPI"), "items")) {
        fieldRef(Nodes.objectOrNull(item, "fieldRef"));
      }
      ObjectNode token = Nodes.objectOrNull(src, "serviceAccountToken");
      if (token != null) {
        Nodes.defaultInt(token, "expirationSeconds", 3600);
      }
    }
    ObjectNode hostPath = Nodes.objectOrNull(v, "hostPath");
    if (hostPath != null && !hostPath.has("type")) {
      hostPath.put("type", "");
    }
  }

  /**
   * The tag of an image reference as upstream's {@code parsers.ParseImageName} reads it:
   * {@code latest} when there is neither tag nor digest, "" when there is only a digest or the
   * reference is not parseable (which makes the pull policy IfNotPresent).
   */
  static String imageTag(String image) {
    if (image.isEmpty() || !image.strip().equals(image) || image.chars().anyMatch(Character::isWhitespace)) {
      return "";
    }
    String ref = image;
    boolean digest = false;
    int at = ref.indexOf('@');
    if (at >= 0) {
      digest = true;
      ref = ref.substring(0, at);
    }
    int slash = ref.lastIndexOf('/');
    int colon = ref.lastIndexOf(':');
    String repo = colon > slash ? ref.substring(0, colon) : ref;
    String path = repo.substring(repo.indexOf('/') + 1);
    if (!path.equals(path.toLowerCase())) {
      return ""; // upstream refuses upper-case repository paths
    }
    if (colon > slash) {
      return ref.substring(colon + 1);
    }
    return digest ? "" : "latest";
  }
}
