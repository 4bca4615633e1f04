package io.steelyard.lb;

import io.steelyard.lb.transport.Transport;

class EpollTransportContractTest extends TransportContractTest {
  @Override
  protected Transport transport() {
    return Transport.epoll();
  }
}
