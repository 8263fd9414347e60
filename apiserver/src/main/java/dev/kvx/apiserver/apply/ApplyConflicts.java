package dev.kvx.apiserver.apply;

import dev.kvx.apiserver.apply.ManagedFields.Entry;
import dev.kvx.apiserver.errors.StatusException;
import dev.kvx.apiserver.errors.Statuses;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The 409 of a server-side apply that conflicts with other managers, worded as kube-apiserver's
 * {@code NewConflictError}: {@code Apply failed with 1 conflict: conflict with "kubectl-client-side-apply"
 * using apps/v1: .spec.replicas}, one {@code FieldManagerConflict} cause per field.
 */
final class ApplyConflicts {

  private ApplyConflicts() {}

  static StatusException of(Map<String, FieldSet> byManager, Map<String, Entry> entries) {
    List<Entry> managers = new ArrayList<>();
    byManager.keySet().forEach(id -> managers.add(entries.get(id)));
    managers.sort(Comparator.comparing(Entry::manager).thenComparing(Entry::operation)
        .thenComparing(e -> Objects.toString(e.apiVersion(), ""))
        .thenComparing(e -> Objects.toString(e.subresource(), "")));
    List<StatusException.Cause> causes = new ArrayList<>();
    StringBuilder detail = new StringBuilder();
    for (Entry e : managers) {
      String who = printManager(e);
      List<List<String>> paths = byManager.get(e.id()).members();
      if (detail.length() > 0) {
        detail.append('\n');
      }
      detail.append("conflicts with ").append(who).append(':');
      for (List<String> p : paths) {
        String field = FieldSet.pathString(p);
        causes.add(new StatusException.Cause("FieldManagerConflict", field, "conflict with " + who));
        detail.append("\n- ").append(field);
      }
    }
    String message = causes.size() == 1
        ? "Apply failed with 1 conflict: " + causes.get(0).message() + ": " + causes.get(0).field()
        : "Apply failed with " + causes.size() + " conflicts: " + detail;
    return Statuses.applyConflict(causes, message);
  }

  /** {@code "name"}, with the subresource and, for updaters, the API version they used. */
  static String printManager(Entry e) {
    String s = "\"" + e.manager() + "\"";
    if (e.subresource() != null && !e.subresource().isEmpty()) {
      s += " with subresource \"" + e.subresource() + "\"";
    }
    if (ManagedFields.UPDATE.equals(e.operation())) {
      s += " using " + e.apiVersion();
    }
    return s;
  }
}
