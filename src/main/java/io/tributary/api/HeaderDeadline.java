package io.tributary.api;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.concurrent.ScheduledFuture;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.net.impl.ConnectionBase;
import java.util.concurrent.TimeUnit;

/**
 * Closes a connection whose request headers take longer than {@code limits.header.timeout.ms} to arrive in
 * full, however slowly they trickle in (each byte would reset an idle timer). It sits first in the
 * connection's pipeline, from accept:
 * <ul>
 *   <li>the first header block must be complete within the timeout of the accept: it watches the raw bytes
 *       for the blank line that ends it (the first HTTP/1.1 request's headers, or the HTTP/2 preface
 *       {@code PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n}, after which it leaves an HTTP/2 connection alone);</li>
 *   <li>on HTTP/1.1, the headers of each later request must be complete within the timeout of its first
 *       byte: a byte read between requests (once the previous request was read to its end and its
 *       response ended) starts the clock, and Vert.x handing over the request ({@link #requestStarted})
 *       stops it.</li>
 * </ul>
 * Everything runs on the connection's event loop.
 */
final class HeaderDeadline extends ChannelInboundHandlerAdapter {
  static final String NAME = "tributary-header-deadline";
  private static final int END_OF_HEADERS = 0x0D0A0D0A;
  private static final int HTTP2_PREFACE_START = ('P' << 24) | ('R' << 16) | ('I' << 8) | ' ';

  private enum State { FIRST_HEADERS, IN_REQUEST, BETWEEN_REQUESTS, NEXT_HEADERS }

  private final long timeoutMillis;
  private ChannelHandlerContext context;
  private ScheduledFuture<?> deadline;
  private State state = State.FIRST_HEADERS;
  /** The last four bytes read, most recent in the low byte. */
  private int lastBytes;
  private int firstBytes;
  private int seen;

  HeaderDeadline(long timeoutMillis) {
    this.timeoutMillis = timeoutMillis;
  }

  /** Vert.x has read a request's headers: the clock stops until the response ends. */
  static void requestStarted(HttpServerRequest request) {
    if (request.version() == HttpVersion.HTTP_2 || !(request.connection() instanceof ConnectionBase connection)) return;
    if (!(connection.channel().pipeline().get(NAME) instanceof HeaderDeadline headerDeadline)) return;
    headerDeadline.inRequest();
    // The response's end handler is this class's: nothing else in the API sets it. A request whose body was
    // not read to its end by then leaves the connection to the idle timeout: where the body's tail ends and
    // the next request begins is Vert.x's to know.
    request.response().endHandler(v -> {
      if (request.isEnded()) headerDeadline.betweenRequests();
    });
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    context = ctx;
    if (ctx.channel().isRegistered()) arm();
  }

  @Override
  public void channelRegistered(ChannelHandlerContext ctx) {
    if (deadline == null) arm();
    ctx.fireChannelRegistered();
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (msg instanceof ByteBuf bytes) {
      switch (state) {
        case FIRST_HEADERS -> {
          if (endsHeaderBlock(bytes)) {
            disarm();
            if (firstBytes == HTTP2_PREFACE_START) {
              ctx.pipeline().remove(this);
            } else {
              state = State.IN_REQUEST;
            }
          }
        }
        case BETWEEN_REQUESTS -> {
          if (bytes.isReadable()) {
            state = State.NEXT_HEADERS;
            arm();
          }
        }
        default -> { }
      }
    }
    ctx.fireChannelRead(msg);
  }

  private void inRequest() {
    disarm();
    state = State.IN_REQUEST;
  }

  private void betweenRequests() {
    if (state == State.IN_REQUEST) state = State.BETWEEN_REQUESTS;
  }

  private boolean endsHeaderBlock(ByteBuf bytes) {
    for (int i = bytes.readerIndex(), end = bytes.writerIndex(); i < end; i++) {
      int b = bytes.getByte(i) & 0xFF;
      if (seen++ < 4) firstBytes = (firstBytes << 8) | b;
      lastBytes = (lastBytes << 8) | b;
      if (lastBytes == END_OF_HEADERS) return true;
    }
    return false;
  }

  private void arm() {
    disarm();
    ChannelHandlerContext ctx = context;
    deadline = ctx.executor().schedule(() -> ctx.channel().close(), timeoutMillis, TimeUnit.MILLISECONDS);
  }

  private void disarm() {
    if (deadline != null) deadline.cancel(false);
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    disarm();
    ctx.fireChannelInactive();
  }
}
