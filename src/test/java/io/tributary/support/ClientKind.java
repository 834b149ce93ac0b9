package io.tributary.support;

import software.amazon.awssdk.http.Protocol;

/**
 * The ways the AWS SDK for Java v2 reaches Kinesis: the sync client (Apache, HTTP/1.1) and the async
 * client (Netty, HTTP/2 cleartext with prior knowledge, or HTTP/1.1), each with CBOR (the SDK's default)
 * and with CBOR turned off (JSON).
 */
public enum ClientKind {
  SYNC_CBOR_HTTP1(false, true, Protocol.HTTP1_1),
  SYNC_JSON_HTTP1(false, false, Protocol.HTTP1_1),
  ASYNC_CBOR_H2C(true, true, Protocol.HTTP2),
  ASYNC_JSON_H2C(true, false, Protocol.HTTP2),
  ASYNC_CBOR_HTTP1(true, true, Protocol.HTTP1_1);

  final boolean async;
  final boolean cbor;
  final Protocol protocol;

  ClientKind(boolean async, boolean cbor, Protocol protocol) {
    this.async = async;
    this.cbor = cbor;
    this.protocol = protocol;
  }

  public String expectedContentType() {
    return cbor ? "application/x-amz-cbor-1.1" : "application/x-amz-json-1.1";
  }
}
