package io.tributary.api;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.cbor.CBORFactory;
import io.tributary.support.SignedHttp;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Random;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpRequest;

/**
 * Draws malformed, truncated and mutated Kinesis requests from a seeded {@link Random}, for
 * {@link FrontEndFuzzTest}. Every request is built from a real one: an operation's JSON or CBOR body,
 * signed with a configured key (after a body mutation, so the mutation reaches the member decoders), then
 * perhaps changed further in its headers or query (after signing, so the change reaches the SigV4 parser
 * and verifier).
 */
final class RequestFuzzer {
  /** One fuzzed request: what was done (for a failure report), the request, and its body. */
  record Case(String description, SdkHttpRequest request, byte[] body) { }

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final ObjectMapper CBOR = new ObjectMapper(new CBORFactory());
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
  private static final String[] OPERATIONS = {"PutRecord", "PutRecords", "GetRecords", "GetShardIterator",
      "CreateStream", "SubscribeToShard", "ListShards", "DescribeStream", "AddTagsToStream", "SplitShard",
      "RegisterStreamConsumer", "ListStreams", "Frobnicate", ""};
  private static final String[] TOKENS = {"\"", "{", "}", "[", "]", ":", ",", "null", "true", "-0", "1e999",
      "99999999999999999999999", "\\u0000", "\\ud800", "\u00ff", "NaN", "\"\"", "{}", "[]", "%", "%zz", "/", "=", ";"};

  private final Random random;
  private final SignedHttp http;
  private final String iterator;
  private final String accessKey;
  private final String secret;

  RequestFuzzer(Random random, SignedHttp http, String iterator, String accessKey, String secret) {
    this.random = random;
    this.http = http;
    this.iterator = iterator;
    this.accessKey = accessKey;
    this.secret = secret;
  }

  Case next() {
    String operation = OPERATIONS[random.nextInt(OPERATIONS.length)];
    boolean cbor = random.nextBoolean();
    ObjectNode document = document(operation);
    StringBuilder description = new StringBuilder(operation).append(cbor ? " cbor" : " json");
    int kind = random.nextInt(11);
    if (kind == 3 || kind == 4) substitute(document, description);
    byte[] body = encode(document, cbor);
    if (kind < 3) {
      body = mutate(body, description);
    } else if (kind == 5) {
      body = Arrays.copyOf(body, random.nextInt(body.length + 1));
      description.append(" truncated to ").append(body.length);
    } else if (kind == 6) {
      body = eventStreamFrame();
      description.append(" event-stream frame");
    }
    SdkHttpRequest request = http.call(operation, cbor ? SignedHttp.CBOR : SignedHttp.JSON);
    boolean presigned = random.nextInt(8) == 0;
    request = SignedHttp.sign(request, body, accessKey, secret, Clock.systemUTC(),
        presigned ? java.time.Duration.ofMinutes(5) : null);
    if (kind >= 7) request = mutateRequest(request, presigned, description);
    return new Case(description.toString(), request, body);
  }

  /** A real request document of the operation, with a real shard iterator for GetRecords. */
  private ObjectNode document(String operation) {
    ObjectNode document = NODES.objectNode();
    switch (operation) {
      case "PutRecord" -> document.put("StreamName", "fuzzed").put("PartitionKey", "pk").put("Data", data())
          .put("ExplicitHashKey", "123").put("SequenceNumberForOrdering", "49590338271490256608559692538361571095921575989136588898");
      case "PutRecords" -> {
        ArrayNode records = document.put("StreamName", "fuzzed").putArray("Records");
        records.addObject().put("Data", data()).put("PartitionKey", "a");
        records.addObject().put("Data", data()).put("PartitionKey", "b").put("ExplicitHashKey", "42");
      }
      case "GetRecords" -> document.put("ShardIterator", random.nextInt(4) == 0 ? iterator : mutatedIterator()).put("Limit", 10);
      case "GetShardIterator" -> document.put("StreamName", "fuzzed").put("ShardId", "shardId-000000000000")
          .put("ShardIteratorType", "AT_TIMESTAMP").put("Timestamp", 1.7e9);
      case "CreateStream" -> document.put("StreamName", "fuzz-created").put("ShardCount", 1)
          .putObject("StreamModeDetails").put("StreamMode", "PROVISIONED");
      case "SubscribeToShard" -> document.put("ConsumerARN",
              "arn:aws:kinesis:us-east-1:000000000000:stream/fuzzed/consumer/c:1700000000")
          .put("ShardId", "shardId-000000000000").putObject("StartingPosition").put("Type", "AT_SEQUENCE_NUMBER")
          .put("SequenceNumber", "49590338271490256608559692538361571095921575989136588898");
      case "ListShards" -> {
        document.put("StreamName", "fuzzed").put("MaxResults", 5);
        document.putObject("ShardFilter").put("Type", "AT_TIMESTAMP").put("Timestamp", 1.7e9);
      }
      case "AddTagsToStream" -> document.put("StreamName", "fuzzed").putObject("Tags").put("team", "a");
      case "SplitShard" -> document.put("StreamName", "fuzzed").put("ShardToSplit", "shardId-000000000000")
          .put("NewStartingHashKey", "85070591730234615865843651857942052864");
      case "RegisterStreamConsumer" -> document.put("StreamARN", "arn:aws:kinesis:us-east-1:000000000000:stream/fuzzed")
          .put("ConsumerName", "c");
      default -> document.put("StreamName", "fuzzed").put("Limit", 1);
    }
    return document;
  }

  private String data() {
    byte[] bytes = new byte[random.nextInt(16)];
    random.nextBytes(bytes);
    return Base64.getEncoder().encodeToString(bytes);
  }

  /** A real iterator with characters replaced, dropped or added, or cut short. */
  private String mutatedIterator() {
    StringBuilder text = new StringBuilder(iterator);
    int changes = 1 + random.nextInt(3);
    for (int i = 0; i < changes && text.length() > 0; i++) {
      int at = random.nextInt(text.length());
      switch (random.nextInt(4)) {
        case 0 -> text.setCharAt(at, (char) (text.charAt(at) ^ (1 << random.nextInt(7))));
        case 1 -> text.deleteCharAt(at);
        case 2 -> text.insert(at, "AaZz09-_=+/!".charAt(random.nextInt(12)));
        default -> text.setLength(at);
      }
    }
    return text.toString();
  }

  /** Replaces a member (perhaps nested, perhaps a new one) with a value of any type, extremes included. */
  private void substitute(ObjectNode document, StringBuilder description) {
    ObjectNode target = document;
    List<String> names = new ArrayList<>();
    document.fieldNames().forEachRemaining(names::add);
    String name = names.isEmpty() || random.nextInt(6) == 0 ? "Unexpected" : names.get(random.nextInt(names.size()));
    if (target.get(name) != null && target.get(name).isObject() && random.nextBoolean()) {
      target = (ObjectNode) target.get(name);
      List<String> inner = new ArrayList<>();
      target.fieldNames().forEachRemaining(inner::add);
      if (!inner.isEmpty()) name = inner.get(random.nextInt(inner.size()));
    }
    com.fasterxml.jackson.databind.JsonNode value = anyValue(0);
    target.set(name, value);
    description.append(" ").append(name).append("=").append(value);
  }

  private com.fasterxml.jackson.databind.JsonNode anyValue(int depth) {
    switch (random.nextInt(depth < 2 ? 14 : 12)) {
      case 0: return NODES.nullNode();
      case 1: return NODES.booleanNode(random.nextBoolean());
      case 2: return NODES.numberNode(new long[] {0, -1, 1, Integer.MAX_VALUE, Integer.MIN_VALUE, Long.MAX_VALUE,
          Long.MIN_VALUE, 10000, 10001, 500, 501}[random.nextInt(11)]);
      case 3: return NODES.numberNode(new double[] {-0.0, 0.5, 1e300, -1e300, 1.7e9, 1.7e12, 4.9e-324}[random.nextInt(7)]);
      case 4: return NODES.numberNode(new java.math.BigDecimal("1e" + (random.nextInt(2000) - 1000)));
      case 5: return NODES.numberNode(new java.math.BigInteger(1, randomBytes(40)));
      case 6: return NODES.textNode("");
      case 7: return NODES.textNode("x".repeat(random.nextInt(20) == 0 ? 200_000 : 1 + random.nextInt(300)));
      case 8: return NODES.textNode(new String[] {"TRIM_HORIZON", "AT_TIMESTAMP", "LATEST", "AT_SEQUENCE_NUMBER",
          "shardId-000000000001", "shardId-999999999999", "arn:aws:kinesis:us-east-1:000000000000:stream/fuzzed",
          "arn:aws:kinesis:xx:1:stream/", "340282366920938463463374607431768211456", "-1", "00", "\u00e9\u6f22\ud83d\ude00",
          iterator, "aGVsbG8=", "a b", "ON_DEMAND", "KMS", "UNIFORM_SCALING"}[random.nextInt(18)]);
      case 9: return NODES.binaryNode(randomBytes(random.nextInt(64)));
      case 10: return NODES.textNode(mutatedIterator());
      case 11: return NODES.numberNode(random.nextLong());
      case 12: {
        ArrayNode array = NODES.arrayNode();
        for (int i = random.nextInt(4); i > 0; i--) array.add(anyValue(depth + 1));
        return array;
      }
      default: {
        ObjectNode object = NODES.objectNode();
        for (int i = random.nextInt(4); i > 0; i--) object.set(new String[] {"Type", "Data", "PartitionKey", "Timestamp",
            "SequenceNumber", "x"}[random.nextInt(6)], anyValue(depth + 1));
        return object;
      }
    }
  }

  private byte[] randomBytes(int length) {
    byte[] bytes = new byte[length];
    random.nextBytes(bytes);
    return bytes;
  }

  /** JSON documents as text; CBOR with Data as a byte string, as the SDKs send blobs. */
  private static byte[] encode(ObjectNode document, boolean cbor) {
    try {
      if (!cbor) return JSON.writeValueAsBytes(document);
      ObjectNode copy = document.deepCopy();
      if (copy.path("Data").isTextual()) {
        try {
          copy.put("Data", Base64.getDecoder().decode(copy.get("Data").asText()));
        } catch (IllegalArgumentException notBase64) {
          // Sent as the text it is.
        }
      }
      return CBOR.writeValueAsBytes(copy);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** One to four byte-level changes: flip, replace, insert a token, delete, duplicate. */
  private byte[] mutate(byte[] body, StringBuilder description) {
    List<Byte> bytes = new ArrayList<>(body.length + 16);
    for (byte b : body) bytes.add(b);
    int changes = 1 + random.nextInt(4);
    for (int i = 0; i < changes; i++) {
      int at = bytes.isEmpty() ? 0 : random.nextInt(bytes.size());
      switch (random.nextInt(5)) {
        case 0 -> { if (!bytes.isEmpty()) bytes.set(at, (byte) (bytes.get(at) ^ (1 << random.nextInt(8)))); }
        case 1 -> { if (!bytes.isEmpty()) bytes.set(at, (byte) random.nextInt(256)); }
        case 2 -> {
          byte[] token = TOKENS[random.nextInt(TOKENS.length)].getBytes(StandardCharsets.UTF_8);
          for (int j = token.length - 1; j >= 0; j--) bytes.add(at, token[j]);
        }
        case 3 -> { if (!bytes.isEmpty()) bytes.remove(at); }
        default -> {
          int end = Math.min(bytes.size(), at + random.nextInt(8));
          bytes.addAll(at, new ArrayList<>(bytes.subList(at, end)));
        }
      }
    }
    byte[] mutated = new byte[bytes.size()];
    for (int i = 0; i < mutated.length; i++) mutated[i] = bytes.get(i);
    description.append(" mutated x").append(changes);
    return mutated;
  }

  /** An event-stream message (prelude, headers, payload, CRCs as zero or random) where a request body goes. */
  private byte[] eventStreamFrame() {
    byte[] payload = "{\"Records\":[]}".getBytes(StandardCharsets.UTF_8);
    byte[] header = ":event-type\u0007\u0000\u0010SubscribeToShardEvent".getBytes(StandardCharsets.ISO_8859_1);
    int total = 12 + header.length + payload.length + 4;
    ByteBuffer frame = ByteBuffer.allocate(total).putInt(random.nextBoolean() ? total : random.nextInt())
        .putInt(header.length).putInt(random.nextInt()).put(header).put(payload).putInt(random.nextInt());
    byte[] bytes = frame.array();
    return random.nextBoolean() ? bytes : Arrays.copyOf(bytes, random.nextInt(bytes.length));
  }

  /** Changes a signed request: a header replaced or mutated, the method, or the presigned query. */
  private SdkHttpRequest mutateRequest(SdkHttpRequest request, boolean presigned, StringBuilder description) {
    String[] headers = {"X-Amz-Target", "Content-Type", "X-Amz-Date", "Authorization", "Content-Type", "Authorization"};
    int choice = random.nextInt(headers.length + 2);
    if (choice == headers.length) {
      SdkHttpMethod method = SdkHttpMethod.values()[random.nextInt(SdkHttpMethod.values().length)];
      description.append(" method ").append(method);
      return request.toBuilder().method(method).build();
    }
    if (choice == headers.length + 1 || (presigned && random.nextBoolean())) {
      String[] names = {"X-Amz-Algorithm", "X-Amz-Credential", "X-Amz-Date", "X-Amz-Expires", "X-Amz-SignedHeaders",
          "X-Amz-Signature"};
      String name = names[random.nextInt(names.length)];
      String value = mutateText(request.firstMatchingRawQueryParameter(name).orElse("AWS4-HMAC-SHA256"));
      description.append(" query ").append(name).append('=').append(value);
      return request.toBuilder().putRawQueryParameter(name, value).build();
    }
    String name = headers[choice];
    String value = random.nextInt(5) == 0 ? garbage() : mutateText(request.firstMatchingHeader(name).orElse(""));
    description.append(" header ").append(name).append(": ").append(value);
    return random.nextInt(10) == 0 ? request.toBuilder().removeHeader(name).build()
        : request.toBuilder().putHeader(name, value).build();
  }

  /** Printable ASCII only: the client refuses control characters in headers. */
  private String mutateText(String text) {
    StringBuilder mutated = new StringBuilder(text);
    int changes = 1 + random.nextInt(3);
    for (int i = 0; i < changes; i++) {
      int at = mutated.length() == 0 ? 0 : random.nextInt(mutated.length());
      switch (random.nextInt(4)) {
        case 0 -> { if (mutated.length() > 0) mutated.setCharAt(at, (char) (0x20 + random.nextInt(0x5F))); }
        case 1 -> { if (mutated.length() > 0) mutated.deleteCharAt(at); }
        case 2 -> mutated.insert(at, TOKENS[random.nextInt(TOKENS.length)].replaceAll("[^\\x20-\\x7e]", "?"));
        default -> mutated.setLength(Math.min(at, mutated.length()));
      }
    }
    return mutated.toString();
  }

  private String garbage() {
    char[] chars = new char[random.nextInt(40)];
    for (int i = 0; i < chars.length; i++) chars[i] = (char) (0x21 + random.nextInt(0x5E));
    return new String(chars);
  }
}
