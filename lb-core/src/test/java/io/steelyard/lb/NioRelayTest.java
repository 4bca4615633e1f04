package io.steelyard.lb;

import io.steelyard.lb.forward.Transport;

class NioRelayTest extends RelayTest {
  @Override
  Transport transport() {
    return Transport.nio();
  }
}
