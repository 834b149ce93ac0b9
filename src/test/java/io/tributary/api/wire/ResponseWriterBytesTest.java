package io.tributary.api.wire;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.dataformat.cbor.CBORGenerator;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import io.vertx.core.buffer.Buffer;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.zip.CRC32;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.Test;

/**
 * Answers written by ResponseWriter, byte for byte against the same document written the plain way (one
 * Jackson generator into one array, timestamps as BigDecimal seconds in JSON): GetRecords-like answers
 * of every size, across the writer's chunk boundaries, in both formats.
 */
class ResponseWriterBytesTest {
  private static final String[] KEYS = {"pk", "k\u00e9y-\u263a", "\ud83d\ude00", "q\"uote\\", "x".repeat(256)};

  @ParameterizedTest
  @EnumSource(WireFormat.class)
  void recordPagesMatchThePlainEncoding(WireFormat format) throws IOException {
    SplittableRandom random = new SplittableRandom(7 + format.ordinal());
    for (int round = 0; round < 60; round++) {
      int records = round < 10 ? round : random.nextInt(2000);
      long seed = random.nextLong();
      ResponseWriter writer = new ResponseWriter(format, random.nextInt(1, 100_000));
      page(new SplittableRandom(seed), records, new Sink() {
        public void startObject() { writer.startObject(); }
        public void startArray(String name) { writer.startArray(name); }
        public void endArray() { writer.endArray(); }
        public void endObject() { writer.endObject(); }
        public void field(String name, String value) { writer.field(name, value); }
        public void field(String name, long value) { writer.field(name, value); }
        public void blob(String name, byte[] data) { writer.blob(name, data); }
        public void timestamp(String name, long millis) { writer.timestamp(name, millis); }
      });
      byte[] actual = writer.finish().getBytes();

      ByteArrayOutputStream out = new ByteArrayOutputStream();
      try (JsonGenerator generator = format.factory().createGenerator(out)) {
        page(new SplittableRandom(seed), records, new Sink() {
          public void startObject() throws IOException { generator.writeStartObject(); }
          public void startArray(String name) throws IOException { generator.writeArrayFieldStart(name); }
          public void endArray() throws IOException { generator.writeEndArray(); }
          public void endObject() throws IOException { generator.writeEndObject(); }
          public void field(String name, String value) throws IOException { generator.writeStringField(name, value); }
          public void field(String name, long value) throws IOException { generator.writeNumberField(name, value); }
          public void blob(String name, byte[] data) throws IOException {
            generator.writeFieldName(name);
            generator.writeBinary(data);
          }
          public void timestamp(String name, long millis) throws IOException {
            generator.writeFieldName(name);
            if (generator instanceof CBORGenerator cbor) {
              cbor.writeTag(1);
              cbor.writeNumber(millis);
            } else {
              generator.writeNumber(BigDecimal.valueOf(millis, 3));
            }
          }
        });
      }
      assertArrayEquals(out.toByteArray(), actual, "page of " + records + " records");
    }
  }

  @ParameterizedTest
  @EnumSource(WireFormat.class)
  void randomDocumentsMatchThePlainEncoding(WireFormat format) throws IOException {
    SplittableRandom seeds = new SplittableRandom(11 + format.ordinal());
    for (int round = 0; round < 3000; round++) {
      long seed = seeds.nextLong();
      ResponseWriter writer = new ResponseWriter(format, 64);
      writer.startObject();
      document(new SplittableRandom(seed), 0, writerSink(writer));
      writer.endObject();
      byte[] actual = writer.finish().getBytes();

      ByteArrayOutputStream out = new ByteArrayOutputStream();
      try (JsonGenerator generator = format.factory().createGenerator(out)) {
        generator.writeStartObject();
        document(new SplittableRandom(seed), 0, generatorSink(generator));
        generator.writeEndObject();
      }
      byte[] expected = out.toByteArray();
      assertArrayEquals(expected, actual, () -> "document " + seed + ": expected " + new String(expected,
          java.nio.charset.StandardCharsets.UTF_8) + " but was " + new String(actual, java.nio.charset.StandardCharsets.UTF_8));
    }
  }

  /** Random members: strings of every kind of character, numbers, booleans, blobs, times, nesting. */
  private static void document(SplittableRandom random, int depth, Sink sink) throws IOException {
    int members = random.nextInt(depth == 0 ? 8 : 4);
    for (int i = 0; i < members; i++) {
      String name = text(random, 6);
      switch (random.nextInt(depth < 3 ? 9 : 6)) {
        case 0 -> sink.field(name, text(random, random.nextInt(3) == 0 ? 3000 : 20));
        case 1 -> sink.field(name, random.nextInt(4) == 0 ? random.nextLong() : random.nextInt(-1000, 1000));
        case 2 -> sink.bool(name, random.nextBoolean());
        case 3 -> {
          byte[] data = new byte[random.nextInt(4) == 0 ? random.nextInt(30_000) : random.nextInt(40)];
          random.nextBytes(data);
          sink.blob(name, data);
        }
        case 4 -> sink.timestamp(name, random.nextInt(4) == 0 ? random.nextLong() : random.nextLong(0, 4_102_444_800_000L));
        case 5 -> {
          sink.startArray(name);
          int n = random.nextInt(5);
          for (int j = 0; j < n; j++) sink.string(text(random, 10));
          sink.endArray();
        }
        case 6 -> {
          sink.startObject(name);
          document(random, depth + 1, sink);
          sink.endObject();
        }
        default -> {
          sink.startArray(name);
          int n = random.nextInt(4);
          for (int j = 0; j < n; j++) {
            sink.startObject();
            document(random, depth + 1, sink);
            sink.endObject();
          }
          sink.endArray();
        }
      }
    }
  }

  /** Well-formed text drawn from ASCII (controls and escapes included), Latin-1, the BMP and beyond it. */
  private static String text(SplittableRandom random, int maxLength) {
    StringBuilder text = new StringBuilder();
    int length = random.nextInt(maxLength + 1);
    while (text.length() < length) {
      switch (random.nextInt(5)) {
        case 0 -> text.append((char) random.nextInt(0x20));
        case 1, 2 -> text.append((char) random.nextInt(0x20, 0x80));
        case 3 -> {
          char c = (char) random.nextInt(0x80, 0x10000);
          text.append(Character.isSurrogate(c) ? '\u00e9' : c);
        }
        default -> text.appendCodePoint(random.nextInt(0x10000, 0x110000));
      }
    }
    return text.toString();
  }

  private static Sink writerSink(ResponseWriter writer) {
    return new Sink() {
      public void startObject() { writer.startObject(); }
      public void startObject(String name) { writer.startObject(name); }
      public void startArray(String name) { writer.startArray(name); }
      public void endArray() { writer.endArray(); }
      public void endObject() { writer.endObject(); }
      public void string(String value) { writer.string(value); }
      public void field(String name, String value) { writer.field(name, value); }
      public void field(String name, long value) { writer.field(name, value); }
      public void bool(String name, boolean value) { writer.field(name, value); }
      public void blob(String name, byte[] data) { writer.blob(name, data); }
      public void timestamp(String name, long millis) { writer.timestamp(name, millis); }
    };
  }

  private static Sink generatorSink(JsonGenerator generator) {
    return new Sink() {
      public void startObject() throws IOException { generator.writeStartObject(); }
      public void startObject(String name) throws IOException { generator.writeObjectFieldStart(name); }
      public void startArray(String name) throws IOException { generator.writeArrayFieldStart(name); }
      public void endArray() throws IOException { generator.writeEndArray(); }
      public void endObject() throws IOException { generator.writeEndObject(); }
      public void string(String value) throws IOException { generator.writeString(value); }
      public void field(String name, String value) throws IOException { generator.writeStringField(name, value); }
      public void field(String name, long value) throws IOException { generator.writeNumberField(name, value); }
      public void bool(String name, boolean value) throws IOException { generator.writeBooleanField(name, value); }
      public void blob(String name, byte[] data) throws IOException {
        generator.writeFieldName(name);
        generator.writeBinary(data);
      }
      public void timestamp(String name, long millis) throws IOException {
        generator.writeFieldName(name);
        if (generator instanceof CBORGenerator cbor) {
          cbor.writeTag(1);
          cbor.writeNumber(millis);
        } else {
          generator.writeNumber(BigDecimal.valueOf(millis, 3));
        }
      }
    };
  }

  @Test
  void eventFramesOfLargeAnswersCarryTheWholePayloadAndItsChecksum() throws IOException {
    for (int records : new int[] {0, 1, 300, 3000}) {
      ResponseWriter writer = new ResponseWriter(WireFormat.JSON, 100);
      writer.startObject().startArray("Records");
      for (int i = 0; i < records; i++) writer.startObject().blob("Data", new byte[] {(byte) i, 2, 3}).endObject();
      Buffer payload = writer.endArray().endObject().finish();
      byte[] frame = EventStreamEncoder.event("SubscribeToShardEvent", payload).getBytes();

      // The frame as the format defines it, built in one array: prelude, prelude CRC, headers, payload, CRC.
      byte[] headers = Arrays.copyOfRange(frame, 12, 12 + ByteBuffer.wrap(frame).getInt(4));
      ByteArrayOutputStream expected = new ByteArrayOutputStream();
      ByteBuffer prelude = ByteBuffer.allocate(8).putInt(12 + headers.length + payload.length() + 4).putInt(headers.length);
      expected.write(prelude.array());
      expected.write(ByteBuffer.allocate(4).putInt((int) crc(prelude.array())).array());
      expected.write(headers);
      expected.write(payload.getBytes());
      expected.write(ByteBuffer.allocate(4).putInt((int) crc(expected.toByteArray())).array());
      assertArrayEquals(expected.toByteArray(), frame, "frame of " + records + " records");
    }
  }

  private static long crc(byte[] bytes) {
    CRC32 crc = new CRC32();
    crc.update(bytes);
    return crc.getValue();
  }

  @Test
  void epochSecondsIsTheTextOfTheDecimal() {
    SplittableRandom random = new SplittableRandom(3);
    long[] fixed = {0, 1, 9, 10, 99, 100, 999, 1000, 1001, 1_421_279_386_000L, 1_764_633_600_123L, Long.MAX_VALUE, -1, -999,
        -1000, -1001, Long.MIN_VALUE};
    for (long millis : fixed) assertEquals(BigDecimal.valueOf(millis, 3).toString(), ResponseWriter.epochSeconds(millis));
    for (int i = 0; i < 100_000; i++) {
      long millis = i % 2 == 0 ? random.nextLong(0, 4_102_444_800_000L) : random.nextLong();
      assertEquals(BigDecimal.valueOf(millis, 3).toString(), ResponseWriter.epochSeconds(millis));
    }
  }

  private interface Sink {
    void startObject() throws IOException;
    default void startObject(String name) throws IOException { throw new UnsupportedOperationException(); }
    default void string(String value) throws IOException { throw new UnsupportedOperationException(); }
    default void bool(String name, boolean value) throws IOException { throw new UnsupportedOperationException(); }
    void startArray(String name) throws IOException;
    void endArray() throws IOException;
    void endObject() throws IOException;
    void field(String name, String value) throws IOException;
    void field(String name, long value) throws IOException;
    void blob(String name, byte[] data) throws IOException;
    void timestamp(String name, long millis) throws IOException;
  }

  /** A GetRecords answer of random records, written to the sink. */
  private static void page(SplittableRandom random, int records, Sink sink) throws IOException {
    sink.startObject();
    sink.startArray("Records");
    long arrival = 1_764_633_600_000L + random.nextInt(1_000_000);
    for (int i = 0; i < records; i++) {
      sink.startObject();
      sink.field("SequenceNumber", "4954698668313554428650745793632162567570019247115678" + random.nextInt(10_000));
      sink.timestamp("ApproximateArrivalTimestamp", arrival + i);
      byte[] data = new byte[random.nextInt(3) == 0 ? random.nextInt(5) : random.nextInt(1, 3000)];
      random.nextBytes(data);
      sink.blob("Data", data);
      sink.field("PartitionKey", KEYS[random.nextInt(KEYS.length)]);
      sink.endObject();
    }
    sink.endArray();
    sink.field("NextShardIterator", "AAAAAAAAAAG" + random.nextLong());
    sink.field("MillisBehindLatest", random.nextInt(100_000));
    sink.endObject();
  }
}
