package io.steelyard.lb;

import io.steelyard.lb.transport.Transport;

class EpollChurnSoakTest extends ChurnSoakTest {
  @Override
  protected Transport transport() {
    return Transport.epoll();
  }
}
