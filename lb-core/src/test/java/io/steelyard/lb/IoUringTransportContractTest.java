package io.steelyard.lb;

import io.steelyard.lb.transport.Transport;

class IoUringTransportContractTest extends TransportContractTest {
  @Override
  protected Transport transport() {
    return Transport.ioUring();
  }
}
