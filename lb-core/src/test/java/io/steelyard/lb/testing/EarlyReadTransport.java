package io.steelyard.lb.testing;

import io.netty.channel.Channel;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.ServerChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.steelyard.lb.transport.Transport;
import java.net.SocketAddress;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The NIO transport, except that an outbound connection still connecting is read once, as NIO's
 * selector does when it wakes with no ready operation (Netty then reads, and the read fails with
 * {@code NotYetConnectedException}): the error path of a session whose server is not connected.
 */
public final class EarlyReadTransport implements Transport {
  /** How many early reads were made. */
  public static final AtomicInteger READS = new AtomicInteger();

  @Override
  public String name() {
    return "nio with early reads";
  }

  @Override
  public IoHandlerFactory newIoHandlerFactory() {
    return Transport.nio().newIoHandlerFactory();
  }

  @Override
  public Class<? extends ServerChannel> serverChannelType() {
    return Transport.nio().serverChannelType();
  }

  @Override
  public Class<? extends Channel> channelType() {
    return EarlyReadChannel.class;
  }

  /** A NIO socket that reads once while its connect is in progress. */
  public static final class EarlyReadChannel extends NioSocketChannel {
    @Override
    protected boolean doConnect(SocketAddress remote, SocketAddress local) throws Exception {
      boolean connected = super.doConnect(remote, local);
      if (!connected) {
        eventLoop().execute(() -> {
          if (isOpen() && !isActive()) {
            READS.incrementAndGet();
            unsafe().read();
          }
        });
      }
      return connected;
    }
  }
}
