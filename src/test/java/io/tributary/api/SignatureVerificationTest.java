package io.tributary.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tributary.support.ClientKind;
import io.tributary.support.KinesisClients;
import io.tributary.support.MutableClock;
import io.tributary.support.SignedHttp;
import io.tributary.support.SignedHttp.Answer;
import io.tributary.support.TestServer;
import io.vertx.core.http.HttpVersion;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.core.retry.RetryPolicy;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.Protocol;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.http.nio.netty.NettyNioAsyncHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.kinesis.KinesisAsyncClient;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.KinesisException;
import software.amazon.awssdk.services.kinesis.model.ShardIteratorType;
import software.amazon.awssdk.services.kinesis.model.SubscribeToShardResponseHandler;

/**
 * {@code auth.mode=verify}: signatures the AWS SDK computes are accepted from every client kind (HTTP/1.1
 * and h2c, JSON and CBOR, and h2 over TLS); a request changed after signing (method, header, body, date,
 * key), signed with a wrong secret or an unknown key, or signed too long ago or ahead is refused with
 * Kinesis's error. The server's clock is a test clock, so the expiry messages are exact.
 */
class SignatureVerificationTest {
  private static final String KEY = "AKIDTEST";
  private static final String SECRET = "secret";
  private static final String OTHER_KEY = "AKIDOTHER";
  private static final String OTHER_SECRET = "other-secret-value";
  private static final String MISMATCH = "The request signature we calculated does not match the signature you provided. "
      + "Check your AWS Secret Access Key and signing method. Consult the service documentation for details.";
  private static final byte[] LIST_STREAMS = "{}".getBytes(StandardCharsets.UTF_8);

  private static final MutableClock CLOCK = new MutableClock();
  private static TestServer server;

  @BeforeAll
  static void startServer() {
    server = TestServer.start(Map.of("auth.mode", "verify",
        "auth.credentials", KEY + ":" + SECRET + "," + OTHER_KEY + ":" + OTHER_SECRET), CLOCK);
  }

  @AfterAll
  static void stopServer() {
    server.close();
  }

  /** The server's "now", for signing as the SDK would at this moment. */
  private static Clock now() {
    return Clock.fixed(CLOCK.instant(), ZoneOffset.UTC);
  }

  @ParameterizedTest
  @EnumSource(ClientKind.class)
  void everyClientKindIsServedWithTheRightKey(ClientKind kind) {
    exerciseStream(KinesisClients.of(kind, server.endpoint()), "verified-" + kind.name().toLowerCase());
  }

  @ParameterizedTest
  @EnumSource(value = ClientKind.class, names = {"ASYNC_CBOR_H2C", "SYNC_JSON_HTTP1"})
  void theTlsPortVerifiesToo(ClientKind kind) {
    // On https the async client speaks h2 without ALPN; the sync client HTTP/1.1.
    exerciseStream(KinesisClients.of(kind, server.tlsEndpoint()), "verified-tls-" + kind.name().toLowerCase());
  }

  private static void exerciseStream(KinesisClient kinesis, String stream) {
    kinesis.createStream(b -> b.streamName(stream).shardCount(1));
    kinesis.putRecord(b -> b.streamName(stream).partitionKey("a").data(SdkBytes.fromUtf8String("signed")));
    String shard = kinesis.listShards(b -> b.streamName(stream)).shards().get(0).shardId();
    String iterator = kinesis.getShardIterator(b -> b.streamName(stream).shardId(shard)
        .shardIteratorType(ShardIteratorType.TRIM_HORIZON)).shardIterator();
    assertEquals("signed", kinesis.getRecords(b -> b.shardIterator(iterator)).records().get(0).data().asUtf8String());
    assertTrue(kinesis.listStreams().streamNames().contains(stream));
  }

  /** SubscribeToShard as KCL makes it: the async client over h2c, its event stream answered once verified. */
  @Test
  void verifiesSubscribeToShard() throws Exception {
    KinesisClient kinesis = KinesisClients.of(ClientKind.ASYNC_CBOR_H2C, server.endpoint());
    kinesis.createStream(b -> b.streamName("verified-subscription").shardCount(1));
    kinesis.putRecord(b -> b.streamName("verified-subscription").partitionKey("a").data(SdkBytes.fromUtf8String("pushed")));
    String streamArn = kinesis.describeStreamSummary(b -> b.streamName("verified-subscription"))
        .streamDescriptionSummary().streamARN();
    String consumerArn = kinesis.registerStreamConsumer(b -> b.streamARN(streamArn).consumerName("verified"))
        .consumer().consumerARN();
    try (KinesisAsyncClient async = KinesisAsyncClient.builder()
        .endpointOverride(server.endpoint())
        .region(Region.US_EAST_1)
        .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(KEY, SECRET)))
        .httpClientBuilder(NettyNioAsyncHttpClient.builder().protocol(Protocol.HTTP2))
        .overrideConfiguration(o -> o.retryPolicy(RetryPolicy.none()))
        .build()) {
      CompletableFuture<String> firstRecord = new CompletableFuture<>();
      SubscribeToShardResponseHandler handler = SubscribeToShardResponseHandler.builder()
          .subscriber(SubscribeToShardResponseHandler.Visitor.builder().onSubscribeToShardEvent(event -> {
            if (!event.records().isEmpty()) firstRecord.complete(event.records().get(0).data().asUtf8String());
          }).build())
          .onError(firstRecord::completeExceptionally)
          .build();
      CompletableFuture<Void> done = async.subscribeToShard(b -> b.consumerARN(consumerArn).shardId("shardId-000000000000")
          .startingPosition(p -> p.type(ShardIteratorType.TRIM_HORIZON)), handler);
      assertEquals("pushed", firstRecord.get(20, TimeUnit.SECONDS));
      done.cancel(true);
    }
  }

  @Test
  void refusesAnUnknownKeyAndAWrongSecret() {
    KinesisException unknown = assertThrows(KinesisException.class, () -> sdkClient("AKIDNOBODY", SECRET).listStreams());
    assertEquals(400, unknown.statusCode());
    assertEquals("UnrecognizedClientException", unknown.awsErrorDetails().errorCode());
    assertEquals("The security token included in the request is invalid.", unknown.awsErrorDetails().errorMessage());

    KinesisException wrongSecret = assertThrows(KinesisException.class, () -> sdkClient(KEY, "not-the-secret").listStreams());
    assertEquals(400, wrongSecret.statusCode());
    assertEquals("InvalidSignatureException", wrongSecret.awsErrorDetails().errorCode());
    assertEquals(MISMATCH, wrongSecret.awsErrorDetails().errorMessage());
  }

  private static KinesisClient sdkClient(String accessKey, String secret) {
    return KinesisClient.builder()
        .endpointOverride(server.endpoint())
        .region(Region.US_EAST_1)
        .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(accessKey, secret)))
        .httpClientBuilder(ApacheHttpClient.builder())
        .overrideConfiguration(o -> o.retryPolicy(RetryPolicy.none()))
        .build();
  }

  @ParameterizedTest
  @EnumSource(value = HttpVersion.class, names = {"HTTP_1_1", "HTTP_2"})
  void refusesARequestChangedAfterSigning(HttpVersion version) {
    try (SignedHttp http = new SignedHttp(server.endpoint(), version, 2)) {
      SdkHttpRequest unsigned = http.call("ListStreams", SignedHttp.JSON);
      SdkHttpRequest signed = SignedHttp.sign(unsigned, LIST_STREAMS, KEY, SECRET, now(), null);
      assertEquals(200, http.await(signed, LIST_STREAMS).status(), "as signed");
      assertEquals(200, SignedHttp.awaitAnswer(http.send(signed, LIST_STREAMS, true)).status(), "as signed, chunked");

      SdkHttpRequest signedAsGet = SignedHttp.sign(unsigned.toBuilder().method(SdkHttpMethod.GET).build(), LIST_STREAMS,
          KEY, SECRET, now(), null);
      assertMismatch(http.await(signedAsGet.toBuilder().method(SdkHttpMethod.POST).build(), LIST_STREAMS), "method");
      assertMismatch(http.await(signed.toBuilder().putHeader("X-Amz-Target", "Kinesis_20131202.DescribeLimits").build(),
          LIST_STREAMS), "signed header");
      assertMismatch(http.await(signed, "{ }".getBytes(StandardCharsets.UTF_8)), "body");
      String date = signed.firstMatchingHeader("X-Amz-Date").orElseThrow();
      String secondLater = date.substring(0, 14) + (date.charAt(14) == '9' ? '8' : '9') + 'Z';
      assertMismatch(http.await(signed.toBuilder().putHeader("X-Amz-Date", secondLater).build(), LIST_STREAMS), "date");
      assertMismatch(http.await(withAuthorization(signed, a -> a.replace(KEY + "/", OTHER_KEY + "/")), LIST_STREAMS),
          "another known key");

      Answer unknownKey = http.await(withAuthorization(signed, a -> a.replace(KEY + "/", "AKIDNOBODY/")), LIST_STREAMS);
      assertError(unknownKey, "UnrecognizedClientException", "The security token included in the request is invalid.");
      Answer otherService = http.await(withAuthorization(signed, a -> a.replace("/kinesis/", "/dynamodb/")), LIST_STREAMS);
      assertError(otherService, "InvalidSignatureException", "Credential should be scoped to correct service: 'kinesis'.");
      Answer sha512 = http.await(withAuthorization(signed, a -> a.replace("AWS4-HMAC-SHA256", "AWS4-HMAC-SHA512")), LIST_STREAMS);
      assertError(sha512, "IncompleteSignatureException",
          "Unsupported AWS 'algorithm': 'AWS4-HMAC-SHA512' (only AWS4-HMAC-SHA256 for now). ");
      Answer hostUnsigned = http.await(withAuthorization(signed, a -> a.replace("host;", "")), LIST_STREAMS);
      assertError(hostUnsigned, "InvalidSignatureException", "'Host' must be a 'SignedHeader' in the AWS Authorization.");
      Answer shortScope = http.await(withAuthorization(signed, a -> a.replace("/us-east-1/kinesis", "")), LIST_STREAMS);
      assertError(shortScope, "IncompleteSignatureException", "Credential must have exactly 5 slash-delimited elements, "
          + "e.g. keyid/date/region/service/term, got '" + KEY + "/" + date.substring(0, 8) + "/aws4_request'");
    }
  }

  @Test
  void verifiesCborBodies() {
    byte[] cbor = {(byte) 0xA0}; // an empty CBOR map
    try (SignedHttp http = new SignedHttp(server.endpoint(), HttpVersion.HTTP_2, 1)) {
      SdkHttpRequest signed = SignedHttp.sign(http.call("ListStreams", SignedHttp.CBOR), cbor, KEY, SECRET, now(), null);
      Answer answer = http.await(signed, cbor);
      assertEquals(200, answer.status());
      assertTrue(answer.document().has("StreamNames"));
      assertMismatch(http.await(signed, new byte[] {(byte) 0xBF, (byte) 0xFF}), "CBOR body");
    }
  }

  @Test
  void refusesSignaturesOutsideTheAllowedSkew() {
    Instant now = CLOCK.instant().with(java.time.temporal.ChronoField.NANO_OF_SECOND, 0);
    try (SignedHttp http = new SignedHttp(server.endpoint(), HttpVersion.HTTP_1_1, 1)) {
      SdkHttpRequest unsigned = http.call("ListStreams", SignedHttp.JSON);
      Clock sixMinutesAgo = Clock.fixed(now.minusSeconds(360), ZoneOffset.UTC);
      Clock sixMinutesAhead = Clock.fixed(now.plusSeconds(360), ZoneOffset.UTC);
      Clock fourMinutesAgo = Clock.fixed(now.minusSeconds(240), ZoneOffset.UTC);
      synchronized (CLOCK) {
        Answer old = http.await(SignedHttp.sign(unsigned, LIST_STREAMS, KEY, SECRET, sixMinutesAgo, null), LIST_STREAMS);
        assertError(old, "InvalidSignatureException", "Signature expired: " + basic(now.minusSeconds(360))
            + " is now earlier than " + basic(now.minusSeconds(300)) + " (" + basic(CLOCK.instant()) + " - 5 min.)");
        Answer ahead = http.await(SignedHttp.sign(unsigned, LIST_STREAMS, KEY, SECRET, sixMinutesAhead, null), LIST_STREAMS);
        assertError(ahead, "InvalidSignatureException", "Signature not yet current: " + basic(now.plusSeconds(360))
            + " is still later than " + basic(now.plusSeconds(300)) + " (" + basic(CLOCK.instant()) + " + 5 min.)");
        assertEquals(200, http.await(SignedHttp.sign(unsigned, LIST_STREAMS, KEY, SECRET, fourMinutesAgo, null),
            LIST_STREAMS).status(), "within the skew");
      }
    }
  }

  @Test
  void acceptsPresignedRequestsUntilTheyExpire() {
    try (SignedHttp http = new SignedHttp(server.endpoint(), HttpVersion.HTTP_1_1, 1)) {
      Instant signedAt = CLOCK.instant().with(java.time.temporal.ChronoField.NANO_OF_SECOND, 0);
      SdkHttpRequest presigned = SignedHttp.sign(http.call("ListStreams", SignedHttp.JSON), LIST_STREAMS, KEY, SECRET,
          Clock.fixed(signedAt, ZoneOffset.UTC), Duration.ofSeconds(60));
      assertFalse(presigned.firstMatchingHeader("Authorization").isPresent());
      assertEquals(200, http.await(presigned, LIST_STREAMS).status());
      SdkHttpRequest tampered = presigned.toBuilder().putRawQueryParameter("X-Amz-Expires", "600").build();
      assertMismatch(http.await(tampered, LIST_STREAMS), "presigned expiry");

      Answer expired;
      synchronized (CLOCK) {
        CLOCK.advance(Duration.ofSeconds(120));
        expired = http.await(presigned, LIST_STREAMS);
      }
      assertError(expired, "InvalidSignatureException", "Signature expired: " + basic(signedAt) + " is now earlier than "
          + basic(CLOCK.instant().minusSeconds(60)) + " (" + basic(CLOCK.instant()) + " - 60 sec.)");
    }
  }

  @Test
  void acceptsAnUnsignedPayloadAsDeclared() {
    try (SignedHttp http = new SignedHttp(server.endpoint(), HttpVersion.HTTP_1_1, 1)) {
      SdkHttpRequest signed = SignedHttp.signWithoutPayload(http.call("ListStreams", SignedHttp.JSON), LIST_STREAMS,
          KEY, SECRET, now());
      assertEquals("UNSIGNED-PAYLOAD", signed.firstMatchingHeader("x-amz-content-sha256").orElseThrow());
      assertEquals(200, http.await(signed, LIST_STREAMS).status());
      // The body is not part of the signature, as the client declared; the headers still are.
      assertEquals(200, http.await(signed, "{ }".getBytes(StandardCharsets.UTF_8)).status());
      assertMismatch(http.await(signed.toBuilder().putHeader("x-amz-content-sha256", "0".repeat(64)).build(), LIST_STREAMS),
          "declared hash");
    }
  }

  @Test
  void neverLogsASecret() {
    PrintStream original = System.err;
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
    try {
      assertThrows(KinesisException.class, () -> sdkClient(KEY, "wrong-" + OTHER_SECRET).listStreams());
      assertThrows(KinesisException.class, () -> sdkClient("AKIDNOBODY", OTHER_SECRET).listStreams());
    } finally {
      System.setErr(original);
    }
    String log = captured.toString(StandardCharsets.UTF_8) + server.server().settings();
    assertFalse(log.contains(OTHER_SECRET), log);
    assertTrue(server.server().settings().toString().contains("auth.credentials=****"));
  }

  private static SdkHttpRequest withAuthorization(SdkHttpRequest signed, java.util.function.UnaryOperator<String> change) {
    String authorization = signed.firstMatchingHeader("Authorization").orElseThrow();
    return signed.toBuilder().putHeader("Authorization", change.apply(authorization)).build();
  }

  private static void assertMismatch(Answer answer, String what) {
    assertEquals(400, answer.status(), what);
    assertEquals("InvalidSignatureException", answer.errorType(), what);
    assertEquals(MISMATCH, answer.message(), what);
  }

  private static void assertError(Answer answer, String type, String message) {
    assertEquals(400, answer.status(), () -> new String(answer.body()));
    assertEquals(type, answer.headers().get("x-amzn-ErrorType"));
    assertEquals(type, answer.errorType());
    assertEquals(message, answer.message());
  }

  private static String basic(Instant instant) {
    return java.time.format.DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC).format(instant);
  }

}
