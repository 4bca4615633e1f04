package io.steelyard.lb;

import io.steelyard.lb.transport.Transport;

class IoUringChurnSoakTest extends ChurnSoakTest {
  @Override
  protected Transport transport() {
    return Transport.ioUring();
  }
}
