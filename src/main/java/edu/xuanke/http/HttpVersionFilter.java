package edu.xuanke.http;

import edu.xuanke.core.ErrorCode;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.ReferenceCountUtil;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.net.impl.ConnectionBase;

/**
 * Answers a request head naming an HTTP version other than 1.0 and 1.1 (e.g. {@code HTTP/1.7})
 * with 505 in the error format. Vert.x checks the version before any request handler and answers
 * such a head with a bare 501, so the check sits in the connection's Netty pipeline, in front of
 * Vert.x's handler; the response still goes through the HTTP encoder.
 */
final class HttpVersionFilter extends ChannelInboundHandlerAdapter {

  /** The name of Vert.x's own connection handler in an HTTP/1.x server pipeline. */
  private static final String VERTX_HANDLER = "handler";

  private boolean refused;

  static void install(HttpConnection connection) {
    if (connection instanceof ConnectionBase base && base.channel().pipeline().get(VERTX_HANDLER) != null) {
      base.channel().pipeline().addBefore(VERTX_HANDLER, "xuanke-http-version", new HttpVersionFilter());
    }
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object message) {
    if (refused) {
      // What follows the refused head (its body, pipelined requests) is dropped with the connection.
      ReferenceCountUtil.release(message);
      return;
    }
    if (message instanceof HttpRequest request && !supported(request.protocolVersion())) {
      refused = true;
      ReferenceCountUtil.release(message);
      boolean english = ApiErrors.prefersEnglish(request.headers().get(HttpHeaderNames.ACCEPT_LANGUAGE));
      Buffer body = ApiErrors.plainBody(ErrorCode.HTTP_VERSION_NOT_SUPPORTED, english);
      FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1,
        HttpResponseStatus.HTTP_VERSION_NOT_SUPPORTED, Unpooled.wrappedBuffer(body.getBytes()));
      response.headers()
        .set(HttpHeaderNames.CONTENT_TYPE, "application/json; charset=utf-8")
        .set(HttpHeaderNames.CONTENT_LENGTH, body.length())
        .set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
      ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
      return;
    }
    ctx.fireChannelRead(message);
  }

  private static boolean supported(HttpVersion version) {
    return version == HttpVersion.HTTP_1_1 || version == HttpVersion.HTTP_1_0;
  }
}
