package io.tributary.bench;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.dataformat.cbor.CBORFactory;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * The Kinesis API as the benchmark speaks it: request bodies encoded the way the AWS SDKs send them (CBOR
 * with blobs as byte strings, as the Java SDK does by default; or JSON 1.1 with blobs as base64 text, as
 * the CLI, boto3 and the other SDKs do), one POST per call, and just enough response decoding to check
 * results and follow iterators. The format is chosen once per process ({@link #useFormat}), before any call.
 */
final class KinesisWire {
  static final String CBOR = "application/x-amz-cbor-1.1";
  static final String JSON = "application/x-amz-json-1.1";
  private static final JsonFactory CBOR_FACTORY = new CBORFactory();
  private static final JsonFactory JSON_FACTORY = new JsonFactory();
  private static JsonFactory factory = CBOR_FACTORY;
  private static String contentType = CBOR;
  private static final char[] KEY_CHARS = "0123456789abcdefghijklmnopqrstuvwxyz".toCharArray();

  enum Op {
    CreateStream, DescribeStreamSummary, ListShards, PutRecords, PutRecord, GetShardIterator, GetRecords
  }

  /** Speaks {@code json} or {@code cbor} from now on; call before building any body or {@link Api}. */
  static void useFormat(String format) {
    switch (format) {
      case "cbor" -> {
        factory = CBOR_FACTORY;
        contentType = CBOR;
      }
      case "json" -> {
        factory = JSON_FACTORY;
        contentType = JSON;
      }
      default -> throw new IllegalArgumentException("format: json or cbor");
    }
  }

  static String contentType() {
    return contentType;
  }

  /** What one call returned: the HTTP status and the body. */
  record Reply(int status, Buffer body) {
    boolean ok() {
      return status == 200;
    }

    /** "status __type" of an error answer, for the error table. */
    String error() {
      String type = null;
      try (JsonParser parser = parser(body)) {
        if (parser.nextToken() == JsonToken.START_OBJECT) {
          while (parser.nextToken() == JsonToken.FIELD_NAME) {
            String name = parser.currentName();
            parser.nextToken();
            if ("__type".equals(name)) type = parser.getText(); else parser.skipChildren();
          }
        }
      } catch (IOException | RuntimeException e) {
        // not in the format (e.g. an XML or empty answer): the status alone says it
      }
      return "HTTP " + status + (type == null ? "" : " " + type);
    }
  }

  /** Sends calls to one server through one HTTP client. Header maps and request options are built once. */
  static final class Api {
    private final HttpClient client;
    private final Map<Op, RequestOptions> options = new EnumMap<>(Op.class);

    Api(HttpClient client, String host, int port) {
      this.client = client;
      for (Op op : Op.values()) {
        MultiMap headers = HttpHeaders.headers()
            .add(HttpHeaders.createOptimized("Content-Type"), HttpHeaders.createOptimized(contentType))
            .add(HttpHeaders.createOptimized("X-Amz-Target"), HttpHeaders.createOptimized("Kinesis_20131202." + op.name()))
            .add(HttpHeaders.createOptimized("X-Amz-Date"), HttpHeaders.createOptimized("20260101T000000Z"))
            .add(HttpHeaders.createOptimized("Authorization"), HttpHeaders.createOptimized(
                "AWS4-HMAC-SHA256 Credential=AKID/20260101/us-east-1/kinesis/aws4_request, "
                    + "SignedHeaders=host;x-amz-date, Signature=00"));
        options.put(op, new RequestOptions().setMethod(HttpMethod.POST).setHost(host).setPort(port).setURI("/")
            .setHeaders(headers));
      }
    }

    Future<Reply> call(Op op, Buffer body) {
      return client.request(options.get(op))
          .compose(request -> request.send(body))
          .compose(response -> response.body().map(bytes -> new Reply(response.statusCode(), bytes)));
    }
  }

  // ---- requests ----------------------------------------------------------------------------------

  interface Body {
    void write(JsonGenerator generator) throws IOException;
  }

  static Buffer encode(Body body) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(256);
    try (JsonGenerator generator = factory.createGenerator(out)) {
      generator.writeStartObject();
      body.write(generator);
      generator.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return Buffer.buffer(out.toByteArray());
  }

  static Buffer createStream(String stream, int shards) {
    return encode(g -> {
      g.writeStringField("StreamName", stream);
      g.writeNumberField("ShardCount", shards);
    });
  }

  static Buffer streamName(String stream) {
    return encode(g -> g.writeStringField("StreamName", stream));
  }

  static Buffer putRecords(String stream, int records, int dataBytes, SplittableRandom random) {
    return putRecords(stream, records, RecordSizes.of(dataBytes), random);
  }

  /** PutRecords of {@code records} records, each of a size drawn from {@code sizes}, random partition keys. */
  static Buffer putRecords(String stream, int records, RecordSizes sizes, SplittableRandom random) {
    return encode(g -> {
      g.writeFieldName("Records");
      g.writeStartArray();
      for (int i = 0; i < records; i++) {
        g.writeStartObject();
        g.writeFieldName("Data");
        g.writeBinary(randomBytes(sizes.next(random), random));
        g.writeStringField("PartitionKey", randomKey(random));
        g.writeEndObject();
      }
      g.writeEndArray();
      g.writeStringField("StreamName", stream);
    });
  }

  static Buffer putRecord(String stream, int dataBytes, SplittableRandom random) {
    return encode(g -> {
      g.writeFieldName("Data");
      g.writeBinary(randomBytes(dataBytes, random));
      g.writeStringField("PartitionKey", randomKey(random));
      g.writeStringField("StreamName", stream);
    });
  }

  static Buffer getShardIterator(String stream, String shardId) {
    return getShardIterator(stream, shardId, "TRIM_HORIZON");
  }

  static Buffer getShardIterator(String stream, String shardId, String type) {
    return encode(g -> {
      g.writeStringField("ShardId", shardId);
      g.writeStringField("ShardIteratorType", type);
      g.writeStringField("StreamName", stream);
    });
  }

  static Buffer getRecords(String iterator, int limit) {
    return encode(g -> {
      g.writeNumberField("Limit", limit);
      g.writeStringField("ShardIterator", iterator);
    });
  }

  /** A random partition key of 16 characters (base 36), so records spread over every shard. */
  static String randomKey(SplittableRandom random) {
    char[] key = new char[16];
    for (int i = 0; i < key.length; i++) key[i] = KEY_CHARS[random.nextInt(KEY_CHARS.length)];
    return new String(key);
  }

  private static byte[] randomBytes(int n, SplittableRandom random) {
    byte[] bytes = new byte[n];
    for (int i = 0; i < n; i++) bytes[i] = (byte) random.nextInt(256);
    return bytes;
  }

  // ---- responses ---------------------------------------------------------------------------------

  static JsonParser parser(Buffer body) throws IOException {
    return factory.createParser(body.getBytes());
  }

  /** A top-level string member of a response, or null. */
  static String stringMember(Buffer body, String member) {
    try (JsonParser parser = parser(body)) {
      if (parser.nextToken() != JsonToken.START_OBJECT) return null;
      while (parser.nextToken() == JsonToken.FIELD_NAME) {
        String name = parser.currentName();
        parser.nextToken();
        if (member.equals(name)) return parser.getText();
        parser.skipChildren();
      }
      return null;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** StreamDescriptionSummary.StreamStatus of a DescribeStreamSummary answer. */
  static String streamStatus(Buffer body) {
    try (JsonParser parser = parser(body)) {
      JsonToken token;
      while ((token = parser.nextToken()) != null) {
        if (token == JsonToken.FIELD_NAME && "StreamStatus".equals(parser.currentName())) {
          parser.nextToken();
          return parser.getText();
        }
      }
      return null;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The ShardIds of a ListShards answer. */
  static List<String> shardIds(Buffer body) {
    List<String> ids = new ArrayList<>();
    try (JsonParser parser = parser(body)) {
      JsonToken token;
      while ((token = parser.nextToken()) != null) {
        if (token == JsonToken.FIELD_NAME && "ShardId".equals(parser.currentName())) {
          parser.nextToken();
          ids.add(parser.getText());
        }
      }
      return ids;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * FailedRecordCount of a PutRecords answer (the server writes it first, so the scan usually stops at
   * once), or -1 when the answer has none.
   */
  static int failedRecordCount(Buffer body) {
    try (JsonParser parser = parser(body)) {
      if (parser.nextToken() != JsonToken.START_OBJECT) return -1;
      while (parser.nextToken() == JsonToken.FIELD_NAME) {
        String name = parser.currentName();
        parser.nextToken();
        if ("FailedRecordCount".equals(name)) return parser.getIntValue();
        parser.skipChildren();
      }
      return -1;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** What GetRecords returned, as far as draining needs it. */
  record Page(int records, String nextIterator, long millisBehind) { }

  /** Counts the records of a GetRecords answer without materialising them; byte strings are skipped unread. */
  static Page page(Buffer body) {
    int records = 0;
    String next = null;
    long behind = -1;
    try (JsonParser parser = parser(body)) {
      if (parser.nextToken() != JsonToken.START_OBJECT) throw new IOException("not an object");
      while (parser.nextToken() == JsonToken.FIELD_NAME) {
        String name = parser.currentName();
        JsonToken value = parser.nextToken();
        switch (name) {
          case "Records" -> {
            if (value != JsonToken.START_ARRAY) throw new IOException("Records is not an array");
            while (parser.nextToken() == JsonToken.START_OBJECT) {
              records++;
              parser.skipChildren();
            }
          }
          case "NextShardIterator" -> next = parser.getText();
          case "MillisBehindLatest" -> behind = parser.getLongValue();
          default -> parser.skipChildren();
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return new Page(records, next, behind);
  }

  private KinesisWire() { }
}
