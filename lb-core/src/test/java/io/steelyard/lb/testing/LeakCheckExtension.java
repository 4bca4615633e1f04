package io.steelyard.lb.testing;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.UnpooledByteBufAllocator;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Fails a test class when Netty reported a leaked buffer while it ran. Registered for every test
 * class through the service loader (the build enables extension auto-detection).
 *
 * <p>Netty reports a leak only when a leaked buffer has been garbage collected and a later
 * allocation polls the detector's queue, so this collects garbage and allocates a few buffers
 * before it looks.
 */
public final class LeakCheckExtension implements AfterAllCallback {

  @Override
  public void afterAll(ExtensionContext context) throws InterruptedException {
    for (int round = 0; round < 3; round++) {
      System.gc();
      Thread.sleep(50);
      List<ByteBuf> probes = new ArrayList<>();
      for (int i = 0; i < 64; i++) {
        probes.add(PooledByteBufAllocator.DEFAULT.directBuffer(16));
        probes.add(UnpooledByteBufAllocator.DEFAULT.heapBuffer(16));
      }
      probes.forEach(ByteBuf::release);
    }
    if (!LeakRecordingDetector.LEAKS.isEmpty()) {
      List<String> leaks = List.copyOf(LeakRecordingDetector.LEAKS);
      LeakRecordingDetector.LEAKS.clear();
      throw new AssertionError(
          "Netty reported " + leaks.size() + " leaked buffer(s) during "
              + context.getDisplayName() + ":\n" + String.join("\n", leaks));
    }
  }
}
