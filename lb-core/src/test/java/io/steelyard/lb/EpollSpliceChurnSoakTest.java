package io.steelyard.lb;

import io.steelyard.lb.transport.Splice;
import io.steelyard.lb.transport.Transport;

/** The churn soak on the epoll transport, splicing both directions. */
class EpollSpliceChurnSoakTest extends ChurnSoakTest {
  @Override
  protected Transport transport() {
    return Transport.epoll(Splice.BOTH);
  }
}
