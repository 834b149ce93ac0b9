package io.tributary.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import io.tributary.api.wire.WireFormat;
import io.tributary.support.ClientKind;
import io.tributary.support.KinesisClients;
import io.tributary.support.SignedHttp;
import io.tributary.support.SignedHttp.Answer;
import io.tributary.support.TestServer;
import io.vertx.core.http.HttpVersion;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.ShardIteratorType;

/**
 * The streamed decoding of PutRecords, PutRecord and GetRecords answers exactly as the generic path does,
 * seen on the wire. Each random request, valid or breaking rules in many ways, is sent twice: as it is (a
 * plain body takes the streamed path) and with one member the operation does not know added (which the
 * streamed decoder leaves to the generic path, and which AWS ignores); the two answers must be the same:
 * status, error type and message, and a success's document but for the sequence numbers, iterators and
 * times that differ from call to call.
 */
class StreamedDecodingWireTest {
  private static final String STREAM = "wire";
  private static final int CASES = 300;

  @ParameterizedTest
  @EnumSource(WireFormat.class)
  void aPlainBodyIsAnsweredAsTheGenericPathAnswersIt(WireFormat format) {
    try (TestServer server = TestServer.start(Map.of("storage", "memory"));
        SignedHttp http = new SignedHttp(server.endpoint(), HttpVersion.HTTP_1_1, 4)) {
      KinesisClient kinesis = KinesisClients.of(ClientKind.SYNC_CBOR_HTTP1, server.endpoint());
      kinesis.createStream(b -> b.streamName(STREAM).shardCount(2));
      kinesis.putRecord(b -> b.streamName(STREAM).partitionKey("a").data(SdkBytes.fromUtf8String("first")));
      String iterator = kinesis.getShardIterator(b -> b.streamName(STREAM).shardId("shardId-000000000000")
          .shardIteratorType(ShardIteratorType.TRIM_HORIZON)).shardIterator();
      SplittableRandom random = new SplittableRandom(41 + format.ordinal());
      int errors = 0;
      int successes = 0;
      for (int i = 0; i < CASES; i++) {
        String operation = switch (i % 3) {
          case 0 -> "PutRecords";
          case 1 -> "PutRecord";
          default -> "GetRecords";
        };
        List<Object[]> members = members(operation, random, iterator);
        Answer plain = send(http, format, operation, encode(format, members, false));
        Answer generic = send(http, format, operation, encode(format, members, true));
        String context = operation + " " + describe(members);
        assertEquals(generic.status(), plain.status(), context);
        assertEquals(generic.headers().get("x-amzn-ErrorType"), plain.headers().get("x-amzn-ErrorType"), context);
        assertEquals(masked(generic.document()), masked(plain.document()), context);
        if (plain.status() == 200) successes++; else errors++;
      }
      assertTrue(errors > CASES / 10 && successes > CASES / 10, "both outcomes: " + successes + " ok, " + errors + " errors");
    }
  }

  private static Answer send(SignedHttp http, WireFormat format, String operation, byte[] body) {
    SdkHttpRequest request = SignedHttp.sign(http.call(operation, format.contentType()), body, "AKIDTEST", "secret",
        Clock.systemUTC(), null);
    return http.await(request, body);
  }

  /** The members of a random request: {name, value}, values being String, Long, Boolean, byte[] or a list. */
  private static List<Object[]> members(String operation, SplittableRandom random, String iterator) {
    List<Object[]> members = new ArrayList<>();
    switch (operation) {
      case "PutRecords" -> {
        List<List<Object[]>> records = new ArrayList<>();
        int count = random.nextInt(12) == 0 ? 0 : random.nextInt(1, 6);
        for (int r = 0; r < count; r++) records.add(record(random));
        members.add(new Object[] {"Records", records});
        addStreamAndDryRun(members, random);
      }
      case "PutRecord" -> {
        members.addAll(record(random));
        if (random.nextInt(6) == 0) {
          members.add(new Object[] {"SequenceNumberForOrdering", random.nextBoolean() ? "0" : "12x"});
        }
        addStreamAndDryRun(members, random);
      }
      default -> {
        String[] iterators = {iterator, iterator, iterator, "", "AAAA", iterator.substring(1), "x".repeat(513)};
        members.add(new Object[] {"ShardIterator", iterators[random.nextInt(iterators.length)]});
        if (random.nextBoolean()) {
          long[] limits = {1, 5, 10000, 0, -3, 10001};
          members.add(new Object[] {"Limit", limits[random.nextInt(limits.length)]});
        }
        if (random.nextInt(4) == 0) members.add(new Object[] {"DryRun", random.nextBoolean()});
      }
    }
    return members;
  }

  private static List<Object[]> record(SplittableRandom random) {
    List<Object[]> record = new ArrayList<>();
    String[] keys = {"a", "key-1", "k\u00e9y", "", "x".repeat(257)};
    if (random.nextInt(8) != 0) record.add(new Object[] {"PartitionKey", keys[random.nextInt(keys.length)]});
    if (random.nextInt(5) == 0) {
      String[] hashKeys = {"0", "170141183460469231731687303715884105728", "abc", "340282366920938463463374607431768211456"};
      record.add(new Object[] {"ExplicitHashKey", hashKeys[random.nextInt(hashKeys.length)]});
    }
    if (random.nextInt(10) != 0) {
      byte[] data = new byte[random.nextInt(40)];
      random.nextBytes(data);
      record.add(new Object[] {"Data", random.nextInt(8) == 0 ? oddBase64(data, random) : data});
    }
    return record;
  }

  /** Base64 text that is not canonical: a character changed, padding cut, or low bits set. */
  private static String oddBase64(byte[] data, SplittableRandom random) {
    String text = Base64.getEncoder().encodeToString(data.length == 0 ? new byte[] {1} : data);
    return switch (random.nextInt(3)) {
      case 0 -> text.substring(0, text.length() - 1);
      case 1 -> "*" + text.substring(1);
      default -> text.endsWith("==") ? text.substring(0, text.length() - 3) + "B==" : "AB" + text.substring(2);
    };
  }

  private static void addStreamAndDryRun(List<Object[]> members, SplittableRandom random) {
    String[] streams = {STREAM, STREAM, STREAM, "missing", "bad name!"};
    if (random.nextInt(10) != 0) members.add(new Object[] {"StreamName", streams[random.nextInt(streams.length)]});
    if (random.nextInt(3) != 0) members.add(new Object[] {"DryRun", random.nextInt(4) != 0});
  }

  private static byte[] encode(WireFormat format, List<Object[]> members, boolean withUnknownMember) {
    List<Object[]> written = new ArrayList<>(members);
    if (withUnknownMember) written.add(new Object[] {"NotAKinesisMember", "ignored"});
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (JsonGenerator generator = format.factory().createGenerator(out)) {
      writeStructure(generator, written);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  @SuppressWarnings("unchecked")
  private static void writeStructure(JsonGenerator generator, List<Object[]> members) throws IOException {
    generator.writeStartObject();
    for (Object[] member : members) {
      generator.writeFieldName((String) member[0]);
      Object value = member[1];
      if (value instanceof String s) {
        generator.writeString(s);
      } else if (value instanceof Long l) {
        generator.writeNumber(l);
      } else if (value instanceof Boolean b) {
        generator.writeBoolean(b);
      } else if (value instanceof byte[] bytes) {
        generator.writeBinary(bytes);
      } else {
        generator.writeStartArray();
        for (List<Object[]> element : (List<List<Object[]>>) value) writeStructure(generator, element);
        generator.writeEndArray();
      }
    }
    generator.writeEndObject();
  }

  @SuppressWarnings("unchecked")
  private static String describe(List<Object[]> members) {
    StringBuilder text = new StringBuilder("{");
    for (Object[] member : members) {
      Object value = member[1];
      text.append(member[0]).append('=').append(value instanceof byte[] b ? b.length + " bytes"
          : value instanceof List<?> list ? list.stream().map(e -> describe((List<Object[]>) e)).toList() : value).append(' ');
    }
    return text.append('}').toString();
  }

  /** The document with what differs between two equal calls (sequence numbers, iterators, lag) masked. */
  private static JsonNode masked(JsonNode node) {
    if (node.isObject()) {
      ObjectNode copy = ((ObjectNode) node).deepCopy();
      for (String name : List.of("SequenceNumber", "NextShardIterator", "MillisBehindLatest", "ApproximateArrivalTimestamp")) {
        if (copy.has(name)) copy.set(name, TextNode.valueOf("*"));
      }
      copy.fields().forEachRemaining(field -> field.setValue(masked(field.getValue())));
      return copy;
    }
    if (node.isArray()) {
      var copy = node.deepCopy();
      for (int i = 0; i < copy.size(); i++) ((com.fasterxml.jackson.databind.node.ArrayNode) copy).set(i, masked(copy.get(i)));
      return copy;
    }
    return node;
  }
}
