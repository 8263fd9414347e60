package dev.kvx.apiserver.table;

import static dev.kvx.apiserver.table.TableConvertorTest.NOW;
import static dev.kvx.apiserver.table.TableConvertorTest.obj;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import tools.jackson.databind.node.ObjectNode;

/** The STATUS, READY and RESTARTS rules of upstream's printPod, one named case each. */
class PodPrinterTest {

  private final PodPrinter printer = new PodPrinter();

  static Stream<Arguments> pods() {
    return Stream.of(
        Arguments.of("running", """
            {"spec":{"containers":[{"name":"a"},{"name":"b"}]},
             "status":{"phase":"Running","conditions":[{"type":"Ready","status":"True"}],
               "containerStatuses":[
                 {"name":"a","ready":true,"restartCount":0,"state":{"running":{}}},
                 {"name":"b","ready":true,"restartCount":0,"state":{"running":{}}}]}}""",
            "2/2", "Running", "0"),
        Arguments.of("pending without statuses", """
            {"spec":{"containers":[{"name":"a"}]},"status":{"phase":"Pending"}}""",
            "0/1", "Pending", "0"),
        Arguments.of("container creating", """
            {"spec":{"containers":[{"name":"a"}]},
             "status":{"phase":"Pending","containerStatuses":[
               {"name":"a","ready":false,"restartCount":0,"state":{"waiting":{"reason":"ContainerCreating"}}}]}}""",
            "0/1", "ContainerCreating", "0"),
        Arguments.of("crash loop with restart age", """
            {"spec":{"containers":[{"name":"a"}]},
             "status":{"phase":"Running","containerStatuses":[
               {"name":"a","ready":false,"restartCount":3,"state":{"waiting":{"reason":"CrashLoopBackOff"}},
                "lastState":{"terminated":{"exitCode":1,"reason":"Error","finishedAt":"2024-06-01T11:58:00Z"}}}]}}""",
            "0/1", "CrashLoopBackOff", "3 (2m ago)"),
        Arguments.of("completed", """
            {"spec":{"containers":[{"name":"a"}]},
             "status":{"phase":"Succeeded","containerStatuses":[
               {"name":"a","ready":false,"restartCount":0,"state":{"terminated":{"exitCode":0,"reason":"Completed"}}}]}}""",
            "0/1", "Completed", "0"),
        Arguments.of("exit code without reason", """
            {"spec":{"containers":[{"name":"a"}]},
             "status":{"phase":"Failed","containerStatuses":[
               {"name":"a","ready":false,"restartCount":0,"state":{"terminated":{"exitCode":2}}}]}}""",
            "0/1", "ExitCode:2", "0"),
        Arguments.of("signal without reason", """
            {"spec":{"containers":[{"name":"a"}]},
             "status":{"phase":"Failed","containerStatuses":[
               {"name":"a","ready":false,"restartCount":0,"state":{"terminated":{"exitCode":137,"signal":9}}}]}}""",
            "0/1", "Signal:9", "0"),
        Arguments.of("partly completed but running and not ready", """
            {"spec":{"containers":[{"name":"a"},{"name":"b"}]},
             "status":{"phase":"Running","containerStatuses":[
               {"name":"a","ready":true,"restartCount":0,"state":{"running":{}}},
               {"name":"b","ready":false,"restartCount":0,"state":{"terminated":{"exitCode":0,"reason":"Completed"}}}]}}""",
            "1/2", "NotReady", "0"),
        Arguments.of("waiting for the first init container", """
            {"spec":{"initContainers":[{"name":"i1"},{"name":"i2"}],"containers":[{"name":"a"}]},
             "status":{"phase":"Pending","initContainerStatuses":[
               {"name":"i1","ready":false,"restartCount":0,"state":{"waiting":{"reason":"PodInitializing"}}},
               {"name":"i2","ready":false,"restartCount":0,"state":{"waiting":{"reason":"PodInitializing"}}}],
               "containerStatuses":[{"name":"a","ready":false,"restartCount":0,"state":{"waiting":{"reason":"PodInitializing"}}}]}}""",
            "0/1", "Init:0/2", "0"),
        Arguments.of("second init container running", """
            {"spec":{"initContainers":[{"name":"i1"},{"name":"i2"}],"containers":[{"name":"a"}]},
             "status":{"phase":"Pending","initContainerStatuses":[
               {"name":"i1","ready":true,"restartCount":0,"state":{"terminated":{"exitCode":0,"reason":"Completed"}}},
               {"name":"i2","ready":false,"restartCount":0,"state":{"running":{}}}]}}""",
            "0/1", "Init:1/2", "0"),
        Arguments.of("init container crash looping", """
            {"spec":{"initContainers":[{"name":"i1"}],"containers":[{"name":"a"}]},
             "status":{"phase":"Pending","initContainerStatuses":[
               {"name":"i1","ready":false,"restartCount":4,"state":{"waiting":{"reason":"CrashLoopBackOff"}}}]}}""",
            "0/1", "Init:CrashLoopBackOff", "4"),
        Arguments.of("init container failed", """
            {"spec":{"initContainers":[{"name":"i1"}],"containers":[{"name":"a"}]},
             "status":{"phase":"Pending","initContainerStatuses":[
               {"name":"i1","ready":false,"restartCount":0,"state":{"terminated":{"exitCode":1,"reason":"Error"}}}]}}""",
            "0/1", "Init:Error", "0"),
        Arguments.of("sidecar counts as a container", """
            {"spec":{"initContainers":[{"name":"proxy","restartPolicy":"Always"}],"containers":[{"name":"a"}]},
             "status":{"phase":"Running","conditions":[{"type":"Initialized","status":"True"}],
               "initContainerStatuses":[{"name":"proxy","ready":true,"started":true,"restartCount":1,"state":{"running":{}}}],
               "containerStatuses":[{"name":"a","ready":true,"restartCount":0,"state":{"running":{}}}]}}""",
            "2/2", "Running", "1"),
        Arguments.of("terminating", """
            {"metadata":{"deletionTimestamp":"2024-06-01T11:59:00Z"},
             "spec":{"containers":[{"name":"a"}]},
             "status":{"phase":"Running","containerStatuses":[
               {"name":"a","ready":true,"restartCount":0,"state":{"running":{}}}]}}""",
            "1/1", "Terminating", "0"),
        Arguments.of("node lost", """
            {"metadata":{"deletionTimestamp":"2024-06-01T11:59:00Z"},
             "spec":{"containers":[{"name":"a"}]},"status":{"phase":"Running","reason":"NodeLost"}}""",
            "0/1", "Unknown", "0"),
        Arguments.of("scheduling gated", """
            {"spec":{"containers":[{"name":"a"}]},
             "status":{"phase":"Pending","conditions":[{"type":"PodScheduled","status":"False","reason":"SchedulingGated"}]}}""",
            "0/1", "SchedulingGated", "0"),
        Arguments.of("evicted", """
            {"spec":{"containers":[{"name":"a"}]},"status":{"phase":"Failed","reason":"Evicted"}}""",
            "0/1", "Evicted", "0"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("pods")
  void status(String name, String json, String ready, String status, String restarts) {
    ObjectNode pod = obj(json);
    pod.withObject("metadata").put("name", "p").put("creationTimestamp", "2024-06-01T11:55:00Z");

    List<Object> cells = printer.cells(pod, NOW);

    assertThat(cells.subList(0, 5)).containsExactly("p", ready, status, restarts, "5m");
  }

  @org.junit.jupiter.api.Test
  void wideCellsAndCompletedCondition() {
    ObjectNode pod = obj("""
        {"metadata":{"name":"p","creationTimestamp":"2024-06-01T11:55:00Z"},
         "spec":{"nodeName":"n1","containers":[{"name":"a"}],
                 "readinessGates":[{"conditionType":"x/ready"},{"conditionType":"y/ready"}]},
         "status":{"phase":"Succeeded","podIP":"10.0.0.9","podIPs":[{"ip":"10.0.0.7"}],
                   "conditions":[{"type":"x/ready","status":"True"}]}}""");

    assertThat(printer.cells(pod, NOW).subList(5, 9)).containsExactly("10.0.0.7", "n1", "<none>", "1/2");
    assertThat(printer.conditions(pod).get(0).get("type").asString()).isEqualTo("Completed");
    assertThat(printer.conditions(pod).get(0).get("reason").asString()).isEqualTo("Succeeded");
    assertThat(printer.conditions(obj("{\"status\":{\"phase\":\"Running\"}}"))).isNull();
  }
}
