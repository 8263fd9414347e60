package dev.kvx.apiserver.strategy;

import dev.kvx.apiserver.errors.StatusException.Cause;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * batch/v1 Job: {@code SetDefaults_Job}, the generated selector ({@code batch.kubernetes.io/
 * controller-uid} and {@code job-name} labels on the template, as upstream's
 * {@code generateSelector}), Job validation and the update rules (selector, completionMode and
 * the template immutable; a suspended job that never started may change its scheduling
 * directives; an Indexed job may scale completions with parallelism).
 */
final class JobStrategy extends WorkloadStrategy {

  static final String CONTROLLER_UID = "batch.kubernetes.io/controller-uid";
  static final String LEGACY_CONTROLLER_UID = "controller-uid";
  static final String JOB_NAME = "batch.kubernetes.io/job-name";
  static final String LEGACY_JOB_NAME = "job-name";

  private static final List<String> COMPLETION_MODES = List.of("NonIndexed", "Indexed");
  private static final List<String> REPLACEMENT_POLICIES = List.of("TerminatingOrFailed", "Failed");

  @Override
  public void prepareForCreate(ObjectNode job) {
    setDefaults(job);
    ObjectNode spec = Nodes.objectOrNull(job, "spec");
    if (spec != null && !Nodes.isTrue(spec, "manualSelector")) {
      generateSelector(job, spec);
    }
    // Upstream stores the job before its labels are copied from the generated template labels,
    // and defaulting copies them whenever the job is read back: clients see them at once.
    copyTemplateLabels(job);
  }

  @Override
  void setDefaults(ObjectNode job) {
    ObjectNode spec = Nodes.object(job, "spec");
    if (spec == null) {
      return;
    }
    jobSpecDefaults(spec);
    copyTemplateLabels(job);
  }

  /** The defaults of a Job's spec (not applied to CronJob job templates, as upstream). */
  private static void jobSpecDefaults(ObjectNode spec) {
    if (Nodes.unset(spec, "completions") && Nodes.unset(spec, "parallelism")) {
      spec.put("completions", 1);
      spec.put("parallelism", 1);
    }
    Nodes.defaultInt(spec, "parallelism", 1);
    Nodes.defaultInt(spec, "backoffLimit", Nodes.unset(spec, "backoffLimitPerIndex") ? 6 : Integer.MAX_VALUE);
    Nodes.defaultString(spec, "completionMode", "NonIndexed");
    Nodes.defaultBool(spec, "suspend", false);
    ObjectNode failurePolicy = Nodes.objectOrNull(spec, "podFailurePolicy");
    for (ObjectNode rule : Nodes.objects(failurePolicy, "rules")) {
      for (ObjectNode pattern : Nodes.objects(rule, "onPodConditions")) {
        Nodes.defaultString(pattern, "status", "True");
      }
    }
    Nodes.defaultString(spec, "podReplacementPolicy", failurePolicy != null ? "Failed" : "TerminatingOrFailed");
    Workloads.defaultTemplate(spec);
  }

  private static void copyTemplateLabels(ObjectNode job) {
    JsonNode labels = job.path("spec").path("template").path("metadata").get("labels");
    ObjectNode meta = Nodes.object(job, "metadata");
    if (meta != null && labels != null && labels.isObject() && Nodes.stringMap(meta, "labels").isEmpty()) {
      meta.set("labels", labels.deepCopy());
    }
  }

  private static void generateSelector(ObjectNode job, ObjectNode spec) {
    String name = Nodes.text(job.path("metadata"), "name");
    String uid = Nodes.text(job.path("metadata"), "uid");
    ObjectNode template = Nodes.object(spec, "template");
    ObjectNode meta = template == null ? null : Nodes.object(template, "metadata");
    ObjectNode labels = meta == null ? null : Nodes.object(meta, "labels");
    if (labels != null) {
      for (String key : List.of(LEGACY_JOB_NAME, JOB_NAME)) {
        if (!labels.has(key)) {
          labels.put(key, name);
        }
      }
      for (String key : List.of(LEGACY_CONTROLLER_UID, CONTROLLER_UID)) {
        if (!labels.has(key)) {
          labels.put(key, uid);
        }
      }
    }
    ObjectNode selector = Nodes.object(spec, "selector");
    ObjectNode matchLabels = selector == null ? null : Nodes.object(selector, "matchLabels");
    if (matchLabels != null && !matchLabels.has(CONTROLLER_UID)) {
      matchLabels.put(CONTROLLER_UID, uid);
    }
  }

  @Override
  public List<Cause> validate(ObjectNode job) {
    List<Cause> out = new ArrayList<>();
    JsonNode spec = job.path("spec");
    FieldPath p = FieldPath.root("spec");
    JsonNode selector = spec.get("selector");
    if (selector == null || !selector.isObject()) {
      out.add(FieldErrors.required(p.child("selector")));
    } else {
      out.addAll(LabelSelectors.validate(selector, p.child("selector")));
    }
    JsonNode template = spec.get("template");
    if (template != null && template.isObject()) {
      out.addAll(Workloads.selectorMatchesTemplate(selector, template, p.child("template")));
    }
    out.addAll(jobSpec(spec, p));
    if (!Nodes.isTrue(spec, "manualSelector")) {
      out.addAll(generatedSelector(job));
    }
    return out;
  }

  /** {@code validateJobSpec}: what Jobs and CronJob job templates share. */
  static List<Cause> jobSpec(JsonNode spec, FieldPath p) {
    List<Cause> out = new ArrayList<>();
    for (String f : List.of("parallelism", "completions", "activeDeadlineSeconds", "backoffLimit",
        "ttlSecondsAfterFinished")) {
      Workloads.nonNegative(spec, f, p, out);
    }
    String mode = Nodes.text(spec, "completionMode");
    if (!mode.isEmpty() && !COMPLETION_MODES.contains(mode)) {
      out.add(FieldErrors.notSupported(p.child("completionMode"), mode, COMPLETION_MODES));
    }
    if (mode.equals("Indexed") && Nodes.integer(spec, "completions") == null) {
      out.add(FieldErrors.required(p.child("completions"), "when completion mode is Indexed"));
    }
    String replacement = Nodes.text(spec, "podReplacementPolicy");
    if (!replacement.isEmpty() && !REPLACEMENT_POLICIES.contains(replacement)) {
      out.add(FieldErrors.notSupported(p.child("podReplacementPolicy"), replacement, REPLACEMENT_POLICIES));
    }
    JsonNode template = spec.get("template");
    FieldPath tp = p.child("template");
    if (template == null || !template.isObject()) {
      out.add(FieldErrors.required(tp.child("spec", "containers")));
      return out;
    }
    out.addAll(Workloads.podTemplate(template, tp));
    String restart = Nodes.text(template.get("spec"), "restartPolicy");
    if (!restart.isEmpty() && !restart.equals("OnFailure") && !restart.equals("Never")) {
      out.add(FieldErrors.notSupported(tp.child("spec", "restartPolicy"), restart, List.of("OnFailure", "Never")));
    }
    return out;
  }

  /** {@code ValidateGeneratedSelector}: the generated labels are there and selected. */
  private static List<Cause> generatedSelector(ObjectNode job) {
    List<Cause> out = new ArrayList<>();
    JsonNode selector = job.path("spec").get("selector");
    if (selector == null || !selector.isObject()) {
      return out;
    }
    String uid = Nodes.text(job.path("metadata"), "uid");
    String name = Nodes.text(job.path("metadata"), "name");
    if (uid.isEmpty()) {
      out.add(FieldErrors.required(FieldPath.root("metadata", "uid")));
    }
    JsonNode meta = job.path("spec").path("template").path("metadata");
    Map<String, String> labels = Nodes.stringMap(meta, "labels");
    FieldPath lp = FieldPath.root("spec", "template", "metadata", "labels");
    Map<String, String> expected = Map.of(LEGACY_CONTROLLER_UID, uid, LEGACY_JOB_NAME, name, CONTROLLER_UID, uid, JOB_NAME, name);
    for (String key : List.of(LEGACY_CONTROLLER_UID, LEGACY_JOB_NAME, CONTROLLER_UID, JOB_NAME)) {
      String want = expected.get(key);
      String have = labels.get(key);
      if (have == null) {
        out.add(FieldErrors.required(lp.key(key)));
      } else if (!have.equals(want)) {
        out.add(FieldErrors.invalid(lp.key(key), have, "must be '" + want + "'"));
      }
    }
    if (!LabelSelectors.matches(selector, Map.of(CONTROLLER_UID, uid, JOB_NAME, name, LEGACY_CONTROLLER_UID, uid,
        LEGACY_JOB_NAME, name))) {
      out.add(FieldErrors.invalid(FieldPath.root("spec", "selector"), GoValues.labelSelector(selector),
          "`selector` not auto-generated"));
    }
    return out;
  }

  @Override
  public List<Cause> validateUpdate(ObjectNode job, ObjectNode old) {
    List<Cause> out = new ArrayList<>(validate(job));
    JsonNode spec = job.path("spec");
    JsonNode oldSpec = old.path("spec");
    FieldPath p = FieldPath.root("spec");
    out.addAll(Workloads.immutableSelector(spec, oldSpec, p));
    if (!Nodes.same(spec.get("completionMode"), oldSpec.get("completionMode"))) {
      out.add(FieldErrors.immutable(p.child("completionMode"), Nodes.text(spec, "completionMode")));
    }
    for (String f : List.of("podFailurePolicy", "backoffLimitPerIndex", "managedBy")) {
      if (!Nodes.same(spec.get(f), oldSpec.get(f))) {
        out.add(FieldErrors.immutable(p.child(f), spec.get(f)));
      }
    }
    if (!Nodes.same(spec.get("completions"), oldSpec.get("completions"))) {
      boolean indexed = "Indexed".equals(Nodes.text(spec, "completionMode"));
      Long completions = Nodes.integer(spec, "completions");
      if (!indexed) {
        out.add(FieldErrors.immutable(p.child("completions"), completions));
      } else if (completions != null && !completions.equals(Nodes.integer(spec, "parallelism"))) {
        out.add(FieldErrors.invalid(p.child("completions"), completions, "can only be modified in tandem with spec.parallelism"));
      }
    }
    out.addAll(templateUpdate(spec, oldSpec, old, p));
    return out;
  }

  /** The template is immutable, except scheduling directives of a suspended job that never ran. */
  private static List<Cause> templateUpdate(JsonNode spec, JsonNode oldSpec, ObjectNode old, FieldPath p) {
    JsonNode template = spec.get("template");
    JsonNode oldTemplate = oldSpec.get("template");
    if (Nodes.same(template, oldTemplate)) {
      return List.of();
    }
    boolean mutableScheduling = Nodes.isTrue(oldSpec, "suspend") && !old.path("status").has("startTime");
    if (mutableScheduling && template instanceof ObjectNode t && oldTemplate instanceof ObjectNode o) {
      ObjectNode munged = o.deepCopy();
      ObjectNode mungedMeta = Nodes.object(munged, "metadata");
      for (String f : List.of("labels", "annotations")) {
        copyField(t.path("metadata"), mungedMeta, f);
      }
      ObjectNode mungedSpec = Nodes.object(munged, "spec");
      JsonNode newSpec = t.path("spec");
      for (String f : List.of("nodeSelector", "tolerations", "schedulingGates")) {
        copyField(newSpec, mungedSpec, f);
      }
      ObjectNode affinity = Nodes.objectOrNull(mungedSpec, "affinity");
      JsonNode newAffinity = newSpec.get("affinity");
      if (affinity != null) {
        copyField(newAffinity == null ? t.objectNode() : newAffinity, affinity, "nodeAffinity");
        if (affinity.isEmpty() && newAffinity == null) {
          mungedSpec.remove("affinity");
        }
      } else if (newAffinity instanceof ObjectNode na && na.has("nodeAffinity")) {
        mungedSpec.putObject("affinity").set("nodeAffinity", na.get("nodeAffinity").deepCopy());
      }
      if (munged.equals(t) || (mungedMeta.isEmpty() && stripEmptyMeta(munged).equals(t))) {
        return List.of();
      }
    }
    return List.of(FieldErrors.immutable(p.child("template"), new GoValues.Raw(String.valueOf(template))));
  }

  private static ObjectNode stripEmptyMeta(ObjectNode template) {
    ObjectNode c = template.deepCopy();
    c.remove("metadata");
    return c;
  }

  private static void copyField(JsonNode from, ObjectNode to, String field) {
    JsonNode v = from == null ? null : from.get(field);
    if (v == null || v.isNull()) {
      to.remove(field);
    } else {
      to.set(field, v.deepCopy());
    }
  }
}
