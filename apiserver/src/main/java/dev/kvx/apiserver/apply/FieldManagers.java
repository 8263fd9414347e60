package dev.kvx.apiserver.apply;

import dev.kvx.apiserver.errors.StatusException;
import dev.kvx.apiserver.errors.Statuses;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The {@code fieldManager}, {@code force} and patch-type rules of write requests, as kube-apiserver
 * validates CreateOptions, UpdateOptions and PatchOptions.
 */
public final class FieldManagers {

  public static final int MAX_LENGTH = 128;

  private FieldManagers() {}

  /**
   * The manager of a write: the {@code fieldManager} query parameter, else the User-Agent up to its
   * first {@code /} ({@code kubectl/v1.32.0 (linux/amd64) …} → {@code kubectl}, {@code
   * fabric8-kubernetes-client/8.0.0} → {@code fabric8-kubernetes-client}), printable characters
   * only, at most 128.
   */
  public static String managerFor(String fieldManager, String userAgent) {
    if (fieldManager != null && !fieldManager.isEmpty()) {
      return fieldManager;
    }
    if (userAgent == null) {
      return "";
    }
    int slash = userAgent.indexOf('/');
    String prefix = slash < 0 ? userAgent : userAgent.substring(0, slash);
    StringBuilder sb = new StringBuilder();
    prefix.codePoints().filter(FieldManagers::printable).forEach(cp -> {
      if (sb.length() < MAX_LENGTH) {
        sb.appendCodePoint(cp);
      }
    });
    return sb.toString();
  }

  /**
   * Validates a request's options: the fieldManager (at most 128 printable characters; required for
   * apply) and {@code force} (apply only).
   *
   * @param optionsKind {@code CreateOptions}, {@code UpdateOptions} or {@code PatchOptions}
   * @param apply whether the request is an apply patch
   * @param force the {@code force} query parameter as sent, or null
   * @throws StatusException 422 Invalid on the options kind, as upstream
   */
  public static void validate(String optionsKind, String fieldManager, boolean apply, String force) {
    List<StatusException.Cause> causes = new ArrayList<>();
    if (!apply && force != null) {
      causes.add(new StatusException.Cause("FieldValueForbidden", "force",
          "Forbidden: may not be specified for non-apply patch"));
    }
    if (apply && (fieldManager == null || fieldManager.isEmpty())) {
      causes.add(new StatusException.Cause("FieldValueRequired", "fieldManager",
          "Required value: is required for apply patch"));
    }
    if (fieldManager != null) {
      if (fieldManager.length() > MAX_LENGTH) {
        causes.add(new StatusException.Cause("FieldValueTooLong", "fieldManager",
            "Too long: may not be more than " + MAX_LENGTH + " bytes"));
      }
      int[] cps = fieldManager.codePoints().toArray();
      for (int i = 0; i < cps.length; i++) {
        if (!printable(cps[i])) {
          causes.add(new StatusException.Cause("FieldValueInvalid", "fieldManager",
              "Invalid value: \"" + fieldManager + "\": invalid character "
                  + String.format(Locale.ROOT, "U+%04X", cps[i]) + " (at position " + i + ")"));
        }
      }
    }
    if (!causes.isEmpty()) {
      throw Statuses.invalid("meta.k8s.io", optionsKind, "", causes);
    }
  }

  /** The {@code force} query parameter as Kubernetes reads booleans: absent, "false" or "0" are false. */
  public static boolean force(String value) {
    if (value == null) {
      return false;
    }
    String v = value.toLowerCase(Locale.ROOT);
    return !v.equals("false") && !v.equals("0");
  }

  private static boolean printable(int cp) {
    if (cp == ' ') {
      return true;
    }
    int type = Character.getType(cp);
    return !Character.isISOControl(cp) && !Character.isWhitespace(cp)
        && type != Character.UNASSIGNED && type != Character.FORMAT && type != Character.SURROGATE
        && type != Character.PRIVATE_USE;
  }
}
