package io.steelyard.lb;

import io.steelyard.lb.transport.Transport;

class EpollRelayTest extends RelayTest {
  @Override
  Transport transport() {
    return Transport.epoll();
  }
}
