package io.tributary.api;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tributary.support.ClientKind;
import io.tributary.support.Eventually;
import io.tributary.support.KinesisClients;
import io.tributary.support.SignedHttp;
import io.tributary.support.SignedHttp.Answer;
import io.tributary.support.TestServer;
import io.vertx.core.http.HttpVersion;
import java.io.IOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.ShardIteratorType;

/**
 * Request bodies against the server's memory: a body over the in-flight budget is throttled from its
 * declared length, before it is read, while smaller calls are served; a large body within the budget is
 * decoded off the event loop and served; in verify mode a large body with an unknown access key or a
 * malformed Authorization header is refused from its headers alone; an invalid 10 MiB Data value is
 * quoted in a message of bounded length; a GetRecords page is cut to the read budget; a large body is
 * throttled from its headers while the decode queue is full.
 */
class MemoryBudgetTest {
  private static final int REQUEST_BUDGET = 1024 * 1024;
  private static final int READ_BUDGET = 2 * 1024 * 1024;
  private static final String KEY = "AKIDBUDGET";
  private static final String SECRET = "budget-secret";
  private static final DateTimeFormatter AMZ_DATE = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);
  private static TestServer budgeted;
  private static TestServer verifying;

  @BeforeAll
  static void startServers() {
    budgeted = TestServer.start(Map.of("limits.inflight.request.bytes", String.valueOf(REQUEST_BUDGET),
        "limits.inflight.read.bytes", String.valueOf(READ_BUDGET), "storage", "memory"));
    verifying = TestServer.start(Map.of("auth.mode", "verify", "auth.credentials", KEY + ":" + SECRET, "storage", "memory"));
  }

  @AfterAll
  static void stopServers() {
    budgeted.close();
    verifying.close();
  }

  private static String headers(String operation, String authorization, long contentLength) {
    String now = AMZ_DATE.format(Clock.systemUTC().instant());
    return "POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/x-amz-json-1.1\r\n"
        + "X-Amz-Target: Kinesis_20131202." + operation + "\r\nX-Amz-Date: " + now + "\r\n"
        + "Authorization: " + authorization.replace("<day>", now.substring(0, 8)) + "\r\n"
        + "Content-Length: " + contentLength + "\r\n\r\n";
  }

  private static String wellFormedAuthorization(String accessKey) {
    return "AWS4-HMAC-SHA256 Credential=" + accessKey + "/<day>/us-east-1/kinesis/aws4_request, "
        + "SignedHeaders=host;x-amz-date, Signature=abcd";
  }

  /** Sends only the headers and reads the answer, which must come without the body; the server then closes. */
  private static String answerWithoutBody(TestServer server, String headers) throws IOException {
    try (Socket socket = new Socket("127.0.0.1", server.port())) {
      socket.setSoTimeout(10_000);
      socket.getOutputStream().write(headers.getBytes(StandardCharsets.ISO_8859_1));
      return new String(socket.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
    }
  }

  @Test
  void aBodyOverTheBudgetIsThrottledBeforeItIsReadWhileSmallCallsAreServed() throws IOException {
    String put = answerWithoutBody(budgeted, headers("PutRecords", wellFormedAuthorization("AKIDTEST"), 2L * REQUEST_BUDGET));
    assertTrue(put.startsWith("HTTP/1.1 400"), put);
    assertTrue(put.contains("x-amzn-ErrorType: ProvisionedThroughputExceededException"), put);
    assertTrue(put.contains("\"message\":\"Rate exceeded for account 000000000000.\""), put);

    String list = answerWithoutBody(budgeted, headers("ListStreams", wellFormedAuthorization("AKIDTEST"), 2L * REQUEST_BUDGET));
    assertTrue(list.startsWith("HTTP/1.1 400"), list);
    assertTrue(list.contains("x-amzn-ErrorType: LimitExceededException"), list);

    KinesisClient client = KinesisClients.of(ClientKind.SYNC_CBOR_HTTP1, budgeted.endpoint());
    client.createStream(b -> b.streamName("budgeted").shardCount(1));
    assertNotNull(client.putRecord(b -> b.streamName("budgeted").partitionKey("k").data(SdkBytes.fromUtf8String("small")))
        .sequenceNumber());
  }

  @Test
  void aLargeBodyWithinTheBudgetIsDecodedOffTheEventLoopAndServed() {
    KinesisClient client = KinesisClients.of(ClientKind.SYNC_JSON_HTTP1, budgeted.endpoint());
    client.createStream(b -> b.streamName("large-body").shardCount(1));
    byte[] data = new byte[300 * 1024];
    Arrays.fill(data, (byte) 7);
    client.putRecord(b -> b.streamName("large-body").partitionKey("k").data(SdkBytes.fromByteArray(data)));
    String iterator = client.getShardIterator(b -> b.streamName("large-body").shardId("shardId-000000000000")
        .shardIteratorType(ShardIteratorType.TRIM_HORIZON)).shardIterator();
    assertArrayEquals(data, client.getRecords(b -> b.shardIterator(iterator)).records().get(0).data().asByteArray());
    // A body is released once its answer is written, which the client may see a moment before.
    Eventually.assertEqualsWithin(Duration.ofSeconds(2), 0, () -> budgeted.server().services().budgets().requests().used(),
        "every body's bytes are released");
  }

  @Test
  void aLargeBodyMeetingAFullDecodeQueueIsThrottledBeforeItIsRead() throws IOException {
    io.tributary.limits.Budget decodes = budgeted.server().services().budgets().decodes();
    long capacity = decodes.capacity();
    assertTrue(decodes.tryReserve(capacity), "the test holds every place of the decode queue");
    try {
      String put = answerWithoutBody(budgeted, headers("PutRecord", wellFormedAuthorization("AKIDTEST"), 512 * 1024));
      assertTrue(put.startsWith("HTTP/1.1 400"), put);
      assertTrue(put.contains("x-amzn-ErrorType: ProvisionedThroughputExceededException"), put);
    } finally {
      decodes.release(capacity);
    }
    KinesisClient client = KinesisClients.of(ClientKind.SYNC_CBOR_HTTP1, budgeted.endpoint());
    client.createStream(b -> b.streamName("decode-queue").shardCount(1));
    assertNotNull(client.putRecord(b -> b.streamName("decode-queue").partitionKey("k")
        .data(SdkBytes.fromByteArray(new byte[512 * 1024]))).sequenceNumber());
  }

  @Test
  void aGetRecordsPageIsCutToTheReadBudget() {
    KinesisClient client = KinesisClients.of(ClientKind.SYNC_CBOR_HTTP1, budgeted.endpoint());
    client.createStream(b -> b.streamName("read-budget").shardCount(1));
    SdkBytes data = SdkBytes.fromByteArray(new byte[700 * 1024]);
    for (int i = 0; i < 3; i++) client.putRecord(b -> b.streamName("read-budget").partitionKey("k").data(data));
    String iterator = client.getShardIterator(b -> b.streamName("read-budget").shardId("shardId-000000000000")
        .shardIteratorType(ShardIteratorType.TRIM_HORIZON)).shardIterator();
    var first = client.getRecords(b -> b.shardIterator(iterator));
    assertEquals(2, first.records().size(), "three records would pass the 2 MiB read budget");
    assertEquals(1, client.getRecords(b -> b.shardIterator(first.nextShardIterator())).records().size());
    Eventually.assertEqualsWithin(Duration.ofSeconds(2), 0, () -> budgeted.server().services().budgets().reads().used(),
        "every page's bytes are released");
  }

  @Test
  void anUnknownAccessKeyIsRefusedBeforeALargeBodyIsRead() throws IOException {
    String unknown = answerWithoutBody(verifying, headers("PutRecords", wellFormedAuthorization("AKIDUNKNOWN"), 10_000_000));
    assertTrue(unknown.startsWith("HTTP/1.1 400"), unknown);
    assertTrue(unknown.contains("x-amzn-ErrorType: UnrecognizedClientException"), unknown);
    assertTrue(unknown.contains("The security token included in the request is invalid."), unknown);
  }

  @Test
  void aMalformedAuthorizationHeaderIsRefusedBeforeALargeBodyIsRead() throws IOException {
    String malformed = answerWithoutBody(verifying, headers("PutRecords", "AWS4-HMAC-SHA256 Credential=nothing", 10_000_000));
    assertTrue(malformed.startsWith("HTTP/1.1 400"), malformed);
    assertTrue(malformed.contains("x-amzn-ErrorType: IncompleteSignatureException"), malformed);
  }

  @Test
  void anInvalidTenMiBDataValueIsQuotedInABoundedMessage() {
    char[] data = new char[10 * 1024 * 1024];
    Arrays.fill(data, '!');
    byte[] body = ("{\"StreamName\":\"any\",\"PartitionKey\":\"k\",\"Data\":\"" + new String(data) + "\"}")
        .getBytes(StandardCharsets.UTF_8);
    try (SignedHttp http = new SignedHttp(verifying.endpoint(), HttpVersion.HTTP_1_1, 1)) {
      SdkHttpRequest request = SignedHttp.sign(http.call("PutRecord", SignedHttp.JSON), body, KEY, SECRET,
          Clock.systemUTC(), null);
      Answer answer = http.await(request, body);
      assertEquals(400, answer.status());
      assertEquals("SerializationException", answer.errorType());
      String message = answer.document().path("Message").asText();
      assertTrue(message.length() < 70_000, "message of " + message.length() + " characters");
      assertTrue(message.startsWith("'!!!!"), message.substring(0, 10));
      assertTrue(message.endsWith("!!!...' can not be converted to a Blob: Invalid Base64 character: '!'"),
          message.substring(message.length() - 100));
    }
  }
}
