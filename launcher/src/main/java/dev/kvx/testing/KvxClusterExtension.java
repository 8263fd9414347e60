package dev.kvx.testing;

import dev.kvx.launcher.cluster.DockerEngine;
import dev.kvx.launcher.cluster.LocalCluster;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.file.Path;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionConfigurationException;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.junit.jupiter.api.extension.TestInstancePostProcessor;
import org.junit.platform.commons.support.AnnotationSupport;
import org.junit.platform.commons.support.HierarchyTraversalMode;
import org.junit.platform.commons.support.ReflectionSupport;

/**
 * The extension behind {@link KvxCluster}: one {@link LocalCluster} per annotated test class
 * (shared by its {@code @Nested} classes), kept in the class' extension store so JUnit stops it
 * after the class, and handed to fields and parameters.
 */
public final class KvxClusterExtension
    implements BeforeAllCallback, TestInstancePostProcessor, ParameterResolver {

  private static final ExtensionContext.Namespace NAMESPACE =
      ExtensionContext.Namespace.create(KvxClusterExtension.class);
  private static final String KEY = "cluster";

  @Override
  public void beforeAll(ExtensionContext context) {
    Class<?> testClass = context.getRequiredTestClass();
    LocalCluster cluster = cluster(context);
    injectFields(testClass, null, cluster, true);
  }

  @Override
  public void postProcessTestInstance(Object testInstance, ExtensionContext context) {
    injectFields(testInstance.getClass(), testInstance, cluster(context), false);
  }

  @Override
  public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
    Class<?> type = parameter.getParameter().getType();
    if (type == LocalCluster.class || type == KubernetesClient.class) {
      return true;
    }
    // A Path is ours when marked, or when bare (a @TempDir Path belongs to JUnit).
    return type == Path.class
        && (parameter.isAnnotated(Kubeconfig.class)
            || parameter.getParameter().getAnnotations().length == 0);
  }

  @Override
  public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
    return valueFor(parameter.getParameter().getType(), cluster(context));
  }

  /** The cluster of the test class (or an enclosing one), started on first use. */
  static LocalCluster cluster(ExtensionContext context) {
    return context
        .getStore(NAMESPACE)
        .getOrComputeIfAbsent(KEY, k -> new RunningCluster(start(context)), RunningCluster.class)
        .cluster();
  }

  private static LocalCluster start(ExtensionContext context) {
    KvxCluster spec = findSpec(context);
    LocalCluster.Builder builder =
        LocalCluster.builder().inMemory().nodes(spec.nodes()).runtime(spec.runtime());
    String prefix = spec.nodeNamePrefix();
    if (spec.runtime() == LocalCluster.Runtime.DOCKER) {
      requireDocker();
      if (prefix.isEmpty()) {
        // An agent removes the containers of its node name it does not know: clusters sharing
        // the engine need names of their own.
        prefix = "kvx-test-" + UUID.randomUUID().toString().substring(0, 8);
      }
    }
    if (!prefix.isEmpty()) {
      builder.nodeNamePrefix(prefix);
    }
    return builder.startAndWait();
  }

  private static KvxCluster findSpec(ExtensionContext context) {
    for (Optional<Class<?>> c = context.getTestClass(); c.isPresent(); ) {
      Optional<KvxCluster> spec = AnnotationSupport.findAnnotation(c.get(), KvxCluster.class);
      if (spec.isPresent()) {
        return spec.get();
      }
      Class<?> enclosing = c.get().getEnclosingClass();
      c = Optional.ofNullable(enclosing);
    }
    throw new ExtensionConfigurationException(
        "KvxClusterExtension needs @KvxCluster on the test class or an enclosing class");
  }

  /** The project's rule: a missing Docker fails the class when CI=true, and skips it otherwise. */
  private static void requireDocker() {
    Optional<String> problem =
        DockerEngine.problem(null, LocalCluster.DEFAULT_SANDBOX_IMAGE);
    if (problem.isEmpty()) {
      return;
    }
    if ("true".equalsIgnoreCase(System.getenv("CI"))) {
      Assertions.fail("@KvxCluster(runtime = DOCKER): " + problem.get() + " and CI=true");
    }
    Assumptions.abort("@KvxCluster(runtime = DOCKER): " + problem.get() + "; skipped outside CI");
  }

  private static void injectFields(
      Class<?> testClass, Object instance, LocalCluster cluster, boolean statics) {
    for (Field f :
        ReflectionSupport.findFields(
            testClass, f -> isInjectable(f, statics), HierarchyTraversalMode.TOP_DOWN)) {
      try {
        f.setAccessible(true);
        f.set(statics ? null : instance, valueFor(f.getType(), cluster));
      } catch (IllegalAccessException e) {
        throw new ExtensionConfigurationException("cannot inject " + f, e);
      }
    }
  }

  private static boolean isInjectable(Field f, boolean statics) {
    if (Modifier.isStatic(f.getModifiers()) != statics || Modifier.isFinal(f.getModifiers())) {
      return false;
    }
    Class<?> type = f.getType();
    return type == LocalCluster.class
        || type == KubernetesClient.class
        || (type == Path.class && f.isAnnotationPresent(Kubeconfig.class));
  }

  private static Object valueFor(Class<?> type, LocalCluster cluster) {
    if (type == LocalCluster.class) {
      return cluster;
    }
    if (type == KubernetesClient.class) {
      return cluster.client();
    }
    return cluster.kubeconfig();
  }

  /** Stopped by JUnit when the class' store closes, after its tests. */
  private record RunningCluster(LocalCluster cluster)
      implements ExtensionContext.Store.CloseableResource {
    @Override
    public void close() {
      cluster.close();
    }
  }
}
