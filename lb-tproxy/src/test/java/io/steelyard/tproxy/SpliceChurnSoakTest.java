package io.steelyard.tproxy;

import io.steelyard.lb.ChurnSoakTest;
import io.steelyard.lb.transport.Transport;

/** The churn soak on the TPROXY transport, splicing both directions (no transparency needed). */
class SpliceChurnSoakTest extends ChurnSoakTest {
  @Override
  protected Transport transport() {
    return Tproxy.transport().splice(Splice.BOTH);
  }
}
