package io.steelyard.lb;

import io.steelyard.lb.forward.Transport;

class NioChurnSoakTest extends ChurnSoakTest {
  @Override
  protected Transport transport() {
    return Transport.nio();
  }
}
