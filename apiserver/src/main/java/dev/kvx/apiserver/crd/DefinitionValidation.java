package dev.kvx.apiserver.crd;

import dev.kvx.apiserver.errors.StatusException.Cause;
import dev.kvx.apiserver.selection.Names;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * apiextensions-apiserver's validation of a CustomResourceDefinition (v1), in its order and words:
 * the name is {@code <plural>.<group>}, the group a domain with a dot, the scope Cluster or
 * Namespaced, exactly one storage version, unique DNS-1035 version names, a structural schema for
 * every version, valid subresources and printer columns, names that are DNS-1035 labels, approval
 * for protected groups, and on update the immutable group, plural (and scope and kind once
 * established) and stored versions that are still listed. Pure.
 */
final class DefinitionValidation {

  private static final Pattern DNS1035 = Pattern.compile("[a-z]([-a-z0-9]*[a-z0-9])?");
  private static final String DNS1035_MESSAGE = "a DNS-1035 label must consist of lower case alphanumeric characters"
      + " or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name', "
      + " or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')";
  private static final List<String> SCOPES = List.of("Cluster", "Namespaced");
  private static final List<String> CONVERSIONS = List.of("None", "Webhook");
  private static final Set<String> COLUMN_TYPES = Set.of("boolean", "date", "integer", "number", "string");
  private static final Set<String> COLUMN_FORMATS =
      Set.of("byte", "date", "date-time", "double", "float", "int32", "int64", "password");
  static final String APPROVAL = "api-approved.kubernetes.io";

  private DefinitionValidation() {}

  /** The problems of a new CRD (already defaulted). */
  static List<Cause> validate(ObjectNode crd) {
    List<Cause> out = new ArrayList<>();
    JsonNode spec = crd.path("spec");
    String name = Definition.text(crd.path("metadata"), "name");
    String required = Definition.text(spec.path("names"), "plural") + "." + Definition.text(spec, "group");
    if (!name.equals(required)) {
      out.add(FieldErrors.invalidString("metadata.name", name, "must be spec.names.plural+\".\"+spec.group"));
    }
    spec(spec, out);
    names(crd.path("status").path("acceptedNames"), "status.acceptedNames", out);
    storedVersions(crd, out);
    approval(crd, out);
    if (spec.path("preserveUnknownFields").asBoolean(false)) {
      out.add(FieldErrors.invalid("spec.preserveUnknownFields", "true",
          "cannot set to true, set x-kubernetes-preserve-unknown-fields to true in spec.versions[*].schema instead"));
    }
    return out;
  }

  /** The problems of an update; {@code old} is the stored CRD. */
  static List<Cause> validateUpdate(ObjectNode crd, ObjectNode old) {
    List<Cause> out = validate(crd);
    JsonNode spec = crd.path("spec");
    JsonNode oldSpec = old.path("spec");
    if (established(old)) {
      immutable(spec.path("scope"), oldSpec.path("scope"), "spec.scope", out);
      immutable(spec.path("names").path("kind"), oldSpec.path("names").path("kind"), "spec.names.kind", out);
    }
    immutable(spec.path("group"), oldSpec.path("group"), "spec.group", out);
    immutable(spec.path("names").path("plural"), oldSpec.path("names").path("plural"), "spec.names.plural", out);
    return out;
  }

  static boolean established(JsonNode crd) {
    for (JsonNode c : crd.path("status").path("conditions")) {
      if ("Established".equals(c.path("type").asString("")) && "True".equals(c.path("status").asString(""))) {
        return true;
      }
    }
    return false;
  }

  private static void immutable(JsonNode now, JsonNode before, String field, List<Cause> out) {
    if (!now.equals(before)) {
      out.add(FieldErrors.invalid(field, GoFormat.badValue(now), "field is immutable"));
    }
  }

  // ---- spec --------------------------------------------------------------------------------

  private static void spec(JsonNode spec, List<Cause> out) {
    String group = Definition.text(spec, "group");
    if (group.isEmpty()) {
      out.add(FieldErrors.required("spec.group", ""));
    } else if (!Names.isDns1123Subdomain(group)) {
      out.add(new Cause("FieldValueInvalid", "spec.group", Names.subdomainMessage(group)));
    } else if (!group.contains(".")) {
      out.add(FieldErrors.invalidString("spec.group", group, "should be a domain with at least one dot"));
    }
    enumString(spec, "scope", "spec.scope", SCOPES, out);
    JsonNode versions = spec.path("versions");
    for (int i = 0; i < versions.size(); i++) {
      JsonNode schema = versions.get(i).path("schema").get("openAPIV3Schema");
      if (schema == null || !schema.isObject()) {
        out.add(FieldErrors.required("spec.versions[" + i + "].schema.openAPIV3Schema", "schemas are required"));
      }
    }
    int storage = 0;
    Set<String> seen = new HashSet<>();
    boolean unique = true;
    for (int i = 0; i < versions.size(); i++) {
      JsonNode v = versions.get(i);
      String path = "spec.versions[" + i + "]";
      String vname = Definition.text(v, "name");
      if (v.path("storage").asBoolean(false)) {
        storage++;
      }
      unique &= seen.add(vname);
      if (!isDns1035(vname)) {
        out.add(FieldErrors.invalidString(path + ".name", vname, dns1035Errors(vname)));
      }
      version(v, path, out);
    }
    if (!unique) {
      out.add(FieldErrors.invalid("spec.versions", versionsValue(versions), "must contain unique version names"));
    }
    if (storage != 1) {
      out.add(FieldErrors.invalid("spec.versions", versionsValue(versions),
          "must have exactly one version marked as storage version"));
    }
    JsonNode names = spec.path("names");
    for (String f : List.of("plural", "singular", "kind", "listKind")) {
      if (Definition.text(names, f).isEmpty()) {
        out.add(FieldErrors.required("spec.names." + f, ""));
      }
    }
    names(names, "spec.names", out);
    conversion(spec.path("conversion"), out);
  }

  private static void version(JsonNode v, String path, List<Cause> out) {
    if (!v.path("deprecated").asBoolean(false) && v.hasNonNull("deprecationWarning")) {
      out.add(FieldErrors.invalidString(path + ".deprecationWarning", v.path("deprecationWarning").asString(""),
          "can only be set for deprecated versions"));
    }
    JsonNode schema = v.path("schema").get("openAPIV3Schema");
    if (schema != null && schema.isObject()) {
      out.addAll(SchemaRules.validate(schema, path + ".schema.openAPIV3Schema"));
    }
    JsonNode scale = v.path("subresources").get("scale");
    if (scale != null && scale.isObject()) {
      scale(scale, path + ".subresources.scale", out);
    }
    JsonNode columns = v.path("additionalPrinterColumns");
    for (int i = 0; i < columns.size(); i++) {
      column(columns.get(i), path + ".additionalPrinterColumns[" + i + "]", out);
    }
  }

  private static void scale(JsonNode scale, String path, List<Cause> out) {
    String spec = Definition.text(scale, "specReplicasPath");
    if (spec.isEmpty()) {
      out.add(FieldErrors.required(path + ".specReplicasPath", ""));
    } else if (!spec.startsWith(".spec.") || !isSimplePath(spec)) {
      out.add(FieldErrors.invalidString(path + ".specReplicasPath", spec, "should be a json path under .spec"));
    }
    String status = Definition.text(scale, "statusReplicasPath");
    if (status.isEmpty()) {
      out.add(FieldErrors.required(path + ".statusReplicasPath", ""));
    } else if (!status.startsWith(".status.") || !isSimplePath(status)) {
      out.add(FieldErrors.invalidString(path + ".statusReplicasPath", status, "should be a json path under .status"));
    }
    String selector = Definition.text(scale, "labelSelectorPath");
    if (!selector.isEmpty() && (!(selector.startsWith(".spec.") || selector.startsWith(".status."))
        || !isSimplePath(selector))) {
      out.add(FieldErrors.invalidString(path + ".labelSelectorPath", selector,
          "should be a json path under either .spec or .status"));
    }
  }

  /** A dotted path without indexes or empty steps, as scale paths must be. */
  private static boolean isSimplePath(String p) {
    for (String step : p.substring(1).split("\\.", -1)) {
      if (step.isEmpty() || step.contains("[") || step.contains("]")) {
        return false;
      }
    }
    return true;
  }

  private static void column(JsonNode c, String path, List<Cause> out) {
    if (Definition.text(c, "name").isEmpty()) {
      out.add(FieldErrors.required(path + ".name", ""));
    }
    String type = Definition.text(c, "type");
    String types = "must be one of boolean,date,integer,number,string";
    if (type.isEmpty()) {
      out.add(FieldErrors.required(path + ".type", types));
    } else if (!COLUMN_TYPES.contains(type)) {
      out.add(FieldErrors.invalidString(path + ".type", type, types));
    }
    String format = Definition.text(c, "format");
    if (!format.isEmpty() && !COLUMN_FORMATS.contains(format)) {
      out.add(FieldErrors.invalidString(path + ".format", format,
          "must be one of byte,date,date-time,double,float,int32,int64,password"));
    }
    String jsonPath = Definition.text(c, "jsonPath");
    if (jsonPath.isEmpty()) {
      out.add(FieldErrors.required(path + ".jsonPath", ""));
    } else if (jsonPath.charAt(0) != '.') {
      out.add(FieldErrors.invalidString(path + ".jsonPath", jsonPath, "must be a simple json path starting with ."));
    }
  }

  private static void conversion(JsonNode conversion, List<Cause> out) {
    if (conversion.isMissingNode() || conversion.isNull()) {
      return;
    }
    enumString(conversion, "strategy", "spec.conversion.strategy", CONVERSIONS, out);
    boolean webhook = "Webhook".equals(Definition.text(conversion, "strategy"));
    JsonNode config = conversion.get("webhook");
    if (webhook) {
      JsonNode client = config == null ? null : config.get("clientConfig");
      if (client == null || !client.isObject()) {
        out.add(FieldErrors.required("spec.conversion.webhook.clientConfig", "required when strategy is set to Webhook"));
      } else if (client.hasNonNull("url") == client.hasNonNull("service")) {
        out.add(FieldErrors.required("spec.conversion.webhook.clientConfig", "exactly one of url or service is required"));
      }
      JsonNode reviews = config == null ? null : config.get("conversionReviewVersions");
      if (reviews == null || reviews.isEmpty()) {
        out.add(FieldErrors.required("spec.conversion.webhook.conversionReviewVersions", ""));
      }
    } else if (config != null && !config.isNull()) {
      out.add(FieldErrors.forbidden("spec.conversion.webhook", "should not be set when strategy is not set to Webhook"));
    }
  }

  // ---- names -------------------------------------------------------------------------------

  private static void names(JsonNode names, String path, List<Cause> out) {
    for (String f : List.of("plural", "singular")) {
      String v = Definition.text(names, f);
      if (!v.isEmpty() && !isDns1035(v)) {
        out.add(FieldErrors.invalidString(path + "." + f, v, dns1035Errors(v)));
      }
    }
    for (String f : List.of("kind", "listKind")) {
      String v = Definition.text(names, f);
      if (!v.isEmpty() && !isDns1035(v.toLowerCase())) {
        out.add(FieldErrors.invalidString(path + "." + f, v,
            "may have mixed case, but should otherwise match: " + dns1035Errors(v.toLowerCase())));
      }
    }
    List<String> shortNames = Definition.strings(names.get("shortNames"));
    for (int i = 0; i < shortNames.size(); i++) {
      if (!isDns1035(shortNames.get(i))) {
        out.add(FieldErrors.invalidString(path + ".shortNames[" + i + "]", shortNames.get(i),
            dns1035Errors(shortNames.get(i))));
      }
    }
    String kind = Definition.text(names, "kind");
    if (!kind.isEmpty() && kind.equals(Definition.text(names, "listKind"))) {
      out.add(FieldErrors.invalidString(path + ".listKind", kind, "kind and listKind may not be the same"));
    }
    List<String> categories = Definition.strings(names.get("categories"));
    for (int i = 0; i < categories.size(); i++) {
      if (!isDns1035(categories.get(i))) {
        out.add(FieldErrors.invalidString(path + ".categories[" + i + "]", categories.get(i),
            dns1035Errors(categories.get(i))));
      }
    }
  }

  static boolean isDns1035(String s) {
    return s.length() <= 63 && DNS1035.matcher(s).matches();
  }

  private static String dns1035Errors(String s) {
    List<String> errs = new ArrayList<>();
    if (s.length() > 63) {
      errs.add("must be no more than 63 characters");
    }
    if (!DNS1035.matcher(s).matches()) {
      errs.add(DNS1035_MESSAGE);
    }
    return String.join(",", errs);
  }

  // ---- status, approval --------------------------------------------------------------------

  private static void storedVersions(JsonNode crd, List<Cause> out) {
    List<String> stored = Definition.strings(crd.path("status").get("storedVersions"));
    JsonNode versions = crd.path("spec").path("versions");
    String path = "status.storedVersions";
    if (stored.isEmpty()) {
      out.add(FieldErrors.invalid(path, "[]string(nil)", "must have at least one stored version"));
      return;
    }
    Set<String> remaining = new HashSet<>(stored);
    for (JsonNode v : versions) {
      String name = Definition.text(v, "name");
      if (v.path("storage").asBoolean(false) && !stored.contains(name)) {
        out.add(FieldErrors.invalid(path, stringSlice(stored), "must have the storage version " + name));
      }
      remaining.remove(name);
    }
    for (int i = 0; i < stored.size(); i++) {
      String v = stored.get(i);
      if (remaining.contains(v)) {
        out.add(FieldErrors.invalidString(path + "[" + i + "]", v, "missing from spec.versions; " + v
            + " was previously a storage version, and must remain in spec.versions until a storage migration"
            + " ensures no data remains persisted in " + v + " and removes " + v + " from status.storedVersions"));
      }
    }
  }

  /** Groups under k8s.io and kubernetes.io need the API approval annotation. */
  private static void approval(JsonNode crd, List<Cause> out) {
    String group = Definition.text(crd.path("spec"), "group");
    boolean protectedGroup = group.equals("k8s.io") || group.endsWith(".k8s.io")
        || group.equals("kubernetes.io") || group.endsWith(".kubernetes.io");
    if (protectedGroup && !crd.path("metadata").path("annotations").has(APPROVAL)) {
      out.add(FieldErrors.required("metadata.annotations[" + APPROVAL + "]", "protected groups must have approval"
          + " annotation \"" + APPROVAL + "\", see https://github.com/kubernetes/enhancements/pull/1111"));
    }
  }

  private static void enumString(JsonNode parent, String field, String path, List<String> accepted, List<Cause> out) {
    String v = Definition.text(parent, field);
    if (v.isEmpty()) {
      out.add(FieldErrors.required(path, ""));
    } else if (!accepted.contains(v)) {
      out.add(FieldErrors.notSupported(path, GoFormat.quote(v), accepted));
    }
  }

  private static String stringSlice(List<String> values) {
    return "[]string{" + GoFormat.quotedList(values) + "}";
  }

  /** A short Go-like rendering of spec.versions for the messages about the whole list. */
  private static String versionsValue(JsonNode versions) {
    List<String> items = new ArrayList<>();
    for (JsonNode v : versions) {
      items.add("apiextensions.CustomResourceDefinitionVersion{Name:" + GoFormat.quote(Definition.text(v, "name"))
          + ", Served:" + v.path("served").asBoolean(false) + ", Storage:" + v.path("storage").asBoolean(false) + ", …}");
    }
    return items.isEmpty() ? "[]apiextensions.CustomResourceDefinitionVersion(nil)"
        : "[]apiextensions.CustomResourceDefinitionVersion{" + String.join(", ", items) + "}";
  }
}
