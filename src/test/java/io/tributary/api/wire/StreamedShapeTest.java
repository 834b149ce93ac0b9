package io.tributary.api.wire;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.cbor.CBORGenerator;
import io.tributary.api.KinesisException;
import io.tributary.api.Operation;
import io.tributary.api.operation.GetRecordsHandler;
import io.tributary.api.operation.PutRecordHandler;
import io.tributary.api.operation.PutRecordsHandler;
import io.tributary.api.operation.StreamedInputs;
import io.vertx.core.buffer.Buffer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The streamed decoders of the hot calls against the generic path (tree, then {@link Shape#decode}) over
 * many random bodies, well-formed and not: whenever the streamed decoder takes a body, the generic path takes
 * it too and yields the same input (same members, order, types and values); every plain body is taken.
 */
class StreamedShapeTest {
  private static final int BODIES_PER_OPERATION = 4000;

  /** A member of a random body: its name and how to write a plain value of its type. */
  private record Spec(String name, String type) { }

  private static final List<Spec> ENTRY = List.of(new Spec("PartitionKey", "string"),
      new Spec("ExplicitHashKey", "string"), new Spec("Data", "blob"));
  private static final List<Spec> PUT_RECORDS = List.of(new Spec("Records", "records"), new Spec("StreamName", "string"),
      new Spec("StreamARN", "string"), new Spec("StreamId", "string"), new Spec("DryRun", "bool"));
  private static final List<Spec> PUT_RECORD = List.of(new Spec("SequenceNumberForOrdering", "string"),
      new Spec("PartitionKey", "string"), new Spec("ExplicitHashKey", "string"), new Spec("Data", "blob"),
      new Spec("StreamName", "string"), new Spec("StreamARN", "string"), new Spec("StreamId", "string"),
      new Spec("DryRun", "bool"));
  private static final List<Spec> GET_RECORDS = List.of(new Spec("Limit", "int"), new Spec("ShardIterator", "string"),
      new Spec("StreamARN", "string"), new Spec("StreamId", "string"), new Spec("DryRun", "bool"));
  private static final String[] STRINGS = {"", "a", "stream-1", "k\u00e9y", "\u263a\ud83d\ude00", "line\nbreak", "q\"uote\\",
      "12345678901234567890", "arn:aws:kinesis:us-east-1:000000000000:stream/s", "\u0000ctl", "x".repeat(300)};

  @ParameterizedTest
  @EnumSource(value = WireFormat.class)
  void putRecordsMatchesTheGenericPath(WireFormat format) {
    compare(format, Operation.PUT_RECORDS, PutRecordsHandler.INPUT, PUT_RECORDS, 11);
  }

  @ParameterizedTest
  @EnumSource(value = WireFormat.class)
  void putRecordMatchesTheGenericPath(WireFormat format) {
    compare(format, Operation.PUT_RECORD, PutRecordHandler.INPUT, PUT_RECORD, 12);
  }

  @ParameterizedTest
  @EnumSource(value = WireFormat.class)
  void getRecordsMatchesTheGenericPath(WireFormat format) {
    compare(format, Operation.GET_RECORDS, GetRecordsHandler.INPUT, GET_RECORDS, 13);
  }

  private void compare(WireFormat format, Operation operation, Shape shape, List<Spec> members, long seed) {
    StreamedShape streamed = StreamedInputs.of(operation);
    assertNotNull(streamed);
    SplittableRandom random = new SplittableRandom(seed * 31 + format.ordinal());
    int plainTaken = 0;
    int oddTaken = 0;
    int oddLeft = 0;
    for (int i = 0; i < BODIES_PER_OPERATION; i++) {
      boolean plain = i % 3 == 0;
      byte[] body = body(format, members, random, plain ? 0 : 0.15);
      if (!plain && random.nextInt(10) == 0) body = damaged(format, body, random);
      Input fast = streamed.decode(format, Buffer.buffer(body));
      Object generic = generic(format, shape, body);
      String shown = format == WireFormat.JSON ? new String(body, StandardCharsets.UTF_8) : Arrays.toString(body);
      if (plain && fast == null) fail("a plain body took the generic path: " + shown);
      if (fast == null) {
        oddLeft++;
        continue;
      }
      if (!(generic instanceof Input expected)) {
        fail("taken by the streamed decoder but refused by the generic path (" + generic + "): " + shown);
        return;
      }
      assertEquals(rendered(expected), rendered(fast), () -> "different input for " + shown);
      if (plain) plainTaken++; else oddTaken++;
    }
    assertTrue(plainTaken > 0 && oddTaken > 0 && oddLeft > 0,
        "every case is exercised: " + plainTaken + " plain, " + oddTaken + " odd taken, " + oddLeft + " odd left");
  }

  /** The generic path's result: the decoded Input, or the refusal's text. */
  private static Object generic(WireFormat format, Shape shape, byte[] body) {
    JsonNode document;
    try {
      document = format.mapper().readTree(body);
    } catch (Exception e) {
      return "SerializationException (parse)";
    }
    if (document == null || !(document.isObject() || document.isArray())) return "SerializationException";
    try {
      return shape.decode(document, format);
    } catch (KinesisException e) {
      return e.type() + ": " + e.getMessage();
    }
  }

  /** An Input in full, with the Java type of every value, so equal text means equal inputs. */
  private static String rendered(Object value) {
    if (value instanceof Input input) {
      StringBuilder text = new StringBuilder("{");
      input.toJson().fieldNames().forEach(name -> text.append(name).append('=').append(rendered(input.raw(name))).append(';'));
      return text.append('}').toString();
    }
    if (value instanceof List<?> list) {
      List<String> items = new ArrayList<>();
      for (Object item : list) items.add(rendered(item));
      return "List" + items;
    }
    if (value instanceof byte[] bytes) return "bytes" + Arrays.toString(bytes);
    return value == null ? "null" : value.getClass().getSimpleName() + ":" + value;
  }

  // ---- random bodies -----------------------------------------------------------------------------

  private static byte[] body(WireFormat format, List<Spec> members, SplittableRandom random, double oddness) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (JsonGenerator generator = format.factory().createGenerator(out)) {
      if (oddness > 0 && random.nextInt(40) == 0) {
        generator.writeStartArray();
        generator.writeEndArray();
      } else {
        writeStructure(generator, members, random, oddness);
      }
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
    return out.toByteArray();
  }

  private static void writeStructure(JsonGenerator generator, List<Spec> members, SplittableRandom random, double oddness)
      throws IOException {
    generator.writeStartObject();
    List<Spec> order = new ArrayList<>(members);
    for (int i = order.size() - 1; i > 0; i--) order.set(i, order.set(random.nextInt(i + 1), order.get(i)));
    for (Spec member : order) {
      if (random.nextInt(3) == 0 && !member.type().equals("records")) continue;
      generator.writeFieldName(member.name());
      writeValue(generator, member.type(), random, oddness);
      if (random.nextDouble() < oddness / 4) {
        generator.writeFieldName(member.name());
        writeValue(generator, member.type(), random, oddness);
      }
    }
    if (random.nextDouble() < oddness / 3) {
      generator.writeFieldName(random.nextBoolean() ? "Unknown" : "streamName");
      writeValue(generator, "string", random, 0);
    }
    generator.writeEndObject();
  }

  private static void writeValue(JsonGenerator generator, String type, SplittableRandom random, double oddness)
      throws IOException {
    if (random.nextDouble() < oddness) {
      writeOdd(generator, type, random, oddness);
      return;
    }
    switch (type) {
      case "string" -> generator.writeString(STRINGS[random.nextInt(STRINGS.length)]);
      case "bool" -> generator.writeBoolean(random.nextBoolean());
      case "int" -> generator.writeNumber(random.nextInt(3) == 0 ? random.nextInt() : random.nextInt(20_000) - 5);
      case "blob" -> generator.writeBinary(bytes(random));
      case "records" -> {
        generator.writeStartArray();
        int count = random.nextInt(6);
        for (int i = 0; i < count; i++) writeStructure(generator, ENTRY, random, oddness);
        generator.writeEndArray();
      }
      default -> throw new IllegalArgumentException(type);
    }
  }

  /** A value that is not the plain case for its member: another type, null, odd numbers or text, a tag. */
  private static void writeOdd(JsonGenerator generator, String type, SplittableRandom random, double oddness)
      throws IOException {
    switch (random.nextInt(12)) {
      case 0 -> generator.writeNull();
      case 1 -> generator.writeNumber(random.nextInt(100));
      case 2 -> generator.writeNumber(1.5 + random.nextInt(10));
      case 3 -> generator.writeNumber(new BigInteger("123456789012345678901234567890"));
      case 4 -> generator.writeNumber(5_000_000_000L);
      case 5 -> generator.writeBoolean(true);
      case 6 -> generator.writeString(STRINGS[random.nextInt(STRINGS.length)]);
      case 7 -> generator.writeString(oddBase64(random));
      case 8 -> generator.writeBinary(bytes(random));
      case 9 -> {
        generator.writeStartObject();
        generator.writeEndObject();
      }
      case 10 -> {
        generator.writeStartArray();
        if (random.nextBoolean()) generator.writeNull();
        if (random.nextBoolean()) generator.writeNumber(1);
        generator.writeEndArray();
      }
      default -> {
        if (generator instanceof CBORGenerator cbor) cbor.writeTag(random.nextInt(3));
        writeValue(generator, type, random, 0);
      }
    }
  }

  private static byte[] bytes(SplittableRandom random) {
    byte[] bytes = new byte[random.nextInt(3) == 0 ? random.nextInt(4) : random.nextInt(200)];
    random.nextBytes(bytes);
    return bytes;
  }

  /** Base64 of random bytes, usually canonical, sometimes with a character changed or cut. */
  private static String oddBase64(SplittableRandom random) {
    StringBuilder text = new StringBuilder(Base64.getEncoder().encodeToString(bytes(random)));
    if (text.length() > 0 && random.nextBoolean()) {
      text.setCharAt(random.nextInt(text.length()), "=-_ A/+\u00e9".charAt(random.nextInt(8)));
    } else if (random.nextBoolean()) {
      text.setLength(random.nextInt(text.length() + 1));
    }
    return text.toString();
  }

  /** The body cut short, or with content after it. */
  private static byte[] damaged(WireFormat format, byte[] body, SplittableRandom random) {
    if (random.nextBoolean() && body.length > 1) return Arrays.copyOf(body, random.nextInt(1, body.length));
    byte[] tail = format == WireFormat.JSON ? (random.nextBoolean() ? " {}".getBytes() : " x".getBytes()) : new byte[] {(byte) 0xa0};
    byte[] longer = Arrays.copyOf(body, body.length + tail.length);
    System.arraycopy(tail, 0, longer, body.length, tail.length);
    return longer;
  }
}
