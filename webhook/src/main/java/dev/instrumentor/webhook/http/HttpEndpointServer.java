package dev.instrumentor.webhook.http;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpServerExpectContinueHandler;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A small HTTP(S) server on Netty for the operator's endpoints (admission, health, metrics): every
 * connection is non-blocking, so no client — however slow, idle or hostile — holds a thread. Limits:
 * TLS handshakes must finish within {@link Limits#handshakeTimeout}, a request (head and body) within
 * {@link Limits#requestTimeout} of its first byte, an idle keep-alive connection is closed after
 * {@link Limits#idleTimeout}, at most {@link Limits#maxConnections} connections are open at once, and a
 * body is kept up to {@link Limits#maxBodyBytes} (the rest is read and dropped, and the handler told).
 * Handlers run on the connection's event loop: they must not block (admission and health do not).
 */
public final class HttpEndpointServer implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(HttpEndpointServer.class);

  /**
   * A request as the handler sees it: the body's first {@code length} bytes are meaningful; {@code query} is the
   * raw query string (after {@code ?}), empty when there is none.
   */
  public record Request(String method, String path, String contentType, byte[] body, int length, boolean truncated,
      String query) {
  }

  /** An answer; {@code headers} are extra ones (e.g. {@code Allow}). */
  public record Response(int status, String contentType, byte[] body, Map<String, String> headers) {

    public static Response text(int status, String text) {
      return new Response(status, "text/plain; charset=utf-8", text.getBytes(StandardCharsets.UTF_8), Map.of());
    }
  }

  /**
   * The answer to a request that would go over the bytes in flight: 503 with {@code Retry-After: 1}, which the API
   * server's client (client-go) takes as an invitation to call again, up to 10 times within the webhook's timeout,
   * where a bare 503 or a closed connection fails the call (and {@code failurePolicy: Ignore} admits the pod as is).
   */
  static final Response BUSY = new Response(503, "text/plain; charset=utf-8",
      "busy: too many large requests at once".getBytes(StandardCharsets.UTF_8),
      Map.of(HttpHeaderNames.RETRY_AFTER.toString(), "1"));

  /** What the server does with a complete request. */
  @FunctionalInterface
  public interface Handler {
    Response handle(Request request);
  }

  /**
   * @param maxBodyBytes      bytes of a body kept; beyond, the request is marked truncated
   * @param maxBufferedBytes  bytes of bodies held at once, all connections together: a request that
   *                          would go over is answered 503 at once (memory stays bounded whatever
   *                          arrives; the API server's failurePolicy decides about the pod)
   * @param maxConnections    connections open at once; more are closed as they arrive
   * @param handshakeTimeout  a TLS handshake that takes longer is abandoned
   * @param requestTimeout    from a request's first byte to its last
   * @param idleTimeout       a connection without traffic for this long is closed
   */
  public record Limits(int maxBodyBytes, long maxBufferedBytes, int maxConnections, Duration handshakeTimeout,
      Duration requestTimeout, Duration idleTimeout) {

    public Limits {
      if (maxBodyBytes < 1 || maxConnections < 1 || maxBufferedBytes < maxBodyBytes) {
        throw new IllegalArgumentException("limits must be positive");
      }
      Objects.requireNonNull(handshakeTimeout);
      Objects.requireNonNull(requestTimeout);
      Objects.requireNonNull(idleTimeout);
    }
  }

  private final String name;
  private final InetSocketAddress address;
  private final SslContext ssl;
  private final Limits limits;
  private final Handler handler;
  private final EventLoopGroup acceptors;
  private final EventLoopGroup workers;
  private final AtomicInteger open = new AtomicInteger();
  private final AtomicLong buffered = new AtomicLong();
  private Channel channel;

  /**
   * @param name    for thread names and logs
   * @param ssl     TLS for every connection, or null for plain HTTP
   * @param threads event loops serving connections
   */
  public HttpEndpointServer(String name, InetSocketAddress address, SslContext ssl, Limits limits, int threads,
      Handler handler) {
    this.name = name;
    this.address = address;
    this.ssl = ssl;
    this.limits = limits;
    this.handler = handler;
    ThreadFactory acceptorThreads = runnable -> daemon(runnable, name + "-accept");
    this.acceptors = new MultiThreadIoEventLoopGroup(1, acceptorThreads, NioIoHandler.newFactory());
    AtomicInteger thread = new AtomicInteger();
    ThreadFactory workerThreads = runnable -> daemon(runnable, name + "-" + thread.incrementAndGet());
    this.workers = new MultiThreadIoEventLoopGroup(threads, workerThreads, NioIoHandler.newFactory());
  }

  private static Thread daemon(Runnable runnable, String name) {
    Thread thread = new Thread(runnable, name);
    thread.setDaemon(true);
    return thread;
  }

  public HttpEndpointServer start() {
    ServerBootstrap bootstrap = new ServerBootstrap().group(acceptors, workers)
        .channel(NioServerSocketChannel.class)
        .option(ChannelOption.SO_BACKLOG, 256)
        .childOption(ChannelOption.TCP_NODELAY, true)
        .childHandler(new ChannelInitializer<SocketChannel>() {
          @Override
          protected void initChannel(SocketChannel connection) {
            if (open.incrementAndGet() > limits.maxConnections()) {
              open.decrementAndGet();
              connection.close();
              return;
            }
            connection.closeFuture().addListener(closed -> open.decrementAndGet());
            ChannelPipeline pipeline = connection.pipeline();
            if (ssl != null) {
              SslHandler tls = ssl.newHandler(connection.alloc());
              tls.setHandshakeTimeoutMillis(limits.handshakeTimeout().toMillis());
              pipeline.addLast(tls);
            }
            pipeline.addLast(new IdleStateHandler(0, 0, limits.idleTimeout().toMillis(), TimeUnit.MILLISECONDS));
            pipeline.addLast(new HttpServerCodec(4096, 16 * 1024, 64 * 1024));
            pipeline.addLast(new HttpServerExpectContinueHandler());
            pipeline.addLast(new Exchange());
          }
        });
    try {
      channel = bootstrap.bind(address).sync().channel();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while binding " + address, e);
    }
    return this;
  }

  /** The bound port (useful with port 0). */
  public int port() {
    return ((InetSocketAddress) channel.localAddress()).getPort();
  }

  /** Whether it listens. */
  public boolean listening() {
    return channel != null && channel.isActive();
  }

  /** Bytes of request bodies held now. */
  public long bufferedBytes() {
    return buffered.get();
  }

  /** Connections open now. */
  public int openConnections() {
    return open.get();
  }

  /** Stops accepting, lets in-flight requests finish for up to {@code grace}. */
  public void stop(Duration grace) {
    if (channel != null) {
      channel.close().awaitUninterruptibly();
    }
    long quiet = Math.min(grace.toMillis(), 100);
    acceptors.shutdownGracefully(0, grace.toMillis(), TimeUnit.MILLISECONDS);
    workers.shutdownGracefully(quiet, Math.max(quiet, grace.toMillis()), TimeUnit.MILLISECONDS).awaitUninterruptibly();
  }

  @Override
  public void close() {
    stop(Duration.ZERO);
  }

  /** One connection's requests, one at a time: head, body (bounded), answer. */
  private final class Exchange extends ChannelInboundHandlerAdapter {
    private HttpRequest request;
    private long reserved;
    private byte[] body;
    private int length;
    private boolean truncated;
    private ScheduledFuture<?> deadline;

    @Override
    public void channelRead(ChannelHandlerContext context, Object message) {
      try {
        if (message instanceof HttpRequest head) {
          begin(context, head);
        }
        if (message instanceof HttpContent content && request != null) {
          append(content.content());
          if (content instanceof LastHttpContent) {
            finish(context);
          }
        }
      } finally {
        ReferenceCountUtil.release(message);
      }
    }

    private void begin(ChannelHandlerContext context, HttpRequest head) {
      if (head.decoderResult().isFailure()) {
        respond(context, Response.text(400, "bad request"), false);
        return;
      }
      long declared = HttpUtil.getContentLength(head, -1L);
      long reservation = declared >= 0 ? Math.min(declared, limits.maxBodyBytes()) : limits.maxBodyBytes();
      if (buffered.addAndGet(reservation) > limits.maxBufferedBytes()) {
        buffered.addAndGet(-reservation);
        LOG.warn("{}: {} bytes of request bodies in flight already; refusing one of {} bytes", name,
            buffered.get(), reservation);
        respond(context, BUSY, false);
        return;
      }
      reserved = reservation;
      request = head;
      int initial = (int) Math.min(declared > 0 ? declared : 16 * 1024, Math.min(limits.maxBodyBytes(), 1 << 20));
      body = new byte[Math.max(initial, 1)];
      length = 0;
      truncated = false;
      deadline = context.executor().schedule(() -> {
        LOG.debug("{}: request not complete within {}; closing the connection", name, limits.requestTimeout());
        context.close();
      }, limits.requestTimeout().toMillis(), TimeUnit.MILLISECONDS);
    }

    private void append(ByteBuf content) {
      int readable = content.readableBytes();
      int room = (int) Math.min(limits.maxBodyBytes(), reserved) - length; // a body longer than announced is cut
      if (readable > room) {
        truncated = true;
        readable = Math.max(room, 0);
      }
      if (readable == 0) {
        return;
      }
      if (length + readable > body.length) {
        body = Arrays.copyOf(body, Math.min(limits.maxBodyBytes(), Math.max(body.length * 2, length + readable)));
      }
      content.getBytes(content.readerIndex(), body, length, readable);
      length += readable;
    }

    private void release() {
      buffered.addAndGet(-reserved);
      reserved = 0;
    }

    private void finish(ChannelHandlerContext context) {
      deadline.cancel(false);
      HttpRequest head = request;
      request = null;
      boolean keepAlive = HttpUtil.isKeepAlive(head);
      String path = head.uri();
      int query = path.indexOf('?');
      Response response;
      try {
        response = handler.handle(new Request(head.method().name(), query < 0 ? path : path.substring(0, query),
            head.headers().get(HttpHeaderNames.CONTENT_TYPE), body, length, truncated,
            query < 0 ? "" : path.substring(query + 1)));
      } catch (RuntimeException e) {
        LOG.error("{}: handler failed", name, e);
        response = Response.text(500, "internal error");
      }
      body = null;
      release();
      respond(context, response, keepAlive);
    }

    private void respond(ChannelHandlerContext context, Response response, boolean keepAlive) {
      FullHttpResponse answer = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1,
          HttpResponseStatus.valueOf(response.status()), Unpooled.wrappedBuffer(response.body()));
      answer.headers().set(HttpHeaderNames.CONTENT_TYPE, response.contentType());
      answer.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, response.body().length);
      response.headers().forEach(answer.headers()::set);
      if (keepAlive) {
        answer.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
        context.writeAndFlush(answer);
      } else {
        answer.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        context.writeAndFlush(answer).addListener(ChannelFutureListener.CLOSE);
      }
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext context, Object event) throws Exception {
      if (event instanceof IdleStateEvent) {
        context.close();
        return;
      }
      super.userEventTriggered(context, event);
    }

    @Override
    public void channelInactive(ChannelHandlerContext context) throws Exception {
      if (deadline != null) {
        deadline.cancel(false);
      }
      release();
      super.channelInactive(context);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext context, Throwable cause) {
      LOG.debug("{}: connection closed after {}", name, cause.toString());
      context.close();
    }
  }
}
