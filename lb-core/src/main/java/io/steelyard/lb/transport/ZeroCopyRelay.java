package io.steelyard.lb.transport;

import io.netty.channel.Channel;
import io.netty.channel.socket.ChannelInputShutdownEvent;

/**
 * Moves one direction of a session from socket to socket inside the kernel, without copying the
 * bytes through the JVM: epoll's splice relay. A {@link Transport} offers one through {@link
 * Transport#zeroCopyRelay()}; a session hands it each direction once both sockets are connected,
 * and copies through its pipelines whatever the relay does not take.
 *
 * <p>What the session counts on, and so what an implementation must keep:
 *
 * <ul>
 *   <li><b>Order.</b> What {@code from} read into its pipeline before {@link #relay} has been
 *       written to {@code to} by then; what the relay moves goes after it.
 *   <li><b>Flow control.</b> From {@link #relay} on, the relay alone decides when {@code from}
 *       reads: it stops while {@code to} cannot take more, so a direction holds a bounded amount,
 *       as the copying relay does.
 *   <li><b>Counting and activity.</b> Every byte moved is reported to {@link Listener#moved} as it
 *       is taken from {@code from}, the moment the copying relay would count it; the session
 *       counts it and restarts both sides' inactivity timers.
 *   <li><b>End of input.</b> {@link ChannelInputShutdownEvent} reaches the session through {@code
 *       from}'s pipeline only once every byte before the end is queued on {@code to}, so that
 *       the half-close the session then sends follows the last byte.
 *   <li><b>Errors.</b> A reset or failure of either socket reaches the session as an exception in
 *       that socket's pipeline, or as its close, as with the copying relay.
 *   <li><b>Falling back.</b> A relay that must stop while the stream is still whole calls {@link
 *       Listener#copying()}; from then on {@code from}'s bytes arrive through its pipeline and the
 *       session copies and paces them itself.
 * </ul>
 *
 * <p>All calls, both ways, happen on the event loop that the session's two channels share.
 */
public interface ZeroCopyRelay {

  /**
   * Called once for each channel of a session, the client's and the server's, before the channel
   * reads anything: the place for per-channel set-up that {@link #relay} needs later.
   */
  void prepare(Channel channel);

  /**
   * Takes over the direction from {@code from} to {@code to}, both connected and prepared.
   *
   * @param fromClient whether {@code from} is the client (the request direction) or the server
   *     (the response direction)
   * @return whether it took the direction over; when not (this direction is not configured for
   *     it, or the channels are of a kind it cannot handle), nothing has changed and the session
   *     copies as usual
   */
  boolean relay(Channel from, Channel to, boolean fromClient, Listener listener);

  /**
   * Whether a direction is to be offered only once one read of it filled a buffer of 16 KiB or
   * more, as HAProxy's {@code splice-auto} decides, rather than as soon as both sockets are
   * connected (the default). A direction is offered once either way.
   */
  default boolean afterAFullRead() {
    return false;
  }

  /**
   * The file descriptors a session holds for this relay besides its two sockets (such as pipes),
   * which the descriptor budget counts per connection.
   */
  default int descriptorsPerSession() {
    return 0;
  }

  /** What a relay reports to its session about one direction. */
  interface Listener {

    /** {@code bytes} more were taken from the source and handed to the other socket. */
    void moved(int bytes);

    /**
     * The relay has stopped, with the stream intact: bytes from the source now arrive through its
     * pipeline, and the session copies them and paces the source's reading itself.
     */
    void copying();
  }
}
