package dev.kvx.e2e.cluster;

import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.EnvVarBuilder;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.ProbeBuilder;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeBuilder;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.VolumeMountBuilder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Readiness the test decides: a host directory mounted into pods (hostPath), and a readiness probe
 * that passes while a file named after the pod (or its pod-template-hash) exists there. Opening and
 * closing a gate is creating and deleting that file, so a rollout can be held in the middle, or a
 * pod taken out of its Service, deterministically and without sleeps.
 */
public final class ReadinessGate {

  static final String MOUNT = "/gate";
  static final String VOLUME = "gate";
  static final String KEY_ENV = "GATE_KEY";

  private final Path dir;

  public ReadinessGate(Path dir) {
    this.dir = dir;
    try {
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public void open(String key) {
    try {
      Files.writeString(dir.resolve(key), "open\n");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public void close(String key) {
    try {
      Files.deleteIfExists(dir.resolve(key));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The pod volume: the gate directory of the host (the agents run on this machine). */
  public Volume volume() {
    return new VolumeBuilder()
        .withName(VOLUME)
        .withNewHostPath()
        .withPath(dir.toAbsolutePath().toString())
        .withType("Directory")
        .endHostPath()
        .build();
  }

  public VolumeMount mount() {
    return new VolumeMountBuilder()
        .withName(VOLUME)
        .withMountPath(MOUNT)
        .withReadOnly(true)
        .build();
  }

  /**
   * The container's gate key from a downward-API field path, e.g. {@code metadata.name} or {@code
   * metadata.labels['pod-template-hash']}.
   */
  public static EnvVar keyFrom(String fieldPath) {
    return new EnvVarBuilder()
        .withName(KEY_ENV)
        .withNewValueFrom()
        .withNewFieldRef()
        .withFieldPath(fieldPath)
        .endFieldRef()
        .endValueFrom()
        .build();
  }

  /**
   * Ready while the gate file of the container's key exists; checked every second. Each check is a
   * {@code docker exec}, which takes seconds on a loaded machine: a timeout above that keeps a slow
   * check from counting as a closed gate.
   */
  public static Probe probe() {
    return new ProbeBuilder()
        .withNewExec()
        .withCommand("sh", "-c", "test -f " + MOUNT + "/$" + KEY_ENV)
        .endExec()
        .withPeriodSeconds(1)
        .withTimeoutSeconds(15)
        .withFailureThreshold(1)
        .withSuccessThreshold(1)
        .build();
  }
}
