package io.steelyard.lb.testing;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A test that needs root (network namespaces, raw sockets, firewall rules) and the tools named in
 * {@link #tools()}. Without them it is skipped with the reason, except in CI ({@code CI=true}),
 * where a skip is a failure: CI installs what these tests need.
 */
@Target({ElementType.TYPE, ElementType.METHOD})
@Retention(RetentionPolicy.RUNTIME)
@Tag("privileged")
@ExtendWith(PrivilegedCondition.class)
public @interface Privileged {
  /** Commands that must be on the PATH, such as {@code ip} or {@code iptables}. */
  String[] tools() default {"ip"};
}
