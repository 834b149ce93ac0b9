package io.tributary.console;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.core.instrument.MeterRegistry;
import io.tributary.support.ClientKind;
import io.tributary.support.KinesisClients;
import io.tributary.support.TestServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.math.BigInteger;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.PutRecordsRequestEntry;

/**
 * A browser that stops reading pauses its live tail: the server holds at most one event for it, sends the rest
 * once it reads again, in order and without a gap, and lets the tail go when the browser does.
 */
class LiveTailTest {
  private static final int RECORDS = 4000;
  private static final int RECORD_BYTES = 4096;

  @Test
  void aBrowserThatDoesNotReadPausesItsTailAndGetsEveryRecordWhenItReadsAgain() throws Exception {
    try (TestServer server = TestServer.start(Map.of())) {
      KinesisClient kinesis = KinesisClients.of(ClientKind.SYNC_CBOR_HTTP1, server.endpoint());
      kinesis.createStream(b -> b.streamName("backlog").shardCount(1));
      String data = "x".repeat(RECORD_BYTES);
      for (int batch = 0; batch < RECORDS / 250; batch++) {
        List<PutRecordsRequestEntry> entries = new ArrayList<>();
        for (int i = 0; i < 250; i++) {
          entries.add(PutRecordsRequestEntry.builder().partitionKey("k" + (batch * 250 + i)).data(SdkBytes.fromUtf8String(data)).build());
        }
        assertEquals(0, kinesis.putRecords(b -> b.streamName("backlog").records(entries)).failedRecordCount());
      }
      MeterRegistry meters = server.server().services().meters();

      try (Socket browser = new Socket()) {
        browser.setReceiveBufferSize(16 * 1024);
        browser.connect(new InetSocketAddress("127.0.0.1", server.managementPort()), 10_000);
        OutputStream out = browser.getOutputStream();
        out.write(("GET /console/api/streams/000000000000/us-east-1/backlog/shards/shardId-000000000000/tail?from=TRIM_HORIZON"
            + " HTTP/1.1\r\nHost: 127.0.0.1:" + server.managementPort() + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        out.flush();

        double paused = awaitSteady(() -> meters.counter("tributary.console.tail.records.sent").count());
        System.out.println("live tail paused after " + (long) paused + " of " + RECORDS + " records");
        assertTrue(paused < RECORDS, "the tail waits for the browser: " + paused + " records sent of " + RECORDS);
        assertEquals(1, meters.get("tributary.console.tails.open").gauge().value());
        double held = meters.get("tributary.console.tail.unflushed.bytes").gauge().value();
        assertTrue(held <= 1024 * 1024, "the server holds at most one event for the tail: " + held + " bytes");

        List<String> keys = readRecords(browser.getInputStream(), RECORDS);
        List<String> expected = new ArrayList<>();
        for (int i = 0; i < RECORDS; i++) expected.add("k" + i);
        assertEquals(expected, keys, "every record arrives, in order, once the browser reads again");
      }
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      while (meters.get("tributary.console.tails.open").gauge().value() != 0 && System.nanoTime() < deadline) {
        Thread.sleep(20);
      }
      assertEquals(0, meters.get("tributary.console.tails.open").gauge().value(), "the tail ends with its connection");
    }
  }

  /** Waits until the value has not changed for two seconds (at most 60 s) and returns it. */
  private static double awaitSteady(java.util.function.DoubleSupplier value) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    double last = -1;
    long steadySince = System.nanoTime();
    while (System.nanoTime() < deadline) {
      double now = value.getAsDouble();
      if (now != last || now == 0) {
        last = now;
        steadySince = System.nanoTime();
      } else if (System.nanoTime() - steadySince > TimeUnit.SECONDS.toNanos(2)) {
        return now;
      }
      Thread.sleep(100);
    }
    throw new AssertionError("the tail never settled: " + last + " records sent");
  }

  /** Reads the chunked server-sent events until {@code count} records came, and returns their partition keys. */
  private static List<String> readRecords(InputStream in, int count) throws IOException {
    String head = line(in);
    assertTrue(head.startsWith("HTTP/1.1 200"), head);
    while (!line(in).isEmpty()) { }  // headers
    StringBuilder events = new StringBuilder();
    List<String> keys = new ArrayList<>();
    while (keys.size() < count) {
      int size = new BigInteger(line(in).trim(), 16).intValue();
      assertTrue(size > 0, "the tail goes on until every record is sent");
      events.append(new String(in.readNBytes(size), StandardCharsets.UTF_8));
      line(in);
      int end;
      while ((end = events.indexOf("\n\n")) >= 0) {
        String event = events.substring(0, end);
        events.delete(0, end + 2);
        if (!event.startsWith("event: records\n")) continue;
        JsonArray records = new JsonObject(event.substring(event.indexOf("data: ") + 6)).getJsonArray("records");
        for (int i = 0; i < records.size(); i++) keys.add(records.getJsonObject(i).getString("partitionKey"));
      }
    }
    return keys;
  }

  private static String line(InputStream in) throws IOException {
    ByteArrayOutputStream line = new ByteArrayOutputStream();
    int b;
    while ((b = in.read()) >= 0 && b != '\n') if (b != '\r') line.write(b);
    return line.toString(StandardCharsets.US_ASCII);
  }
}
