package io.steelyard.lb;

import io.steelyard.lb.transport.Splice;
import io.steelyard.lb.transport.Transport;

/**
 * The churn soak on the epoll transport with {@code splice-auto}: transfers and downloads change
 * from copying to splicing mid-stream, short exchanges never splice.
 */
class EpollSpliceAutoChurnSoakTest extends ChurnSoakTest {
  @Override
  protected Transport transport() {
    return Transport.epoll(Splice.AUTO);
  }
}
