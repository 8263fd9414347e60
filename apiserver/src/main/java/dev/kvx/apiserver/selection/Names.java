package dev.kvx.apiserver.selection;

import java.util.regex.Pattern;

/** Kubernetes name rules (apimachinery validation): DNS-1123 labels and subdomains, qualified names. */
public final class Names {

  private static final Pattern DNS1123_LABEL = Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?");
  private static final Pattern DNS1123_SUBDOMAIN =
      Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*");
  private static final Pattern QUALIFIED_NAME_PART =
      Pattern.compile("([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]");

  private Names() {}

  public static boolean isDns1123Label(String s) {
    return s != null && s.length() <= 63 && DNS1123_LABEL.matcher(s).matches();
  }

  public static boolean isDns1123Subdomain(String s) {
    return s != null && s.length() <= 253 && DNS1123_SUBDOMAIN.matcher(s).matches();
  }

  /** {@code [prefix/]name}: prefix a DNS subdomain, name ≤ 63 alphanumerics, '-', '_', '.'. */
  public static boolean isQualifiedName(String s) {
    if (s == null || s.isEmpty()) {
      return false;
    }
    int slash = s.indexOf('/');
    String name = s;
    if (slash >= 0) {
      String prefix = s.substring(0, slash);
      name = s.substring(slash + 1);
      if (!isDns1123Subdomain(prefix)) {
        return false;
      }
    }
    return name.length() <= 63 && QUALIFIED_NAME_PART.matcher(name).matches();
  }

  public static boolean isLabelValue(String s) {
    return s.isEmpty() || (s.length() <= 63 && QUALIFIED_NAME_PART.matcher(s).matches());
  }

  /** The message upstream gives for a name that is not a DNS-1123 subdomain. */
  public static String subdomainMessage(String name) {
    return "Invalid value: \"" + name + "\": a lowercase RFC 1123 subdomain must consist of lower case"
        + " alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character"
        + " (e.g. 'example.com', regex used for validation is"
        + " '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";
  }

  /** The message upstream gives for a name that is not a DNS-1123 label. */
  public static String labelMessage(String name) {
    return "Invalid value: \"" + name + "\": a lowercase RFC 1123 label must consist of lower case"
        + " alphanumeric characters or '-', and must start and end with an alphanumeric character"
        + " (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')";
  }
}
