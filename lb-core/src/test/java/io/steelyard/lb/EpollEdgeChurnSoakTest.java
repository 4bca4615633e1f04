package io.steelyard.lb;

import io.steelyard.lb.transport.Transport;

class EpollEdgeChurnSoakTest extends ChurnSoakTest {
  @Override
  protected Transport transport() {
    return Transport.epollEdge();
  }
}
