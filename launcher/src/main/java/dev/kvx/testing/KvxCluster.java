package dev.kvx.testing;

import dev.kvx.launcher.cluster.LocalCluster;
import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Gives a test class a running kvx cluster, started once before its tests and stopped after them:
 *
 * <pre>{@code
 * @KvxCluster(nodes = 2)
 * class MyOperatorTest {
 *   @Test
 *   void reconciles(KubernetesClient client) { ... }
 * }
 * }</pre>
 *
 * <p>By default the whole cluster runs inside the test's JVM on the simulated runtime and an
 * in-memory store: no Docker, ready in about a second, with real controllers (namespace deletion
 * and garbage collection complete, Deployments roll out, Jobs finish). {@code runtime = DOCKER} runs
 * pods as real containers of the local Docker engine, from its local images (no loading step); the
 * class then fails when Docker is missing and {@code CI=true}, and is skipped otherwise.
 *
 * <p>Injected into test and lifecycle method parameters, and into fields (static ones before
 * {@code @BeforeAll}): {@link LocalCluster}, fabric8's {@code KubernetesClient}, and the admin
 * kubeconfig as a {@link java.nio.file.Path} (a parameter of type {@code Path} without another
 * annotation, or a field or parameter annotated {@link Kubeconfig}).
 */
@Target({ElementType.TYPE, ElementType.ANNOTATION_TYPE})
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Inherited
@ExtendWith(KvxClusterExtension.class)
public @interface KvxCluster {

  /** How many nodes ({@code kvx-node-1 …}). */
  int nodes() default 1;

  /** Where pods run. */
  LocalCluster.Runtime runtime() default LocalCluster.Runtime.SIMULATED;

  /**
   * The node name prefix; empty: {@value LocalCluster#DEFAULT_NODE_PREFIX} on the simulated runtime
   * and a unique one on Docker, so Docker test classes running at once stay apart.
   */
  String nodeNamePrefix() default "";
}
