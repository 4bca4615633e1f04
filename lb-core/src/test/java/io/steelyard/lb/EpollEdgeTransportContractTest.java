package io.steelyard.lb;

import io.steelyard.lb.transport.Transport;

/** The transport contract on epoll with Steelyard's own edge-triggered channels. */
class EpollEdgeTransportContractTest extends TransportContractTest {
  @Override
  protected Transport transport() {
    return Transport.epollEdge();
  }
}
