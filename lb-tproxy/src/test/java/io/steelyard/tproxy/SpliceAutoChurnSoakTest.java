package io.steelyard.tproxy;

import io.steelyard.lb.ChurnSoakTest;
import io.steelyard.lb.transport.Transport;

/**
 * The churn soak on the TPROXY transport with {@code splice-auto}: transfers and downloads change
 * from copying to splicing mid-stream, short exchanges never splice.
 */
class SpliceAutoChurnSoakTest extends ChurnSoakTest {
  @Override
  protected Transport transport() {
    return Tproxy.transport().splice(Splice.AUTO);
  }
}
