package dev.kvx.e2e;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A scenario that runs once per tested kubectl release ({@link KubectlBinary#tested()}); the test
 * method takes the {@link KubectlBinary} as its parameter.
 */
@Target(ElementType.METHOD)
@Retention(RetentionPolicy.RUNTIME)
@ParameterizedTest(name = "kubectl {0}")
@MethodSource("dev.kvx.e2e.KubectlBinary#tested")
public @interface EachKubectl {}
