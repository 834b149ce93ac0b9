package io.tributary.api;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFactory;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.ServerChannel;
import io.netty.channel.socket.DatagramChannel;
import io.netty.channel.socket.InternetProtocolFamily;
import io.tributary.config.Settings;
import io.vertx.core.datagram.DatagramSocketOptions;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.net.ClientOptionsBase;
import io.vertx.core.net.NetServerOptions;
import io.vertx.core.net.SocketAddress;
import io.vertx.core.transport.Transport;
import java.util.concurrent.ThreadFactory;

/**
 * The Vert.x transport of the server: Vert.x's NIO transport, except that the listening sockets of the API
 * get an {@link AcceptGuard}, the one place where Vert.x lets code see a connection at accept (its
 * {@code HttpServer} shows an HTTP/1.1 connection only once its first request's headers are complete).
 * Listeners are told apart by their options, as Vert.x hands them to the transport when it binds:
 * <ul>
 *   <li>the plain port ({@code port}): counted, with a header deadline;</li>
 *   <li>the TLS port ({@code tls.port}, TLS): counted (its handshake has a deadline of its own,
 *       {@code limits.tls.handshake.timeout.ms});</li>
 *   <li>the TLS relay's back ends (HTTP on 127.0.0.1, port 0): a header deadline only, since each of their
 *       connections is a TLS connection already counted.</li>
 * </ul>
 */
public final class ApiListeners implements Transport {
  static final String LOOPBACK = "127.0.0.1";
  private final Transport nio = Transport.NIO;
  private final int plainPort;
  private final int tlsPort;
  private final AcceptGuard plain;
  private final AcceptGuard tls;
  private final AcceptGuard relayed;

  public ApiListeners(Settings settings, ConnectionCounts counts) {
    this.plainPort = settings.integer("port");
    this.tlsPort = settings.integer("tls.port");
    long headerTimeout = settings.longValue("limits.header.timeout.ms");
    this.plain = new AcceptGuard(counts, headerTimeout);
    this.tls = new AcceptGuard(counts, 0);
    this.relayed = new AcceptGuard(null, headerTimeout);
  }

  private AcceptGuard guardOf(NetServerOptions options) {
    if (options.isSsl()) return options.getPort() == tlsPort ? tls : null;
    if (!(options instanceof HttpServerOptions)) return null;
    if (options.getPort() == plainPort && plainPort != 0) return plain;
    if (options.getPort() == 0 && LOOPBACK.equals(options.getHost())) return relayed;
    return null;
  }

  @Override
  public String name() {
    return nio.name();
  }

  @Override
  public boolean available() {
    return nio.available();
  }

  @Override
  public Throwable unavailabilityCause() {
    return nio.unavailabilityCause();
  }

  @Override
  public io.vertx.core.spi.transport.Transport implementation() {
    io.vertx.core.spi.transport.Transport delegate = nio.implementation();
    return new io.vertx.core.spi.transport.Transport() {
      @Override
      public boolean supportsDomainSockets() { return delegate.supportsDomainSockets(); }

      @Override
      public boolean supportFileRegion() { return delegate.supportFileRegion(); }

      @Override
      public boolean isAvailable() { return delegate.isAvailable(); }

      @Override
      public Throwable unavailabilityCause() { return delegate.unavailabilityCause(); }

      @Override
      public java.net.SocketAddress convert(SocketAddress address) { return delegate.convert(address); }

      @Override
      public SocketAddress convert(java.net.SocketAddress address) { return delegate.convert(address); }

      @Override
      public IoHandlerFactory ioHandlerFactory() { return delegate.ioHandlerFactory(); }

      @Override
      public EventLoopGroup eventLoopGroup(int type, int threads, ThreadFactory factory, int ioRatio) {
        return delegate.eventLoopGroup(type, threads, factory, ioRatio);
      }

      @Override
      public DatagramChannel datagramChannel() { return delegate.datagramChannel(); }

      @Override
      public DatagramChannel datagramChannel(InternetProtocolFamily family) { return delegate.datagramChannel(family); }

      @Override
      public ChannelFactory<? extends Channel> channelFactory(boolean domainSocket) {
        return delegate.channelFactory(domainSocket);
      }

      @Override
      public ChannelFactory<? extends ServerChannel> serverChannelFactory(boolean domainSocket) {
        return delegate.serverChannelFactory(domainSocket);
      }

      @Override
      public void configure(DatagramChannel channel, DatagramSocketOptions options) {
        delegate.configure(channel, options);
      }

      @Override
      public void configure(ClientOptionsBase options, int connectTimeout, boolean domainSocket, Bootstrap bootstrap) {
        delegate.configure(options, connectTimeout, domainSocket, bootstrap);
      }

      @Override
      public void configure(NetServerOptions options, boolean domainSocket, ServerBootstrap bootstrap) {
        delegate.configure(options, domainSocket, bootstrap);
        AcceptGuard guard = domainSocket ? null : guardOf(options);
        if (guard != null) bootstrap.handler(guard);
      }
    };
  }
}
