package dev.kvx.controller.job;

import dev.kvx.controller.common.Times;
import io.fabric8.kubernetes.api.model.batch.v1.JobCondition;
import io.fabric8.kubernetes.api.model.batch.v1.JobConditionBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.JobStatus;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Objects;

/** Job conditions as the 1.32 job controller writes them. */
final class JobConditions {
  static final String COMPLETE = "Complete";
  static final String FAILED = "Failed";
  static final String SUSPENDED = "Suspended";
  static final String FAILURE_TARGET = "FailureTarget";
  static final String SUCCESS_CRITERIA_MET = "SuccessCriteriaMet";

  private JobConditions() {}

  static JobCondition get(JobStatus s, String type) {
    if (s == null || s.getConditions() == null) {
      return null;
    }
    return s.getConditions().stream().filter(c -> type.equals(c.getType())).findFirst().orElse(null);
  }

  static boolean isTrue(JobStatus s, String type) {
    JobCondition c = get(s, type);
    return c != null && "True".equals(c.getStatus());
  }

  /** Sets a condition; the transition time changes only when the status does. */
  static void set(JobStatus s, String type, String status, String reason, String message, Instant now) {
    JobCondition old = get(s, type);
    if (old != null && Objects.equals(old.getStatus(), status) && Objects.equals(old.getReason(), reason)) {
      return;
    }
    String ts = Times.format(now);
    JobCondition c = new JobConditionBuilder().withType(type).withStatus(status).withReason(reason).withMessage(message)
        .withLastProbeTime(ts).withLastTransitionTime(old != null && Objects.equals(old.getStatus(), status) ? old.getLastTransitionTime() : ts)
        .build();
    if (s.getConditions() == null) {
      s.setConditions(new ArrayList<>());
    }
    if (old != null) {
      s.getConditions().set(s.getConditions().indexOf(old), c);
    } else {
      s.getConditions().add(c);
    }
  }

  static boolean finished(JobStatus s) {
    return isTrue(s, COMPLETE) || isTrue(s, FAILED);
  }
}
