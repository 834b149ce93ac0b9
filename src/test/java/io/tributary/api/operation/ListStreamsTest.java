package io.tributary.api.operation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tributary.support.ApiTest;
import io.tributary.support.ClientKind;
import io.tributary.support.KinesisClients;
import io.tributary.support.TestServer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.InvalidArgumentException;
import software.amazon.awssdk.services.kinesis.model.KinesisException;
import software.amazon.awssdk.services.kinesis.model.ListStreamsResponse;
import software.amazon.awssdk.services.kinesis.model.StreamStatus;

/** ListStreams on a server of its own, so the listing holds exactly the streams made here. */
class ListStreamsTest extends ApiTest {
  private static final List<String> NAMES = List.of("alpha", "bravo", "charlie", "delta", "echo");
  private static TestServer own;

  @BeforeAll
  static void startServer() {
    own = TestServer.start(Map.of());
    KinesisClient client = KinesisClients.of(ClientKind.SYNC_CBOR_HTTP1, own.endpoint());
    for (String name : NAMES) client.createStream(b -> b.streamName(name).shardCount(1));
  }

  @AfterAll
  static void stopServer() {
    own.close();
  }

  @ParameterizedTest
  @EnumSource(ClientKind.class)
  void pagesWithNextToken(ClientKind kind) {
    KinesisClient client = KinesisClients.of(kind, own.endpoint());
    List<String> seen = new ArrayList<>();
    ListStreamsResponse page = client.listStreams(b -> b.limit(2));
    seen.addAll(page.streamNames());
    assertTrue(page.hasMoreStreams());
    assertEquals(2, page.streamSummaries().size());
    assertEquals(StreamStatus.ACTIVE, page.streamSummaries().get(0).streamStatus());
    while (page.nextToken() != null) {
      String token = page.nextToken();
      page = client.listStreams(b -> b.nextToken(token).limit(2));
      seen.addAll(page.streamNames());
    }
    assertFalse(page.hasMoreStreams());
    assertEquals(NAMES, seen);
  }

  @ParameterizedTest
  @EnumSource(ClientKind.class)
  void pagesWithExclusiveStartStreamName(ClientKind kind) {
    KinesisClient client = KinesisClients.of(kind, own.endpoint());
    ListStreamsResponse page = client.listStreams(b -> b.exclusiveStartStreamName("bravo"));
    assertEquals(List.of("charlie", "delta", "echo"), page.streamNames());
    assertFalse(page.hasMoreStreams());
    assertNull(page.nextToken());
  }

  @ParameterizedTest
  @EnumSource(ClientKind.class)
  void rejectsBadLimitsAndTokens(ClientKind kind) {
    KinesisClient client = KinesisClients.of(kind, own.endpoint());
    KinesisException error = assertKinesisError(KinesisException.class,
        "1 validation error detected: Value '0' at 'limit' failed to satisfy constraint: Member must have value greater "
            + "than or equal to 1", () -> client.listStreams(b -> b.limit(0)));
    assertEquals("ValidationException", error.awsErrorDetails().errorCode());
    assertKinesisError(InvalidArgumentException.class, "Invalid NextToken.",
        () -> client.listStreams(b -> b.nextToken("not-a-token")));
  }
}
