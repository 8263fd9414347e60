package dev.kvx.testing;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a {@link java.nio.file.Path} field or parameter of a {@link KvxCluster} test that receives
 * the cluster's admin kubeconfig (e.g. for {@code kubectl --kubeconfig} or a client of one's own).
 */
@Target({ElementType.FIELD, ElementType.PARAMETER})
@Retention(RetentionPolicy.RUNTIME)
@Documented
public @interface Kubeconfig {}
