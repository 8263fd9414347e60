package dev.kvx.apiserver.strategy;

import dev.kvx.apiserver.errors.StatusException.Cause;
import java.time.DateTimeException;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * batch/v1 CronJob: {@code SetDefaults_CronJob} (the job template's pod spec is defaulted, its job
 * spec is not, as upstream), schedule and time zone checks, the job template's rules.
 */
final class CronJobStrategy extends WorkloadStrategy {

  private static final List<String> CONCURRENCY = List.of("Allow", "Forbid", "Replace");
  private static final Set<String> DESCRIPTORS = Set.of("@yearly", "@annually", "@monthly", "@weekly",
      "@daily", "@midnight", "@hourly");
  /** The longest name whose Job names (name + 11-character suffix) still fit a label value. */
  static final int MAX_NAME_LENGTH = 52;

  @Override
  void setDefaults(ObjectNode obj) {
    ObjectNode spec = Nodes.object(obj, "spec");
    if (spec == null) {
      return;
    }
    Nodes.defaultString(spec, "concurrencyPolicy", "Allow");
    Nodes.defaultBool(spec, "suspend", false);
    Nodes.defaultInt(spec, "successfulJobsHistoryLimit", 3);
    Nodes.defaultInt(spec, "failedJobsHistoryLimit", 1);
    Workloads.defaultTemplate(Nodes.objectOrNull(Nodes.objectOrNull(spec, "jobTemplate"), "spec"));
  }

  @Override
  public List<Cause> validate(ObjectNode obj) {
    List<Cause> out = new ArrayList<>();
    String name = Nodes.text(obj.path("metadata"), "name");
    if (name.length() > MAX_NAME_LENGTH) {
      out.add(FieldErrors.invalid(FieldPath.root("metadata", "name"), name, "must be no more than 52 characters"));
    }
    JsonNode spec = obj.path("spec");
    FieldPath p = FieldPath.root("spec");
    String schedule = Nodes.text(spec, "schedule");
    if (schedule.isEmpty()) {
      out.add(FieldErrors.required(p.child("schedule")));
    } else if (!isSchedule(schedule)) {
      out.add(FieldErrors.invalid(p.child("schedule"), schedule, "unparseable schedule"));
    } else if (schedule.contains("TZ=")) {
      out.add(FieldErrors.invalid(p.child("schedule"), schedule,
          "cannot use TZ or CRON_TZ in schedule, use timeZone field instead"));
    }
    JsonNode zone = spec.get("timeZone");
    if (zone != null && !zone.isNull()) {
      timeZone(zone.asString(), p.child("timeZone"), out);
    }
    String concurrency = Nodes.text(spec, "concurrencyPolicy");
    if (concurrency.isEmpty()) {
      out.add(FieldErrors.required(p.child("concurrencyPolicy")));
    } else if (!CONCURRENCY.contains(concurrency)) {
      out.add(FieldErrors.notSupported(p.child("concurrencyPolicy"), concurrency, CONCURRENCY));
    }
    for (String f : List.of("startingDeadlineSeconds", "successfulJobsHistoryLimit", "failedJobsHistoryLimit")) {
      Workloads.nonNegative(spec, f, p, out);
    }
    JsonNode jobSpec = spec.path("jobTemplate").path("spec");
    FieldPath jp = p.child("jobTemplate", "spec");
    out.addAll(MetaValidation.templateMeta(spec.path("jobTemplate").get("metadata"), p.child("jobTemplate", "metadata")));
    out.addAll(JobStrategy.jobSpec(jobSpec, jp));
    if (jobSpec.has("selector") && !jobSpec.get("selector").isNull()) {
      out.add(FieldErrors.invalid(jp.child("selector"), GoValues.labelSelector(jobSpec.get("selector")),
          "`selector` will be auto-generated"));
    }
    if (Nodes.isTrue(jobSpec, "manualSelector")) {
      out.add(FieldErrors.notSupported(jp.child("manualSelector"), true, List.of("nil", "false")));
    }
    return out;
  }

  private static void timeZone(String zone, FieldPath p, List<Cause> out) {
    if (zone.isEmpty()) {
      out.add(FieldErrors.invalid(p, zone, "timeZone must be nil or non-empty string"));
      return;
    }
    if (zone.equalsIgnoreCase("Local")) {
      out.add(FieldErrors.invalid(p, zone,
          "timeZone must be an explicit time zone as defined in https://www.iana.org/time-zones"));
      return;
    }
    try {
      ZoneId.of(zone);
    } catch (DateTimeException e) {
      out.add(FieldErrors.invalid(p, zone, "unknown time zone " + zone));
    }
  }

  /** Five cron fields of numbers, names, ranges, steps and lists, or a descriptor / @every. */
  static boolean isSchedule(String schedule) {
    String s = schedule.strip();
    if (s.startsWith("TZ=") || s.startsWith("CRON_TZ=")) {
      int space = s.indexOf(' ');
      if (space < 0) {
        return false;
      }
      s = s.substring(space + 1).strip();
    }
    if (s.startsWith("@")) {
      return DESCRIPTORS.contains(s) || s.matches("@every\\s+([0-9]+(\\.[0-9]+)?(ns|us|µs|ms|s|m|h))+");
    }
    String[] fields = s.split("\\s+");
    if (fields.length != 5) {
      return false;
    }
    for (String f : fields) {
      if (!f.matches("[0-9A-Za-z*?/,\\-]+")) {
        return false;
      }
    }
    return true;
  }
}
