package io.steelyard.lb.log;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** {@link LogSink#slf4j()}: the logger {@code io.steelyard.lb.traffic}, at INFO. */
enum Slf4jLogSink implements LogSink {
  INSTANCE;

  private static final Logger LOG = LoggerFactory.getLogger("io.steelyard.lb.traffic");

  @Override
  public void write(LogLine line) {
    LOG.info(line.message());
  }
}
