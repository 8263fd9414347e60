package dev.kvx.apiserver.protobuf;

import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.FileDescriptor;
import io.kubernetes.client.proto.Meta;
import io.kubernetes.client.proto.V1;
import io.kubernetes.client.proto.V1Admission;
import io.kubernetes.client.proto.V1Admissionregistration;
import io.kubernetes.client.proto.V1Apps;
import io.kubernetes.client.proto.V1Authentication;
import io.kubernetes.client.proto.V1Authorization;
import io.kubernetes.client.proto.V1Autoscaling;
import io.kubernetes.client.proto.V1Batch;
import io.kubernetes.client.proto.V1Certificates;
import io.kubernetes.client.proto.V1Networking;
import io.kubernetes.client.proto.V1Policy;
import io.kubernetes.client.proto.V1Rbac;
import io.kubernetes.client.proto.V1Scheduling;
import io.kubernetes.client.proto.V1Storage;
import io.kubernetes.client.proto.V1beta1Apiextensions;
import io.kubernetes.client.proto.V2beta2Autoscaling;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The protobuf message of each Kubernetes kind, found by the package naming upstream uses for its
 * generated.proto files: the object {@code apps/v1 Deployment} is {@code k8s.io.api.apps.v1.Deployment},
 * core {@code v1} objects live in {@code k8s.io.api.core.v1}, apiextensions in
 * {@code k8s.io.apiextensions_apiserver.pkg.apis.apiextensions.<version>}. Keyed by the first DNS
 * label of the group (or {@code core}), the version and the kind.
 */
final class KubernetesProtoTypes {

  // Every served group whose generated types client-java-proto 24.0.0 carries. Groups missing from
  // it (coordination, discovery, events.k8s.io, autoscaling/v2, apiextensions/v1) are never sent
  // as protobuf by kubectl's typed commands.
  private static final List<FileDescriptor> FILES =
      List.of(
          V1.getDescriptor(),
          Meta.getDescriptor(),
          V1Apps.getDescriptor(),
          V1Batch.getDescriptor(),
          V1Autoscaling.getDescriptor(),
          V2beta2Autoscaling.getDescriptor(),
          V1Networking.getDescriptor(),
          V1Policy.getDescriptor(),
          V1Rbac.getDescriptor(),
          V1Scheduling.getDescriptor(),
          V1Storage.getDescriptor(),
          V1Authentication.getDescriptor(),
          V1Authorization.getDescriptor(),
          V1Admission.getDescriptor(),
          V1Admissionregistration.getDescriptor(),
          V1Certificates.getDescriptor(),
          V1beta1Apiextensions.getDescriptor());

  private static final Map<String, Descriptor> BY_KIND = index();

  private KubernetesProtoTypes() {}

  private static Map<String, Descriptor> index() {
    Map<String, Descriptor> out = new HashMap<>();
    for (FileDescriptor file : FILES) {
      String[] pkg = file.getPackage().split("\\.");
      if (pkg.length < 2) {
        continue;
      }
      String groupLabel = pkg[pkg.length - 2];
      String version = pkg[pkg.length - 1];
      for (Descriptor message : file.getMessageTypes()) {
        out.putIfAbsent(key(groupLabel, version, message.getName()), message);
        // autoscaling/v2 was promoted from v2beta2 with the same messages and field numbers; the
        // jar only carries v2beta2, and kubectl 1.33's autoscale writes v2.
        if (groupLabel.equals("autoscaling") && version.equals("v2beta2")) {
          out.putIfAbsent(key(groupLabel, "v2", message.getName()), message);
        }
      }
    }
    return Map.copyOf(out);
  }

  private static String key(String groupLabel, String version, String kind) {
    return groupLabel + "/" + version + "/" + kind;
  }

  /** The message of {@code kind} in {@code apiVersion} ({@code v1}, {@code apps/v1}, …). */
  static Optional<Descriptor> find(String apiVersion, String kind) {
    int slash = apiVersion.indexOf('/');
    String groupLabel;
    String version;
    if (slash < 0) {
      groupLabel = "core";
      version = apiVersion;
    } else {
      String group = apiVersion.substring(0, slash);
      int dot = group.indexOf('.');
      groupLabel = dot < 0 ? group : group.substring(0, dot);
      version = apiVersion.substring(slash + 1);
    }
    return Optional.ofNullable(BY_KIND.get(key(groupLabel, version, kind)));
  }
}
