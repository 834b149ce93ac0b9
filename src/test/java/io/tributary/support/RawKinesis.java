package io.tributary.support;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.cbor.CBORFactory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

/**
 * Kinesis calls written by hand and sent with java.net.http, for the operations and members the AWS SDK
 * for Java in this build does not know. The request is a JSON tree, sent as JSON or as CBOR (blobs as
 * byte strings, as the SDKs send them); the answer is read back into a tree.
 */
public final class RawKinesis {
  private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  /** The two wire formats, each with the mapper that writes and reads it. */
  public enum Format {
    JSON("application/x-amz-json-1.1", new ObjectMapper()),
    CBOR("application/x-amz-cbor-1.1", new ObjectMapper(new CBORFactory()));

    final String contentType;
    final ObjectMapper mapper;

    Format(String contentType, ObjectMapper mapper) {
      this.contentType = contentType;
      this.mapper = mapper;
    }
  }

  /** One answer: its HTTP status and body. */
  public record Reply(int status, JsonNode body) {
    public String errorType() { return body.path("__type").asText(null); }

    public String message() { return body.path("message").asText(null); }
  }

  private final URI endpoint;
  private final Format format;
  private final String region;

  public RawKinesis(URI endpoint, Format format) {
    this(endpoint, format, "us-east-1");
  }

  private RawKinesis(URI endpoint, Format format, String region) {
    this.endpoint = endpoint;
    this.format = format;
    this.region = region;
  }

  /** The same client acting in another region, as named by the credential scope of its signature. */
  public RawKinesis inRegion(String otherRegion) {
    return new RawKinesis(endpoint, format, otherRegion);
  }

  public static RawKinesis shared(Format format) {
    return new RawKinesis(TestServer.shared().endpoint(), format);
  }

  public Format format() { return format; }

  public static ObjectNode object() {
    return JsonNodeFactory.instance.objectNode();
  }

  /** Puts a timestamp as this format carries it: epoch seconds in JSON, epoch milliseconds in CBOR. */
  public ObjectNode timestamp(ObjectNode node, String name, long epochMillis) {
    if (format == Format.CBOR) return node.put(name, epochMillis);
    return node.put(name, BigDecimal.valueOf(epochMillis, 3));
  }

  /** A timestamp of an answer, in epoch milliseconds. */
  public long millis(JsonNode timestamp) {
    return format == Format.CBOR ? timestamp.asLong() : timestamp.decimalValue().movePointRight(3).longValue();
  }

  public Reply call(String operation, ObjectNode request) {
    try {
      HttpRequest http = HttpRequest.newBuilder(endpoint.resolve("/"))
          .header("Content-Type", format.contentType)
          .header("X-Amz-Target", "Kinesis_20131202." + operation)
          .header("X-Amz-Date", "20260101T000000Z")
          .header("Authorization", "AWS4-HMAC-SHA256 Credential=AKIDTEST/20260101/" + region
              + "/kinesis/aws4_request, SignedHeaders=host;x-amz-date, Signature=abcd")
          .POST(HttpRequest.BodyPublishers.ofByteArray(format.mapper.writeValueAsBytes(request)))
          .build();
      HttpResponse<byte[]> response = HTTP.send(http, HttpResponse.BodyHandlers.ofByteArray());
      assertEquals(format.contentType, response.headers().firstValue("Content-Type").orElse(null), "answered in kind");
      return new Reply(response.statusCode(), format.mapper.readTree(response.body()));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** Calls an operation that must succeed, and returns its answer. */
  public JsonNode ok(String operation, ObjectNode request) {
    Reply reply = call(operation, request);
    assertEquals(200, reply.status(), () -> operation + " answered " + reply.body());
    return reply.body();
  }

  /** Asserts the call fails with exactly this error type and message, as a client error (HTTP 400). */
  public void assertError(String type, String message, String operation, ObjectNode request) {
    Reply reply = call(operation, request);
    assertEquals(400, reply.status(), () -> operation + " answered " + reply.body());
    assertEquals(type, reply.errorType(), "error type");
    assertEquals(message, reply.message(), "message");
  }
}
