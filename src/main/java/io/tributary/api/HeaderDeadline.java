package io.tributary.api;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Closes a connection whose first header block has not fully arrived within {@code limits.header.timeout.ms}
 * of its accept, however slowly its bytes trickle in (each of which would reset an idle timer). It sits
 * first in the connection's pipeline and watches the raw bytes for the blank line that ends a header block:
 * the first HTTP/1.1 request's headers, or the HTTP/2 preface {@code PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n}.
 * Once seen, it takes itself out of the pipeline.
 */
final class HeaderDeadline extends ChannelInboundHandlerAdapter {
  static final String NAME = "tributary-header-deadline";
  private final long timeoutMillis;
  private ScheduledFuture<?> deadline;
  /** The last bytes read, most recent in the low byte: the end of a header block is 0x0D0A0D0A. */
  private int lastBytes;

  HeaderDeadline(long timeoutMillis) {
    this.timeoutMillis = timeoutMillis;
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    if (ctx.channel().isRegistered()) start(ctx);
  }

  @Override
  public void channelRegistered(ChannelHandlerContext ctx) {
    start(ctx);
    ctx.fireChannelRegistered();
  }

  private void start(ChannelHandlerContext ctx) {
    if (deadline != null) return;
    deadline = ctx.executor().schedule(() -> ctx.channel().close(), timeoutMillis, TimeUnit.MILLISECONDS);
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (msg instanceof ByteBuf bytes && endsHeaderBlock(bytes)) {
      if (deadline != null) deadline.cancel(false);
      ctx.pipeline().remove(this);
    }
    ctx.fireChannelRead(msg);
  }

  private boolean endsHeaderBlock(ByteBuf bytes) {
    for (int i = bytes.readerIndex(), end = bytes.writerIndex(); i < end; i++) {
      lastBytes = (lastBytes << 8) | (bytes.getByte(i) & 0xFF);
      if (lastBytes == 0x0D0A0D0A) return true;
    }
    return false;
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    if (deadline != null) deadline.cancel(false);
    ctx.fireChannelInactive();
  }
}
