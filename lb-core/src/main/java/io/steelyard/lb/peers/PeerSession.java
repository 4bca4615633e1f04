package io.steelyard.lb.peers;

import static java.util.Objects.requireNonNull;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.timeout.IdleState;
import io.netty.handler.timeout.IdleStateEvent;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import javax.net.ssl.SSLException;
import org.jspecify.annotations.Nullable;

/**
 * One TCP session with a remote peer, opened by either side: the greeting and its status line,
 * then the messages both ways. It pushes the section's journal from where the peer stands,
 * teaches the whole table on a resync request, applies the peer's updates and acknowledges them,
 * and sends a heartbeat after 3 s without writing; it is closed after 5 s without reading. A
 * message it cannot read closes it, with the protocol's error message and one log line; nothing of
 * it ever reaches the forwarding path but the entries it applies. Runs on the section's loop.
 */
final class PeerSession extends ChannelInboundHandlerAdapter {
  /** The shape of every table Steelyard sends: what its updates carry. */
  private static final TableDefinition STICK_ON_SOURCE = TableDefinition.stickOnSource(1, "", 0);

  /** The longest status line read. */
  private static final int MAX_STATUS_LINE = 16;

  private enum Phase {
    /** Accepted: waiting for the three lines of the peer's greeting. */
    GREETING,
    /** Connected: greeting sent, waiting for the status line. */
    STATUS,
    /** Open: messages both ways. */
    MESSAGES,
    CLOSED
  }

  /** A table the peer defined on this session: ours of the same name and shape, or none. */
  private static final class PeerTable {
    final TableDefinition definition;
    /** Our table's index, or -1 when the peer's table is not one we replicate. */
    final int local;
    long lastUpdate;
    long acknowledged;

    PeerTable(TableDefinition definition, int local) {
      this.definition = definition;
      this.local = local;
    }
  }

  private final PeerSection section;
  private final boolean outgoing;
  private @Nullable RemotePeer peer;
  private @Nullable ChannelHandlerContext ctx;
  private Phase phase;
  private final byte[] inbox = new byte[PeerFrame.MAX_PAYLOAD + 32];
  private int inboxLength;
  private boolean speaks20;

  private final boolean[] defined;
  private int lastTable = -1;
  private long cursor;
  private final ServerKeyDictionary sentNames = new ServerKeyDictionary();
  private final PeerWriter payload = new PeerWriter();
  private final PeerWriter header = new PeerWriter();
  private @Nullable ByteBuf batch;

  private final Map<Integer, PeerTable> peerTables = new HashMap<>();
  private @Nullable PeerTable current;
  private final ServerKeyDictionary receivedNames = new ServerKeyDictionary();

  /** A session this side opens to {@code peer}. */
  static PeerSession connecting(PeerSection section, RemotePeer peer) {
    PeerSession session = new PeerSession(section, true);
    session.peer = peer;
    session.speaks20 = peer.speaks20;
    return session;
  }

  /** A session a peer opened; its greeting says which. */
  static PeerSession accepted(PeerSection section) {
    return new PeerSession(section, false);
  }

  private PeerSession(PeerSection section, boolean outgoing) {
    this.section = section;
    this.outgoing = outgoing;
    this.defined = new boolean[section.tables().size()];
    this.phase = outgoing ? Phase.STATUS : Phase.GREETING;
  }

  /** The peer, or {@code null} while a session the peer opened has not passed its greeting. */
  @Nullable RemotePeer peer() {
    return peer;
  }

  /** The peer of a session this side opened, or of one past the peer's greeting. */
  RemotePeer knownPeer() {
    if (peer == null) {
      throw new IllegalStateException("a session the peer opened is not past its greeting");
    }
    return peer;
  }

  /** The context of the session's channel, which it has before it reads or writes. */
  private ChannelHandlerContext context() {
    return requireNonNull(ctx, "the session is in a channel's pipeline");
  }

  /** The peer's definition of our table {@code local} on this session, or {@code null}. */
  @Nullable TableDefinition peerDefinition(int local) {
    PeerTable table = peerTable(local);
    return table == null ? null : table.definition;
  }

  /** The last update id the peer sent of our table {@code local} on this session, or 0. */
  long lastReceived(int local) {
    PeerTable table = peerTable(local);
    return table == null ? 0 : table.lastUpdate;
  }

  private @Nullable PeerTable peerTable(int local) {
    for (PeerTable table : peerTables.values()) {
      if (table.local == local) {
        return table;
      }
    }
    return null;
  }

  /** The last journal number pushed on this session, or 0. */
  long lastPushed() {
    return Math.max(cursor - 1, 0);
  }

  boolean open() {
    return phase == Phase.MESSAGES;
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    this.ctx = ctx;
  }

  @Override
  public void channelActive(ChannelHandlerContext ctx) {
    if (outgoing) {
      RemotePeer peer = knownPeer();
      peer.status = RemotePeer.HANDSHAKING;
      PeerHello hello = new PeerHello(
          speaks20 ? "2.0" : PeerHello.VERSION, peer.name(), section.localName(), ProcessHandle.current().pid());
      ctx.writeAndFlush(ctx.alloc().buffer().writeBytes(hello.text().getBytes(StandardCharsets.ISO_8859_1)));
    }
    ctx.fireChannelActive();
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    ByteBuf in = (ByteBuf) msg;
    try {
      while (in.isReadable() && phase != Phase.CLOSED) {
        int take = Math.min(in.readableBytes(), inbox.length - inboxLength);
        in.readBytes(inbox, inboxLength, take);
        inboxLength += take;
        boolean progressed = false;
        // A phase that ends (the greeting, the status line) leaves the bytes after it to the next.
        for (int used = 1; used > 0 && inboxLength > 0 && phase != Phase.CLOSED; ) {
          used = consume();
          System.arraycopy(inbox, used, inbox, 0, inboxLength - used);
          inboxLength -= used;
          progressed |= used > 0;
        }
        if (take == 0 && !progressed) {
          close("a message larger than " + inbox.length + " bytes");
          break;
        }
      }
    } finally {
      in.release();
    }
  }

  @Override
  public void channelReadComplete(ChannelHandlerContext ctx) {
    if (phase == Phase.MESSAGES) {
      for (Map.Entry<Integer, PeerTable> entry : peerTables.entrySet()) {
        PeerTable table = entry.getValue();
        if (table.lastUpdate != table.acknowledged) {
          table.acknowledged = table.lastUpdate;
          frame(PeerFrame.STICK_TABLE, PeerFrame.ACK,
              new PeerWriter().varint(entry.getKey()).u32(table.lastUpdate).toByteArray());
        }
      }
      flush();
    }
    ctx.fireChannelReadComplete();
  }

  /** Reads what it can of the inbox; returns how many bytes it used. */
  private int consume() {
    return switch (phase) {
      case GREETING -> readGreeting();
      case STATUS -> readStatus();
      case MESSAGES -> readMessages();
      case CLOSED -> inboxLength;
    };
  }

  private int readGreeting() {
    int lines = 0;
    int end = -1;
    for (int i = 0; i < inboxLength && end < 0; i++) {
      if (inbox[i] == '\n' && ++lines == 3) {
        end = i + 1;
      }
    }
    if (end < 0) {
      if (inboxLength >= PeerHello.MAX_LENGTH) {
        refuse(PeerHello.PROTOCOL_ERROR, "a greeting longer than " + PeerHello.MAX_LENGTH + " bytes");
        return inboxLength;
      }
      return 0;
    }
    PeerHello hello = PeerHello.parse(new String(inbox, 0, end, StandardCharsets.ISO_8859_1));
    if (hello == null) {
      refuse(PeerHello.PROTOCOL_ERROR, "a greeting that is not the peers protocol's");
      return inboxLength;
    }
    int status = hello.status(section.localName(), section::isRemote, section.maxMinorVersion());
    if (status != PeerHello.ACCEPTED) {
      refuse(status, "greeting " + hello.text().strip().replace('\n', '|'));
      return inboxLength;
    }
    RemotePeer from =
        requireNonNull(section.remote(hello.from()), "an accepted greeting names a peer");
    ChannelHandlerContext ctx = context();
    InetSocketAddress address = (InetSocketAddress) ctx.channel().remoteAddress();
    if (!address.getAddress().equals(from.config.address().getAddress())) {
      refuse(PeerHello.UNKNOWN_PEER, "the name '" + hello.from() + "' from " + address.getAddress().getHostAddress()
          + ", which is not its configured address " + from.config.address().getAddress().getHostAddress());
      return inboxLength;
    }
    if (from.session != null && from.session.outgoing) {
      from.collisions++;
      refuse(PeerHello.TRY_AGAIN, "peer '" + from.name() + "' has our session already");
      return inboxLength;
    }
    peer = from;
    speaks20 = hello.minorVersion() == 0;
    peer.speaks20 = speaks20;
    section.accepted(this);
    ctx.writeAndFlush(ctx.alloc().buffer().writeBytes("200\n".getBytes(StandardCharsets.ISO_8859_1)));
    startMessages();
    return end;
  }

  private void refuse(int status, String what) {
    ChannelHandlerContext ctx = context();
    if (status == PeerHello.TRY_AGAIN) {
      section.log().info("peers '{}': refused a session from {}: {} (status {})",
          section.name(), ctx.channel().remoteAddress(), what, status);
    } else {
      section.log().warn("peers '{}': refused a session from {}: {} (status {})",
          section.name(), ctx.channel().remoteAddress(), what, status);
    }
    phase = Phase.CLOSED;
    ctx.writeAndFlush(ctx.alloc().buffer().writeBytes((status + "\n").getBytes(StandardCharsets.ISO_8859_1)))
        .addListener(future -> ctx.close());
  }

  private int readStatus() {
    int end = -1;
    for (int i = 0; i < inboxLength && end < 0; i++) {
      if (inbox[i] == '\n') {
        end = i + 1;
      }
    }
    if (end < 0) {
      if (inboxLength > MAX_STATUS_LINE) {
        close("a status line longer than " + MAX_STATUS_LINE + " bytes");
      }
      return end < 0 ? 0 : end;
    }
    String line = new String(inbox, 0, end - 1, StandardCharsets.ISO_8859_1);
    int status;
    try {
      status = Integer.parseInt(line.strip());
    } catch (NumberFormatException e) {
      status = PeerHello.PROTOCOL_ERROR;
    }
    RemotePeer peer = knownPeer();
    peer.status = status;
    peer.lastHandshakeAt = System.nanoTime();
    if (status != PeerHello.ACCEPTED) {
      if (status == PeerHello.BAD_VERSION && !speaks20) {
        peer.speaks20 = true;
      }
      close("it answered status " + status + " to our greeting");
      return inboxLength;
    }
    startMessages();
    return end;
  }

  private void startMessages() {
    phase = Phase.MESSAGES;
    RemotePeer peer = knownPeer();
    peer.status = PeerHello.ACCEPTED;
    peer.lastHandshakeAt = System.nanoTime();
    section.sessionOpened(this);
  }

  private int readMessages() {
    int at = 0;
    while (phase == Phase.MESSAGES) {
      PeerFrame.Decoding decoding = PeerFrame.decode(inbox, at, inboxLength);
      if (decoding instanceof PeerFrame.Decoded decoded) {
        at += decoded.length();
        PeerRejection rejection = handle(decoded.frame());
        if (rejection != null) {
          reject(rejection);
        }
      } else if (decoding instanceof PeerFrame.Rejected rejected) {
        reject(rejected.reason());
      } else {
        return at;
      }
    }
    return inboxLength;
  }

  /** Acts on one message; returns why it could not, or {@code null}. */
  private @Nullable PeerRejection handle(PeerFrame frame) {
    return switch (frame.messageClass()) {
      case PeerFrame.CONTROL -> control(frame.type());
      case PeerFrame.ERROR -> {
        close("it reports a " + (frame.type() == PeerFrame.SIZE_ERROR ? "size" : "protocol")
            + " error in what we sent");
        yield null;
      }
      default -> table(frame);
    };
  }

  private @Nullable PeerRejection control(int type) {
    switch (type) {
      case PeerFrame.RESYNC_REQUEST -> teach();
      case PeerFrame.RESYNC_FINISHED, PeerFrame.RESYNC_PARTIAL -> {
        confirm();
        section.learned(this, type == PeerFrame.RESYNC_FINISHED);
      }
      case PeerFrame.RESYNC_CONFIRM -> knownPeer().confirms++;
      default -> knownPeer().heartbeatsReceived++;
    }
    return null;
  }

  private @Nullable PeerRejection table(PeerFrame frame) {
    PeerReader in = PeerReader.of(frame.payload());
    switch (frame.type()) {
      case PeerFrame.DEFINE -> {
        TableDefinition definition = TableDefinition.read(in);
        if (definition == null) {
          return in.rejection();
        }
        current = new PeerTable(definition, section.localTable(definition));
        peerTables.put(definition.id(), current);
      }
      case PeerFrame.SWITCH -> {
        current = peerTables.get(in.varint(Integer.MAX_VALUE));
        if (in.failed() || current == null) {
          return in.failed() ? in.rejection() : PeerRejection.UNDEFINED_TABLE;
        }
      }
      case PeerFrame.ACK -> {
        int table = in.varint(Integer.MAX_VALUE);
        long update = in.u32();
        if (!in.atEnd()) {
          return in.rejection();
        }
        if (table < 1 || table > defined.length) {
          return PeerRejection.UNDEFINED_TABLE;
        }
        long[] acked = knownPeer().acked;
        acked[table - 1] = Math.max(acked[table - 1], section.journalNumber(update));
      }
      default -> {
        if (current == null) {
          return PeerRejection.UNDEFINED_TABLE;
        }
        if (current.local < 0) {
          return null;
        }
        TableUpdate update = TableUpdate.read(frame.type(), in, current.definition, receivedNames);
        if (update == null) {
          return in.rejection();
        }
        current.lastUpdate = update.updateId() >= 0 ? update.updateId() : (current.lastUpdate + 1) & 0xFFFF_FFFFL;
        section.apply(current.local, update);
      }
    }
    return null;
  }

  private void reject(PeerRejection reason) {
    section.rejected(reason);
    RemotePeer peer = knownPeer();
    peer.protocolErrors++;
    frame(PeerFrame.ERROR, reason == PeerRejection.TOO_LARGE ? PeerFrame.SIZE_ERROR : PeerFrame.PROTOCOL_ERROR, payload.reset());
    flush();
    section.log().warn("peers '{}': dropped the session with peer '{}': a message it sent could not be read ({})",
        section.name(), peer.name(), reason);
    phase = Phase.CLOSED;
    context().close();
  }

  /**
   * Sends the journal from where the peer stands, while the channel takes it; a peer further
   * behind than the journal holds is taught the whole table first.
   */
  void push() {
    if (phase != Phase.MESSAGES) {
      return;
    }
    UpdateJournal journal = section.journal();
    if (cursor < journal.first()) {
      teachTables();
    }
    Channel channel = context().channel();
    while (cursor < journal.next() && channel.isWritable()) {
      long number = cursor++;
      int table = journal.table(number);
      section.entry(table, journal.entry(number))
          .ifPresent(entry -> update(table, number, -1, entry));
    }
    flush();
  }

  /** Starts pushing from what the peer acknowledged on its last session. */
  void startPushing() {
    long from = Long.MAX_VALUE;
    for (long acked : knownPeer().acked) {
      from = Math.min(from, acked + 1);
    }
    cursor = Math.max(from == Long.MAX_VALUE ? 1 : from, 1);
    push();
  }

  /** Answers a resync request: every entry with its time to live, then FINISHED or PARTIAL. */
  private void teach() {
    teachTables();
    frame(PeerFrame.CONTROL, section.complete() ? PeerFrame.RESYNC_FINISHED : PeerFrame.RESYNC_PARTIAL, payload.reset());
    flush();
  }

  private void teachTables() {
    long number = section.journal().next() - 1;
    for (int table = 0; table < defined.length; table++) {
      int index = table;
      section.entries(table).forEach(entry -> update(index, number, speaks20 ? -1 : entry.ttlMillis(), entry));
    }
    cursor = section.journal().next();
  }

  /** Writes one entry of table {@code table}, switching to the table first if need be. */
  private void update(int table, long number, long ttlMillis, PeerSection.Entry entry) {
    if (lastTable != table) {
      ReplicatedTable replicated = section.tables().get(table);
      if (defined[table]) {
        frame(PeerFrame.STICK_TABLE, PeerFrame.SWITCH, new PeerWriter().varint(table + 1).toByteArray());
      } else {
        defined[table] = true;
        frame(PeerFrame.STICK_TABLE, PeerFrame.DEFINE,
            TableDefinition.stickOnSource(table + 1, replicated.name(), replicated.table().expire().toMillis()).payload());
      }
      lastTable = table;
    }
    TableUpdate update = new TableUpdate(number & 0xFFFF_FFFFL, ttlMillis, entry.key(), entry.haproxyId(), entry.server());
    update.write(STICK_ON_SOURCE, sentNames, payload.reset());
    frame(PeerFrame.STICK_TABLE, update.type(), payload);
  }

  /** Asks the peer for its whole table. */
  void requestResync() {
    frame(PeerFrame.CONTROL, PeerFrame.RESYNC_REQUEST, payload.reset());
    flush();
  }

  /**
   * Confirms the end of a resync the peer taught, FINISHED or PARTIAL: HAProxy pushes nothing more
   * to a peer it taught until that peer confirms.
   */
  private void confirm() {
    frame(PeerFrame.CONTROL, PeerFrame.RESYNC_CONFIRM, payload.reset());
    flush();
  }

  private void frame(int messageClass, int type, byte[] bytes) {
    frame(messageClass, type, payload.reset().bytes(bytes));
  }

  /** Adds a message to the batch that the next {@link #flush()} writes. */
  private void frame(int messageClass, int type, PeerWriter body) {
    if (batch == null) {
      batch = context().alloc().buffer();
    }
    batch.writeByte(messageClass).writeByte(type);
    if (type >= 0x80) {
      header.reset().varint(body.size());
      batch.writeBytes(header.array(), 0, header.size()).writeBytes(body.array(), 0, body.size());
    }
  }

  private void flush() {
    if (batch != null) {
      ByteBuf out = batch;
      batch = null;
      context().writeAndFlush(out);
    }
  }

  @Override
  public void channelWritabilityChanged(ChannelHandlerContext ctx) {
    if (ctx.channel().isWritable()) {
      push();
    }
    ctx.fireChannelWritabilityChanged();
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
    if (event instanceof IdleStateEvent idle) {
      if (idle.state() == IdleState.READER_IDLE) {
        if (peer != null) {
          peer.heartbeatsMissed++;
        }
        close("nothing came for " + PeerSection.SESSION_TIMEOUT.toSeconds() + " s");
      } else if (idle.state() == IdleState.WRITER_IDLE && phase == Phase.MESSAGES) {
        knownPeer().heartbeatsSent++;
        frame(PeerFrame.CONTROL, PeerFrame.HEARTBEAT, payload.reset());
        flush();
      }
      return;
    }
    ctx.fireUserEventTriggered(event);
  }

  /** Closes the session, logging why once. */
  void close(String why) {
    if (ctx == null) {
      return;
    }
    if (phase != Phase.CLOSED) {
      phase = Phase.CLOSED;
      section.log().info("peers '{}': session with {} closed: {}",
          section.name(), peer == null ? ctx.channel().remoteAddress() : "peer '" + peer.name() + "'", why);
    }
    ctx.close();
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    if (phase != Phase.CLOSED && peer != null) {
      section.log().info("peers '{}': session with peer '{}' ended by the peer", section.name(), peer.name());
    }
    phase = Phase.CLOSED;
    if (batch != null) {
      batch.release();
      batch = null;
    }
    section.sessionClosed(this);
    ctx.fireChannelInactive();
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    if (cause instanceof DecoderException && cause.getCause() instanceof SSLException tls) {
      close("TLS failed: " + tls.getMessage());
      return;
    }
    if (!(cause instanceof IOException)) {
      section.log().error("peers '{}': session failed", section.name(), cause);
    }
    close("socket error: " + cause);
  }
}
