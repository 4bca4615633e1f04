package io.steelyard.lb.health;

import static java.util.Objects.requireNonNull;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.ScheduledFuture;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * Runs a {@link Check}'s steps against one server, again and again, on one event loop: connects,
 * sends, reads into one buffer of {@link #BUFFER_SIZE} bytes (emptied at each connection and each
 * send, as HAProxy's) and judges, then reports a {@link CheckOutcome} worded as HAProxy words it.
 * A server that sends more than the buffer holds is judged on what the buffer holds.
 *
 * <p>Time: a connection step, TLS handshake included, has the check's connect timeout; once it is
 * made, {@code timeout check} (when set) starts afresh for the steps after it, else the first
 * window goes on. What ran out names the status: {@code L4TOUT} while connecting, {@code L6TOUT}
 * during the handshake, and then {@code L7TOUT} or the waiting expect's {@code tout-status}.
 *
 * <p>Not thread-safe: everything runs on {@code loop}. One run at a time.
 */
@ChannelHandler.Sharable
final class CheckRun extends ChannelInboundHandlerAdapter {
  /** What the check reads at most, HAProxy's {@code tune.bufsize}. */
  static final int BUFFER_SIZE = 16_384;

  /** Where a connection is. */
  private enum Phase {
    CONNECTING,
    HANDSHAKING,
    OPEN
  }

  private final EventLoop loop;
  private final Bootstrap bootstrap;
  private final InetSocketAddress server;
  private final Check check;
  private final List<Check.Step> steps;
  /** Where each connection step connects, by step index; {@code null} for the other steps. */
  private final @Nullable InetSocketAddress[] targets;
  private final ChannelFutureListener connectDone = this::connectDone;
  private final @Nullable CheckTls tls;
  private final boolean sendProxy;
  private final long connectNanos;
  private final long checkNanos;
  private final byte[] buffer = new byte[BUFFER_SIZE];
  private @Nullable Consumer<CheckOutcome> done;
  private int length;
  private boolean inputEnded;
  private int index;
  private Check.Step current;
  private @Nullable Phase phase;
  private @Nullable Channel channel;
  private @Nullable ScheduledFuture<?> deadline;
  private long generation;

  /**
   * @param bootstrap a bootstrap on {@code loop}, with the channel type of the balancer's transport
   * @param tls how a TLS connection step is made, or {@code null} when the check makes none
   * @param sendProxy whether the steps that take the server's settings send a PROXY line
   * @param connectTimeout how long a connection step may take
   * @param checkTimeout the window of the steps after a connection, HAProxy's {@code timeout
   *     check}; {@code null} to go on with the connection's window
   */
  CheckRun(
      EventLoop loop,
      Bootstrap bootstrap,
      InetSocketAddress server,
      Check check,
      @Nullable CheckTls tls,
      boolean sendProxy,
      Duration connectTimeout,
      @Nullable Duration checkTimeout) {
    this.loop = loop;
    this.bootstrap =
        bootstrap
            .clone(loop)
            .option(ChannelOption.ALLOW_HALF_CLOSURE, false)
            .option(ChannelOption.AUTO_READ, true)
            .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 0)
            .handler(this);
    this.server = server;
    this.check = check;
    this.steps = check.steps();
    this.current = steps.get(0);
    this.targets = new InetSocketAddress[steps.size()];
    for (int i = 0; i < targets.length; i++) {
      if (steps.get(i).rule() instanceof CheckConnect connect) {
        targets[i] = connect.address() == null && connect.port() == 0
            ? server
            : new InetSocketAddress(
                connect.address() == null ? server.getAddress() : connect.address(),
                connect.port() == 0 ? server.getPort() : connect.port());
      }
    }
    this.tls = tls;
    this.sendProxy = sendProxy;
    this.connectNanos = connectTimeout.toNanos();
    this.checkNanos = checkTimeout == null ? -1 : checkTimeout.toNanos();
  }

  /** Runs the steps from the first; {@code done} hears the outcome, on the loop. */
  void start(Consumer<CheckOutcome> done) {
    this.done = done;
    generation++;
    index = 0;
    advance();
  }

  /** Ends a run under way without an outcome. */
  void cancel() {
    generation++;
    closeChannel();
    cancelDeadline();
    done = null;
  }

  /** Runs steps from {@link #index} until one waits or the check ends. */
  private void advance() {
    while (index < steps.size()) {
      current = steps.get(index);
      CheckRule rule = current.rule();
      if (rule instanceof CheckConnect connect) {
        connect(connect);
        return;
      }
      if (rule instanceof CheckSend send) {
        length = 0;
        Channel open = requireNonNull(channel, "a send step follows a connection step");
        open.writeAndFlush(send.outgoing(), open.voidPromise());
        index++;
        continue;
      }
      CheckOutcome judged = judge((CheckExpect) rule);
      if (judged == null) {
        index = waitFrom(index);
        return;
      }
      if (!judged.status().passed()) {
        finish(judged);
        return;
      }
      index++;
    }
    finish(passed());
  }

  private void connect(CheckConnect connect) {
    closeChannel();
    length = 0;
    inputEnded = false;
    phase = Phase.CONNECTING;
    restartDeadline(connectNanos);
    ChannelFuture future = bootstrap.connect(targets[index]);
    channel = future.channel();
    future.addListener(connectDone);
  }

  /** Goes on once the connection of the current step is made, or fails the check. */
  private void connectDone(ChannelFuture future) {
    if (future.channel() != channel || done == null) {
      future.channel().close(); // a run that ended, or a connection it no longer waits for
    } else if (!future.isSuccess()) {
      connectFailed(future.cause());
    } else {
      CheckConnect connect = (CheckConnect) current.rule();
      if (connect.sendProxy() || connect.serverDefaults() && sendProxy) {
        channel.writeAndFlush(proxyLine(channel), channel.voidPromise());
      }
      if (tls(connect)) {
        handshake(connect, channel, generation);
      } else {
        connected();
      }
    }
  }

  private void handshake(CheckConnect connect, Channel channel, long run) {
    phase = Phase.HANDSHAKING;
    CheckTls tls =
        requireNonNull(this.tls, "a TLS connection needs the check's TLS settings");
    String sni = connect.sni() != null ? connect.sni() : connect.serverDefaults() ? tls.sni() : null;
    SslHandler ssl = tls.handler(channel.alloc(), sni, server);
    channel.pipeline().addFirst(ssl);
    ssl.handshakeFuture().addListener((Future<Channel> f) -> {
      if (run != generation) {
        return;
      }
      if (f.isSuccess()) {
        connected();
      } else {
        finish(CheckOutcome.of(CheckStatus.L6RSP, "SSL handshake failure" + where()));
      }
    });
  }

  private void connected() {
    phase = Phase.OPEN;
    if (checkNanos >= 0) {
      restartDeadline(checkNanos);
    }
    index++;
    advance();
  }

  /**
   * The outcome of {@code expect} on what has come, or {@code null} to wait for more (HAProxy's
   * {@code tcpcheck_eval_expect}).
   */
  private @Nullable CheckOutcome judge(CheckExpect expect) {
    boolean more = !inputEnded && length < BUFFER_SIZE;
    if (!more && length == 0 && inputEnded) {
      String comment = expect.comment() == null ? "" : " comment: '" + expect.comment() + "'";
      return CheckOutcome.of(
          expect.errorStatus(),
          "TCPCHK got an empty response at step " + current.number() + comment);
    }
    if (expect.parser() != null) {
      return expect.parser().judge(buffer, length, more);
    }
    if (more) {
      int wanted = expect.kind() == CheckExpect.Kind.STRING || expect.kind() == CheckExpect.Kind.BINARY
          ? expect.patternLength()
          : 0;
      if (length < Math.max(wanted, expect.minRecv())) {
        return null;
      }
    }
    boolean matched = expect.matches(buffer, length);
    if (!matched && more && expect.minRecv() < 0) {
      return null;
    }
    int code = expect.statusCode() == null ? 0 : expect.statusCode().code(buffer, length);
    if (matched != expect.isNegated()) {
      return new CheckOutcome(expect.okStatus(), code, "");
    }
    String info;
    if (expect.errorMessage() != null) {
      info = expect.errorMessage().format(buffer, length);
    } else if (check.numbered()) {
      info = (matched ? "TCPCHK matched unwanted content" : "TCPCHK did not match content")
          + mismatched(expect) + " at step " + current.number()
          + (expect.comment() == null ? "" : " comment: " + expect.comment());
    } else {
      info = "";
    }
    return new CheckOutcome(expect.errorStatus(), code, info);
  }

  private static String mismatched(CheckExpect expect) {
    switch (expect.kind()) {
      case STRING:
        return " '" + expect.pattern() + "'";
      case BINARY:
        return " (binary)";
      case RSTRING:
        return " (regex)";
      case RBINARY:
        return " (binary regex)";
      default:
        return " (custom function)";
    }
  }

  /**
   * Where to judge again when more comes: the first negated expect of the run of expects that
   * ends at {@code waiting}, which must see the new bytes too, else {@code waiting} itself.
   */
  private int waitFrom(int waiting) {
    int from = waiting;
    for (int i = waiting - 1; i >= 0 && steps.get(i).rule() instanceof CheckExpect expect; i--) {
      if (expect.isNegated()) {
        from = i;
      }
    }
    return from;
  }

  /** The outcome once every step passed: the last step's (HAProxy's end of {@code tcpcheck_main}). */
  private CheckOutcome passed() {
    CheckRule last = steps.get(steps.size() - 1).rule();
    if (last instanceof CheckExpect expect) {
      String info =
          expect.successMessage() != null
              ? expect.successMessage().format(buffer, length)
              : check.numbered() ? "(tcp-check)" : "";
      int code = expect.statusCode() == null ? 0 : expect.statusCode().code(buffer, length);
      return new CheckOutcome(expect.okStatus(), code, info);
    }
    if (last instanceof CheckConnect connect) {
      String info = steps.get(steps.size() - 1).number() > 0 ? "(tcp-check)" : "";
      return CheckOutcome.of(tls(connect) ? CheckStatus.L6OK : CheckStatus.L4OK, info);
    }
    return CheckOutcome.of(CheckStatus.L7OK, "(tcp-check)");
  }

  /**
   * Whether {@code connect} is made over TLS: it asks for it, or it takes the server's settings
   * and they say {@code check-ssl}.
   */
  private boolean tls(CheckConnect connect) {
    return connect.ssl() || connect.serverDefaults() && tls != null && tls.everyConnection();
  }

  /**
   * The PROXY protocol line HAProxy's checks send: the check connection's own two ends, {@code
   * PROXY TCP4 127.0.0.1 127.0.0.1 32924 6379\r\n}.
   */
  private static ByteBuf proxyLine(Channel channel) {
    InetSocketAddress local = (InetSocketAddress) channel.localAddress();
    InetSocketAddress remote = (InetSocketAddress) channel.remoteAddress();
    String family = remote.getAddress() instanceof java.net.Inet6Address ? "TCP6" : "TCP4";
    String line = "PROXY " + family + " " + local.getAddress().getHostAddress() + " "
        + remote.getAddress().getHostAddress() + " " + local.getPort() + " " + remote.getPort()
        + "\r\n";
    return io.netty.buffer.Unpooled.copiedBuffer(line, StandardCharsets.US_ASCII);
  }

  private void connectFailed(Throwable cause) {
    if (steps.size() == 1 && acceptedThenReset(cause)) {
      finish(CheckOutcome.of(CheckStatus.L4OK, ""));
    } else {
      finish(CheckOutcome.of(CheckStatus.L4CON, systemWords(cause) + where()));
    }
  }

  private void timedOut() {
    deadline = null;
    CheckStatus status;
    if (phase == Phase.CONNECTING) {
      status = CheckStatus.L4TOUT;
    } else if (phase == Phase.HANDSHAKING) {
      status = CheckStatus.L6TOUT;
    } else if (current.rule() instanceof CheckExpect expect) {
      status = expect.timeoutStatus();
    } else {
      status = CheckStatus.L7TOUT;
    }
    finish(CheckOutcome.of(status, where()));
  }

  /**
   * Where a rule set of one's own failed, for a connection error or a timeout, as HAProxy's
   * {@code chk_report_conn_err} says it: {@code " at step 2 of tcp-check (expect string
   * '+PONG')"}, with its leading space; empty for the other checks.
   */
  private String where() {
    if (!check.numbered()) {
      return "";
    }
    if (current.number() == 0) {
      return " at initial connection step of tcp-check";
    }
    StringBuilder where =
        new StringBuilder(" at step ").append(current.number()).append(" of tcp-check");
    CheckRule rule = current.rule();
    if (rule instanceof CheckConnect connect) {
      where.append(connect.port() == 0 ? " (connect)" : " (connect port " + connect.port() + ")");
    } else if (rule instanceof CheckSend) {
      where.append(" (send)");
    } else {
      CheckExpect expect = (CheckExpect) rule;
      switch (expect.kind()) {
        case STRING -> where.append(" (expect string '").append(expect.pattern()).append("')");
        case BINARY -> where.append(" (expect binary '")
            .append(new String(expect.patternBytes(), StandardCharsets.ISO_8859_1)).append("')");
        case RSTRING -> where.append(" (expect regex)");
        case RBINARY -> where.append(" (expect binary regex)");
        default -> where.append(" (expect custom function)");
      }
    }
    if (rule.comment() != null) {
      where.append(" comment: '").append(rule.comment()).append('\'');
    }
    return where.toString();
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    try {
      if (ctx.channel() != channel || phase != Phase.OPEN) {
        return;
      }
      ByteBuf bytes = (ByteBuf) msg;
      int taken = Math.min(bytes.readableBytes(), BUFFER_SIZE - length);
      bytes.readBytes(buffer, length, taken);
      length += taken;
    } finally {
      ReferenceCountUtil.release(msg);
    }
    waitingStepGoesOn();
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    if (ctx.channel() == channel && phase == Phase.OPEN) {
      inputEnded = true;
      waitingStepGoesOn();
    }
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    if (ctx.channel() != channel || phase != Phase.OPEN || done == null) {
      return;
    }
    if (length == 0) {
      finish(CheckOutcome.of(CheckStatus.SOCKERR, systemWords(cause) + where()));
    } else {
      inputEnded = true;
      waitingStepGoesOn();
    }
  }

  /** Judges the waiting expect again, if the run waits on one. */
  private void waitingStepGoesOn() {
    if (done != null && index < steps.size() && steps.get(index).rule() instanceof CheckExpect) {
      advance();
    }
  }

  private void finish(CheckOutcome outcome) {
    Consumer<CheckOutcome> listener = done;
    done = null;
    generation++;
    cancelDeadline();
    closeChannel();
    if (listener != null) {
      listener.accept(outcome);
    }
  }

  private void restartDeadline(long nanos) {
    cancelDeadline();
    long run = generation;
    deadline = loop.schedule(() -> {
      if (run == generation) {
        timedOut();
      }
    }, nanos, TimeUnit.NANOSECONDS);
  }

  private void cancelDeadline() {
    if (deadline != null) {
      deadline.cancel(false);
      deadline = null;
    }
  }

  private void closeChannel() {
    if (channel != null) {
      channel.close();
      channel = null;
    }
    phase = null;
  }

  /**
   * Whether the server accepted the connection and reset it before the connect was seen to
   * complete: the system reports a reset, not a refusal, only for a handshake that was made. A
   * check that only connects asks no more than that, so it passes, as HAProxy's does.
   */
  private static boolean acceptedThenReset(Throwable cause) {
    String words = systemWords(cause);
    return cause instanceof SocketException
        && (words.equals("Connection reset by peer") || words.equals("Connection reset"));
  }

  /**
   * {@code Connection refused} out of Netty's {@code connect(..) failed: Connection refused:
   * localhost/127.0.0.1:8080}: the system's words, without the call before them nor the address
   * after.
   */
  static String systemWords(Throwable cause) {
    String message = String.valueOf(cause.getMessage()).replaceFirst(": [^ /]*/\\S+$", "");
    int colon = message.lastIndexOf(": ");
    return colon < 0 ? message : message.substring(colon + 2);
  }
}
