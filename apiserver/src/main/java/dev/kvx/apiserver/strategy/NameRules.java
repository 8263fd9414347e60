package dev.kvx.apiserver.strategy;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Upstream's name and label rules ({@code k8s.io/apimachinery/pkg/util/validation}) returning
 * upstream's messages, one per broken rule; an empty list means valid.
 */
final class NameRules {

  private NameRules() {}

  private static final Pattern DNS1123_LABEL = Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?");
  private static final Pattern DNS1123_SUBDOMAIN =
      Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*");
  private static final Pattern QUALIFIED_NAME = Pattern.compile("([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]");
  private static final Pattern LABEL_VALUE = Pattern.compile("(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?");
  private static final Pattern PORT_NAME_CHARSET = Pattern.compile("[-a-z0-9]+");
  private static final Pattern ONE_LETTER = Pattern.compile(".*[a-z].*");
  private static final Pattern C_IDENTIFIER = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");
  private static final Pattern ENV_VAR_NAME = Pattern.compile("[-._a-zA-Z][-._a-zA-Z0-9]*");

  static final String LABEL_FMT = "a lowercase RFC 1123 label must consist of lower case alphanumeric"
      + " characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or"
      + " '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')";
  static final String SUBDOMAIN_FMT = "a lowercase RFC 1123 subdomain must consist of lower case"
      + " alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character"
      + " (e.g. 'example.com', regex used for validation is"
      + " '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";
  private static final String QUALIFIED_NAME_FMT = "name part must consist of alphanumeric characters,"
      + " '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or"
      + " 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')";
  private static final String LABEL_VALUE_FMT = "a valid label must be an empty string or consist of"
      + " alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character"
      + " (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is"
      + " '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')";

  static List<String> dns1123Label(String s) {
    List<String> errs = new ArrayList<>();
    if (s.length() > 63) {
      errs.add("must be no more than 63 characters");
    }
    if (!DNS1123_LABEL.matcher(s).matches()) {
      errs.add(LABEL_FMT);
    }
    return errs;
  }

  static List<String> dns1123Subdomain(String s) {
    List<String> errs = new ArrayList<>();
    if (s.length() > 253) {
      errs.add("must be no more than 253 characters");
    }
    if (!DNS1123_SUBDOMAIN.matcher(s).matches()) {
      errs.add(SUBDOMAIN_FMT);
    }
    return errs;
  }

  /** {@code IsQualifiedName}: label keys, annotation keys, resource names. */
  static List<String> qualifiedName(String s) {
    List<String> errs = new ArrayList<>();
    String[] parts = s.split("/", -1);
    String name;
    if (parts.length == 1) {
      name = parts[0];
    } else if (parts.length == 2) {
      String prefix = parts[0];
      name = parts[1];
      if (prefix.isEmpty()) {
        errs.add("prefix part must be non-empty");
      } else {
        dns1123Subdomain(prefix).forEach(m -> errs.add("prefix part " + m));
      }
    } else {
      errs.add("a qualified name must consist of alphanumeric characters, '-', '_' or '.', and must start"
          + " and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex"
          + " used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]') with an optional DNS"
          + " subdomain prefix and '/' (e.g. 'example.com/MyName')");
      return errs;
    }
    if (name.isEmpty()) {
      errs.add("name part must be non-empty");
    } else if (name.length() > 63) {
      errs.add("name part must be no more than 63 characters");
    }
    if (!name.isEmpty() && !QUALIFIED_NAME.matcher(name).matches()) {
      errs.add(QUALIFIED_NAME_FMT);
    }
    return errs;
  }

  static List<String> labelValue(String s) {
    List<String> errs = new ArrayList<>();
    if (s.length() > 63) {
      errs.add("must be no more than 63 characters");
    }
    if (!LABEL_VALUE.matcher(s).matches()) {
      errs.add(LABEL_VALUE_FMT);
    }
    return errs;
  }

  /** {@code IsValidPortName}: an IANA service name. */
  static List<String> portName(String s) {
    List<String> errs = new ArrayList<>();
    if (s.length() > 15) {
      errs.add("must be no more than 15 characters");
    }
    if (!PORT_NAME_CHARSET.matcher(s).matches()) {
      errs.add("must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)");
    }
    if (!ONE_LETTER.matcher(s).matches()) {
      errs.add("must contain at least one letter (a-z)");
    }
    if (s.contains("--")) {
      errs.add("must not contain consecutive hyphens (-)");
    }
    if (!s.isEmpty() && (s.charAt(0) == '-' || s.charAt(s.length() - 1) == '-')) {
      errs.add("must not begin or end with a hyphen (-)");
    }
    return errs;
  }

  static List<String> portNumber(long port) {
    return port >= 1 && port <= 65535 ? List.of() : List.of("must be between 1 and 65535, inclusive");
  }

  /** {@code IsEnvVarName} as of 1.32. */
  static List<String> envVarName(String s) {
    List<String> errs = new ArrayList<>();
    if (!ENV_VAR_NAME.matcher(s).matches()) {
      errs.add("a valid environment variable name must consist of alphabetic characters, digits, '_', '-',"
          + " or '.', and must not start with a digit (e.g. 'my.env-name',  or 'MY_ENV.NAME',  or"
          + " 'MyEnvName1', regex used for validation is '[-._a-zA-Z][-._a-zA-Z0-9]*')");
    }
    if (s.equals(".") || s.equals("..") || s.startsWith("..")) {
      errs.add("must not be '.' or '..' or start with '..'");
    }
    return errs;
  }

  static boolean isCIdentifier(String s) {
    return C_IDENTIFIER.matcher(s).matches();
  }
}
