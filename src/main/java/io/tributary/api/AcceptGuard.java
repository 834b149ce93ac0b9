package io.tributary.api;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import java.net.InetAddress;
import java.net.InetSocketAddress;

/**
 * Sits in a listening socket's pipeline, ahead of the handler that hands accepted connections to Vert.x,
 * so it sees every connection at accept, before a byte of it is read: it refuses (closes at once) a
 * connection over the {@link ConnectionCounts} limits, counts the others until they close, and gives each a
 * {@link HeaderDeadline}. Which of the two a listener gets is up to {@link ApiListeners}.
 */
@ChannelHandler.Sharable
final class AcceptGuard extends ChannelInboundHandlerAdapter {
  private final ConnectionCounts counts;
  private final long headerTimeoutMillis;

  /**
   * @param counts where connections are counted and limited; null: not counted here
   * @param headerTimeoutMillis the header deadline; 0: none
   */
  AcceptGuard(ConnectionCounts counts, long headerTimeoutMillis) {
    this.counts = counts;
    this.headerTimeoutMillis = headerTimeoutMillis;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (msg instanceof Channel connection) {
      if (counts != null) {
        InetAddress address = connection.remoteAddress() instanceof InetSocketAddress inet ? inet.getAddress() : null;
        if (address != null) {
          if (!counts.admit(address)) {
            connection.unsafe().closeForcibly();
            return;
          }
          connection.closeFuture().addListener(closed -> counts.closed(address));
        }
      }
      if (headerTimeoutMillis > 0) connection.pipeline().addFirst(HeaderDeadline.NAME, new HeaderDeadline(headerTimeoutMillis));
    }
    ctx.fireChannelRead(msg);
  }
}
