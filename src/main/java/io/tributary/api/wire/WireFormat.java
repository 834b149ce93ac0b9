package io.tributary.api.wire;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.cbor.CBORFactory;

/**
 * The two encodings of the Kinesis API. Both carry the same document model; they differ in how blobs and
 * timestamps travel: JSON sends blobs as base64 text and timestamps as epoch seconds with a fraction,
 * CBOR sends blobs as byte strings and timestamps as tag 1 followed by epoch <em>milliseconds</em>
 * (what the AWS SDKs send and expect, although RFC 8949 says seconds).
 */
public enum WireFormat {
  JSON("application/x-amz-json-1.1", new JsonFactory()),
  CBOR("application/x-amz-cbor-1.1", new CBORFactory());

  private final String contentType;
  private final ObjectMapper mapper;

  WireFormat(String contentType, JsonFactory factory) {
    this.contentType = contentType;
    // Record data may reach 10 MiB, which as base64 text is longer than Jackson's default string limit.
    factory.setStreamReadConstraints(StreamReadConstraints.builder().maxStringLength(64 * 1024 * 1024).build());
    this.mapper = new ObjectMapper(factory);
  }

  public String contentType() { return contentType; }

  public ObjectMapper mapper() { return mapper; }

  public JsonFactory factory() { return mapper.getFactory(); }

  /** The format of a request's Content-Type (parameters after ';' ignored), or null for any other type. */
  public static WireFormat ofContentType(String contentType) {
    if (contentType == null) return null;
    String bare = mediaType(contentType);
    for (WireFormat format : values()) {
      if (format.contentType.equals(bare)) return format;
    }
    return null;
  }

  public static String mediaType(String contentType) {
    int semicolon = contentType.indexOf(';');
    return (semicolon < 0 ? contentType : contentType.substring(0, semicolon)).trim();
  }
}
