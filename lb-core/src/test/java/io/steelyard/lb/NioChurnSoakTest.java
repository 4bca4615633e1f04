package io.steelyard.lb;

import io.steelyard.lb.transport.Transport;

class NioChurnSoakTest extends ChurnSoakTest {
  @Override
  protected Transport transport() {
    return Transport.nio();
  }
}
