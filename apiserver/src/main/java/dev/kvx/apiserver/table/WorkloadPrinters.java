package dev.kvx.apiserver.table;

import static dev.kvx.apiserver.table.Obj.at;
import static dev.kvx.apiserver.table.Obj.has;
import static dev.kvx.apiserver.table.Obj.list;
import static dev.kvx.apiserver.table.Obj.num;
import static dev.kvx.apiserver.table.Obj.numOr;
import static dev.kvx.apiserver.table.Obj.str;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import tools.jackson.databind.JsonNode;

/**
 * Deployments, ReplicaSets, DaemonSets, StatefulSets, Jobs, CronJobs, ControllerRevisions,
 * ReplicationControllers and PodTemplates as {@code kubectl get} shows them. Replica counts an
 * unset pointer leaves out read as upstream's defaults (1 replica), since kube-apiserver prints
 * defaulted objects.
 */
final class WorkloadPrinters {

  private WorkloadPrinters() {}

  private static final TableColumn CONTAINERS =
      TableColumn.string("Containers", "Names of each container in the template.").wide();
  private static final TableColumn IMAGES =
      TableColumn.string("Images", "Images referenced by each container in the template.").wide();
  private static final TableColumn SELECTOR =
      TableColumn.string("Selector", "A label query over pods that should match the replica"
          + " count.").wide();

  static final RowPrinter DEPLOYMENT = RowPrinter.of(
      List.of(TableColumn.nameColumn(),
          TableColumn.string("Ready", "Number of the pod with ready state"),
          TableColumn.string("Up-to-date", "Total number of non-terminated pods targeted by this"
              + " deployment that have the desired template spec."),
          TableColumn.string("Available", "Total number of available pods (ready for at least"
              + " minReadySeconds) targeted by this deployment."),
          TableColumn.ageColumn(), CONTAINERS, IMAGES, SELECTOR),
      (d, now) -> {
        List<String> ci = containers(at(d, "spec", "template"));
        String selector = LabelSelectors.selectorString(at(d, "spec", "selector"));
        return Arrays.asList(Obj.name(d),
            num(d, "status", "readyReplicas") + "/" + numOr(1, d, "spec", "replicas"),
            num(d, "status", "updatedReplicas"), num(d, "status", "availableReplicas"),
            Obj.age(d, now), ci.get(0), ci.get(1), selector);
      });

  static final RowPrinter REPLICA_SET = RowPrinter.of(
      List.of(TableColumn.nameColumn(),
          TableColumn.integer("Desired", "Replicas is the number of desired replicas."),
          TableColumn.integer("Current", "Replicas is the most recently observed number of"
              + " replicas."),
          TableColumn.integer("Ready", "The number of ready replicas for this replica set."),
          TableColumn.ageColumn(), CONTAINERS, IMAGES, SELECTOR),
      (rs, now) -> {
        List<String> ci = containers(at(rs, "spec", "template"));
        return Arrays.asList(Obj.name(rs), numOr(1, rs, "spec", "replicas"),
            num(rs, "status", "replicas"), num(rs, "status", "readyReplicas"), Obj.age(rs, now),
            ci.get(0), ci.get(1), LabelSelectors.formatLabelSelector(at(rs, "spec", "selector")));
      });

  static final RowPrinter REPLICATION_CONTROLLER = RowPrinter.of(
      List.of(TableColumn.nameColumn(),
          TableColumn.integer("Desired", "Replicas is the number of desired replicas."),
          TableColumn.integer("Current", "Replicas is the most recently observed number of"
              + " replicas."),
          TableColumn.integer("Ready", "The number of ready replicas for this replication"
              + " controller."),
          TableColumn.ageColumn(), CONTAINERS, IMAGES, SELECTOR),
      (rc, now) -> {
        List<String> ci = containers(at(rc, "spec", "template"));
        return Arrays.asList(Obj.name(rc), numOr(1, rc, "spec", "replicas"),
            num(rc, "status", "replicas"), num(rc, "status", "readyReplicas"), Obj.age(rc, now),
            ci.get(0), ci.get(1), LabelSelectors.formatLabels(Obj.map(rc, "spec", "selector")));
      });

  static final RowPrinter DAEMON_SET = RowPrinter.of(
      List.of(TableColumn.nameColumn(),
          TableColumn.integer("Desired", "The total number of nodes that should be running the"
              + " daemon pod."),
          TableColumn.integer("Current", "The number of nodes that are running at least 1 daemon"
              + " pod and are supposed to run the daemon pod."),
          TableColumn.integer("Ready", "The number of nodes that should be running the daemon pod"
              + " and have one or more of the daemon pod running and ready."),
          TableColumn.integer("Up-to-date", "The total number of nodes that are running updated"
              + " daemon pod"),
          TableColumn.integer("Available", "The number of nodes that should be running the daemon"
              + " pod and have one or more of the daemon pod running and available."),
          TableColumn.string("Node Selector", "NodeSelector is a selector which must be true for"
              + " the pod to fit on a node."),
          TableColumn.ageColumn(), CONTAINERS, IMAGES, SELECTOR),
      (ds, now) -> {
        List<String> ci = containers(at(ds, "spec", "template"));
        JsonNode s = at(ds, "status");
        return Arrays.asList(Obj.name(ds), num(s, "desiredNumberScheduled"),
            num(s, "currentNumberScheduled"), num(s, "numberReady"),
            num(s, "updatedNumberScheduled"), num(s, "numberAvailable"),
            LabelSelectors.formatLabels(Obj.map(ds, "spec", "template", "spec", "nodeSelector")),
            Obj.age(ds, now), ci.get(0), ci.get(1),
            LabelSelectors.formatLabelSelector(at(ds, "spec", "selector")));
      });

  static final RowPrinter STATEFUL_SET = RowPrinter.of(
      List.of(TableColumn.nameColumn(),
          TableColumn.string("Ready", "Number of the pod with ready state"),
          TableColumn.ageColumn(), CONTAINERS, IMAGES),
      (sts, now) -> {
        List<String> ci = containers(at(sts, "spec", "template"));
        return Arrays.asList(Obj.name(sts),
            num(sts, "status", "readyReplicas") + "/" + numOr(1, sts, "spec", "replicas"),
            Obj.age(sts, now), ci.get(0), ci.get(1));
      });

  static final RowPrinter JOB = RowPrinter.of(
      List.of(TableColumn.nameColumn(),
          TableColumn.string("Status", "Status of the job."),
          TableColumn.string("Completions", "The number of pods which reached phase Succeeded."),
          TableColumn.string("Duration", "Time required to complete the job."),
          TableColumn.ageColumn(), CONTAINERS, IMAGES, SELECTOR),
      (job, now) -> {
        long succeeded = num(job, "status", "succeeded");
        String completions;
        if (has(job, "spec", "completions")) {
          completions = succeeded + "/" + num(job, "spec", "completions");
        } else if (num(job, "spec", "parallelism") > 1) {
          completions = succeeded + "/1 of " + num(job, "spec", "parallelism");
        } else {
          completions = succeeded + "/1";
        }
        Instant start = Obj.time(job, "status", "startTime");
        Instant completion = Obj.time(job, "status", "completionTime");
        String duration = start == null ? ""
            : HumanDuration.format(Duration.between(start, completion == null ? now : completion));
        List<String> ci = containers(at(job, "spec", "template"));
        return Arrays.asList(Obj.name(job), jobStatus(job), completions, duration,
            Obj.age(job, now), ci.get(0), ci.get(1),
            LabelSelectors.formatLabelSelector(at(job, "spec", "selector")));
      });

  static final RowPrinter CRON_JOB = RowPrinter.of(
      List.of(TableColumn.nameColumn(),
          TableColumn.string("Schedule", "The schedule in Cron format."),
          TableColumn.string("Timezone", "The time zone name for the given schedule."),
          TableColumn.bool("Suspend", "This flag tells the controller to suspend subsequent"
              + " executions."),
          TableColumn.integer("Active", "A list of pointers to currently running jobs."),
          TableColumn.string("Last Schedule", "Information when was the last time the job was"
              + " successfully scheduled."),
          TableColumn.ageColumn(), CONTAINERS, IMAGES, SELECTOR),
      (cj, now) -> {
        JsonNode jobSpec = at(cj, "spec", "jobTemplate", "spec");
        List<String> ci = containers(at(jobSpec, "template"));
        Instant last = Obj.time(cj, "status", "lastScheduleTime");
        // suspend defaults to false upstream, so a stored CronJob always has it.
        String suspend = Obj.bool(cj, "spec", "suspend") ? "True" : "False";
        return Arrays.asList(Obj.name(cj), str(cj, "spec", "schedule"),
            Obj.strOr("<none>", cj, "spec", "timeZone"), suspend,
            (long) list(cj, "status", "active").size(),
            last == null ? "<none>" : HumanDuration.since(last, now), Obj.age(cj, now),
            ci.get(0), ci.get(1), LabelSelectors.formatLabelSelector(at(jobSpec, "selector")));
      });

  static final RowPrinter CONTROLLER_REVISION = RowPrinter.of(
      List.of(TableColumn.nameColumn(),
          TableColumn.string("Controller", "Controller of the object"),
          TableColumn.string("Revision", "Revision indicates the revision of the state represented"
              + " by Data."),
          TableColumn.ageColumn()),
      (cr, now) -> {
        String controller = "<none>";
        for (JsonNode ref : list(cr, "metadata", "ownerReferences")) {
          if (Obj.bool(ref, "controller")) {
            String apiVersion = str(ref, "apiVersion");
            String group = apiVersion.contains("/") ? apiVersion.substring(0, apiVersion.indexOf('/')) : "";
            String groupKind = group.isEmpty() ? str(ref, "kind") : str(ref, "kind") + "." + group;
            controller = groupKind.toLowerCase() + "/" + str(ref, "name");
            break;
          }
        }
        return Arrays.asList(Obj.name(cr), controller, num(cr, "revision"), Obj.age(cr, now));
      });

  static final RowPrinter POD_TEMPLATE = RowPrinter.of(
      List.of(TableColumn.nameColumn(),
          TableColumn.string("Containers", "Names of each container in the template."),
          TableColumn.string("Images", "Images referenced by each container in the template."),
          TableColumn.string("Pod Labels", "The labels for the pod template.")),
      (pt, now) -> {
        List<String> ci = containers(at(pt, "template"));
        return Arrays.asList(Obj.name(pt), ci.get(0), ci.get(1),
            LabelSelectors.formatLabels(Obj.map(pt, "template", "metadata", "labels")));
      });

  private static String jobStatus(JsonNode job) {
    if (jobCondition(job, "Complete")) {
      return "Complete";
    } else if (jobCondition(job, "Failed")) {
      return "Failed";
    } else if (has(job, "metadata", "deletionTimestamp")) {
      return "Terminating";
    } else if (jobCondition(job, "Suspended")) {
      return "Suspended";
    } else if (jobCondition(job, "FailureTarget")) {
      return "FailureTarget";
    }
    return "Running";
  }

  private static boolean jobCondition(JsonNode job, String type) {
    for (JsonNode c : list(job, "status", "conditions")) {
      if (str(c, "type").equals(type)) {
        return str(c, "status").equals("True");
      }
    }
    return false;
  }

  /** The comma-joined container names and images of a pod template: [names, images]. */
  static List<String> containers(JsonNode template) {
    List<String> names = new ArrayList<>();
    List<String> images = new ArrayList<>();
    for (JsonNode c : list(template, "spec", "containers")) {
      names.add(str(c, "name"));
      images.add(str(c, "image"));
    }
    return List.of(String.join(",", names), String.join(",", images));
  }
}
