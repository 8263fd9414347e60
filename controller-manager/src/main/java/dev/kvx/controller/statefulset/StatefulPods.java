package dev.kvx.controller.statefulset;

import dev.kvx.component.controller.Owners;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeBuilder;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A StatefulSet's pods and claims by ordinal (upstream's {@code stateful_set_utils.go}): pod
 * {@code <set>-<i>} with hostname and subdomain, the pod-name and pod-index labels and its
 * revision's hash; claim {@code <template>-<set>-<i>} per volumeClaimTemplate, mounted as the
 * template's volume. Pure.
 */
final class StatefulPods {
  static final String POD_NAME = "statefulset.kubernetes.io/pod-name";
  static final String POD_INDEX = "apps.kubernetes.io/pod-index";
  static final String REVISION_HASH = "controller-revision-hash";
  private static final KubernetesSerialization JSON = new KubernetesSerialization();

  private StatefulPods() {}

  static String podName(StatefulSet set, int ordinal) {
    return set.getMetadata().getName() + "-" + ordinal;
  }

  /** The ordinal of a pod of {@code set}, or -1 when its name does not follow the pattern. */
  static int ordinal(StatefulSet set, Pod pod) {
    Matcher m = Pattern.compile("^" + Pattern.quote(set.getMetadata().getName()) + "-(\\d+)$").matcher(pod.getMetadata().getName());
    return m.matches() ? Integer.parseInt(m.group(1)) : -1;
  }

  static String claimName(PersistentVolumeClaim template, StatefulSet set, int ordinal) {
    return template.getMetadata().getName() + "-" + podName(set, ordinal);
  }

  static List<PersistentVolumeClaim> claims(StatefulSet set, int ordinal) {
    List<PersistentVolumeClaim> out = new ArrayList<>();
    if (set.getSpec().getVolumeClaimTemplates() == null) {
      return out;
    }
    Map<String, String> selectorLabels = set.getSpec().getSelector() == null || set.getSpec().getSelector().getMatchLabels() == null
        ? Map.of() : set.getSpec().getSelector().getMatchLabels();
    for (PersistentVolumeClaim t : set.getSpec().getVolumeClaimTemplates()) {
      Map<String, String> labels = new HashMap<>(t.getMetadata().getLabels() == null ? Map.of() : t.getMetadata().getLabels());
      labels.putAll(selectorLabels);
      out.add(new PersistentVolumeClaimBuilder()
          .withNewMetadata().withNamespace(set.getMetadata().getNamespace()).withName(claimName(t, set, ordinal))
          .withLabels(labels).withAnnotations(t.getMetadata().getAnnotations()).endMetadata()
          .withSpec(JSON.clone(t.getSpec()))
          .build());
    }
    return out;
  }

  /** The pod for {@code ordinal} from {@code template} (the template of revision {@code hash}). */
  static Pod pod(StatefulSet set, PodTemplateSpec template, String hash, int ordinal) {
    PodTemplateSpec t = JSON.clone(template);
    String name = podName(set, ordinal);
    Map<String, String> labels = new HashMap<>(t.getMetadata() == null || t.getMetadata().getLabels() == null ? Map.of() : t.getMetadata().getLabels());
    labels.put(POD_NAME, name);
    labels.put(POD_INDEX, String.valueOf(ordinal));
    labels.put(REVISION_HASH, hash);
    var spec = t.getSpec();
    spec.setHostname(name);
    if (set.getSpec().getServiceName() != null && !set.getSpec().getServiceName().isEmpty()) {
      spec.setSubdomain(set.getSpec().getServiceName());
    }
    if (set.getSpec().getVolumeClaimTemplates() != null) {
      List<Volume> volumes = new ArrayList<>(spec.getVolumes() == null ? List.of() : spec.getVolumes());
      for (PersistentVolumeClaim c : set.getSpec().getVolumeClaimTemplates()) {
        String volume = c.getMetadata().getName();
        volumes.removeIf(v -> volume.equals(v.getName()));
        volumes.add(new VolumeBuilder().withName(volume).withNewPersistentVolumeClaim()
            .withClaimName(claimName(c, set, ordinal)).endPersistentVolumeClaim().build());
      }
      spec.setVolumes(volumes);
    }
    return new PodBuilder()
        .withNewMetadata().withNamespace(set.getMetadata().getNamespace()).withName(name).withLabels(labels)
        .withAnnotations(t.getMetadata() == null ? null : t.getMetadata().getAnnotations())
        .withOwnerReferences(Owners.controllerRef(set)).endMetadata()
        .withSpec(spec)
        .build();
  }
}
