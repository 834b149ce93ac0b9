package io.tributary.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.core.instrument.Timer;
import io.tributary.support.ClientKind;
import io.tributary.support.KinesisClients;
import io.tributary.support.TestServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.PutRecordsRequestEntry;
import software.amazon.awssdk.services.kinesis.model.ShardIteratorType;

/**
 * A client that pipelines HTTP/1.1 requests and does not read the answers holds back only itself: the
 * server (Vert.x takes a connection's requests one after another and stops reading a connection whose
 * answers are not being read) builds no more answers, megabytes each, than the client takes, and serves
 * them all once it reads.
 */
class PipelinedRequestsTest {
  private static final int PIPELINED = 20;

  @Test
  void aClientThatDoesNotReadItsAnswersGetsNoMoreBuiltThanItReads() throws Exception {
    try (TestServer server = TestServer.start(Map.of())) {
      KinesisClient client = KinesisClients.of(ClientKind.SYNC_CBOR_HTTP1, server.endpoint());
      client.createStream(b -> b.streamName("pipelined").shardCount(1));
      Random random = new Random(7);
      for (int batch = 0; batch < 4; batch++) {
        List<PutRecordsRequestEntry> entries = new ArrayList<>();
        for (int i = 0; i < 500; i++) {
          byte[] data = new byte[1000];
          random.nextBytes(data);
          entries.add(PutRecordsRequestEntry.builder().partitionKey("k" + i).data(SdkBytes.fromByteArray(data)).build());
        }
        client.putRecords(b -> b.streamName("pipelined").records(entries));
      }
      String iterator = client.getShardIterator(b -> b.streamName("pipelined").shardId("shardId-000000000000")
          .shardIteratorType(ShardIteratorType.TRIM_HORIZON)).shardIterator();
      byte[] body = ("{\"ShardIterator\":\"" + iterator + "\"}").getBytes(StandardCharsets.UTF_8);
      byte[] request = ("POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/x-amz-json-1.1\r\n"
          + "X-Amz-Target: Kinesis_20131202.GetRecords\r\nX-Amz-Date: 20260101T000000Z\r\nAuthorization: "
          + "AWS4-HMAC-SHA256 Credential=AKID/20260101/us-east-1/kinesis/aws4_request, SignedHeaders=host;x-amz-date, "
          + "Signature=abcd\r\nContent-Length: " + body.length + "\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1);

      try (Socket socket = new Socket()) {
        socket.setReceiveBufferSize(4096);
        socket.connect(new InetSocketAddress("127.0.0.1", server.port()), 5000);
        socket.setSoTimeout(10_000);
        OutputStream out = socket.getOutputStream();
        for (int i = 0; i < PIPELINED; i++) {
          out.write(request);
          out.write(body);
        }
        out.flush();
        Thread.sleep(1500);
        long answeredUnread = getRecordsCalls(server);
        assertTrue(answeredUnread <= 3, "answers built for a client that reads none: " + answeredUnread);

        InputStream in = socket.getInputStream();
        for (int i = 0; i < PIPELINED; i++) {
          assertEquals("HTTP/1.1 200 OK", readAnswer(in), "answer " + i);
        }
        assertEquals(PIPELINED, getRecordsCalls(server));
      }
    }
  }

  private static long getRecordsCalls(TestServer server) {
    return server.server().services().meters().find("tributary.api.requests").tag("operation", "GetRecords")
        .timers().stream().mapToLong(Timer::count).sum();
  }

  /** Reads one answer whole and returns its status line. */
  private static String readAnswer(InputStream in) throws IOException {
    String status = null;
    long length = 0;
    StringBuilder line = new StringBuilder();
    for (int b = in.read(); b >= 0; b = in.read()) {
      if (b != '\n') {
        line.append((char) b);
        continue;
      }
      String header = line.toString().trim();
      line.setLength(0);
      if (status == null) {
        status = header;
      } else if (header.isEmpty()) {
        break;
      } else if (header.toLowerCase(java.util.Locale.ROOT).startsWith("content-length:")) {
        length = Long.parseLong(header.substring(15).trim());
      }
    }
    in.skipNBytes(length);
    return status;
  }
}
