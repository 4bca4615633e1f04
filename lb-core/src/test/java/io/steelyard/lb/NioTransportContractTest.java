package io.steelyard.lb;

import io.steelyard.lb.transport.Transport;

class NioTransportContractTest extends TransportContractTest {
  @Override
  protected Transport transport() {
    return Transport.nio();
  }
}
