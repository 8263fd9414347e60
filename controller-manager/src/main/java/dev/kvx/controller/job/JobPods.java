package dev.kvx.controller.job;

import dev.kvx.controller.common.PodControl;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.EnvVarBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Map;

/** The pods a Job creates (upstream's job controller {@code createPods}); pure. */
final class JobPods {
  static final String COMPLETION_INDEX = "batch.kubernetes.io/job-completion-index";
  static final String JOB_NAME = "batch.kubernetes.io/job-name";
  static final String CONTROLLER_UID = "batch.kubernetes.io/controller-uid";
  static final String LEGACY_JOB_NAME = "job-name";
  static final String LEGACY_CONTROLLER_UID = "controller-uid";

  private JobPods() {}

  /** A pod of {@code job}; {@code index} is its completion index when Indexed, else null. */
  static Pod pod(Job job, Integer index) {
    String name = job.getMetadata().getName();
    Pod pod = PodControl.podFromTemplate(job.getSpec().getTemplate(), job, index == null ? name + "-" : name + "-" + index + "-");
    Map<String, String> labels = new HashMap<>(pod.getMetadata().getLabels());
    labels.putIfAbsent(JOB_NAME, name);
    labels.putIfAbsent(LEGACY_JOB_NAME, name);
    labels.putIfAbsent(CONTROLLER_UID, job.getMetadata().getUid());
    labels.putIfAbsent(LEGACY_CONTROLLER_UID, job.getMetadata().getUid());
    if (index != null) {
      labels.put(COMPLETION_INDEX, String.valueOf(index));
      Map<String, String> annotations = pod.getMetadata().getAnnotations() == null ? new HashMap<>() : new HashMap<>(pod.getMetadata().getAnnotations());
      annotations.put(COMPLETION_INDEX, String.valueOf(index));
      pod.getMetadata().setAnnotations(annotations);
      // A stable hostname per index, and the index in every container's environment.
      if (pod.getSpec().getHostname() == null) {
        pod.getSpec().setHostname(name + "-" + index);
      }
      for (Container c : pod.getSpec().getContainers()) {
        var env = c.getEnv() == null ? new ArrayList<EnvVar>() : new ArrayList<>(c.getEnv());
        if (env.stream().noneMatch(e -> "JOB_COMPLETION_INDEX".equals(e.getName()))) {
          env.add(new EnvVarBuilder().withName("JOB_COMPLETION_INDEX").withNewValueFrom().withNewFieldRef()
              .withFieldPath("metadata.annotations['" + COMPLETION_INDEX + "']").endFieldRef().endValueFrom().build());
        }
        c.setEnv(env);
      }
    }
    pod.getMetadata().setLabels(labels);
    return pod;
  }

  /** The completion index of a pod, or null. */
  static Integer index(Pod pod) {
    Map<String, String> a = pod.getMetadata().getAnnotations();
    String v = a == null ? null : a.get(COMPLETION_INDEX);
    if (v == null && pod.getMetadata().getLabels() != null) {
      v = pod.getMetadata().getLabels().get(COMPLETION_INDEX);
    }
    try {
      return v == null ? null : Integer.parseInt(v);
    } catch (NumberFormatException e) {
      return null;
    }
  }
}
