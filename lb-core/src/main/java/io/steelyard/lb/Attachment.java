package io.steelyard.lb;

/**
 * Something that runs alongside a {@link Balancer} and follows it, such as a VRRP instance that
 * holds the virtual address while the balancer is healthy. Core knows nothing of what it is: it
 * only starts it and stops it.
 *
 * <p>Given to {@link BalancerBuilder#attach}. {@link BalancerBuilder#start()} calls {@link #attach}
 * once the balancer listens, so {@link Balancer#healthy()} and {@link Balancer#addListener} already
 * answer; attachments start in the order they were given. {@link Balancer#close()} closes what they
 * returned first, in reverse order, and only then stops listening: a VRRP instance gives up the
 * virtual address before connections to it are refused.
 */
@FunctionalInterface
public interface Attachment {

  /**
   * Starts following {@code balancer}.
   *
   * @return what {@link Balancer#close()} closes to stop it; its {@code close} must not block for
   *     long and is called once
   * @throws Exception when it cannot start; {@link BalancerBuilder#start()} then closes the
   *     attachments started before it and the balancer, and throws a {@link StartException} naming
   *     it (its {@code toString()}) with this as the cause
   */
  AutoCloseable attach(Balancer balancer) throws Exception;
}
