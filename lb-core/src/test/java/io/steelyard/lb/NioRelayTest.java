package io.steelyard.lb;

import io.steelyard.lb.transport.Transport;

class NioRelayTest extends RelayTest {
  @Override
  Transport transport() {
    return Transport.nio();
  }
}
