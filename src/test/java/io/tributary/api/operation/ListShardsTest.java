package io.tributary.api.operation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.tributary.support.ApiTest;
import io.tributary.support.ClientKind;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.InvalidArgumentException;
import software.amazon.awssdk.services.kinesis.model.KinesisException;
import software.amazon.awssdk.services.kinesis.model.ListShardsResponse;
import software.amazon.awssdk.services.kinesis.model.ResourceNotFoundException;
import software.amazon.awssdk.services.kinesis.model.Shard;
import software.amazon.awssdk.services.kinesis.model.ShardFilterType;

class ListShardsTest extends ApiTest {

  @ParameterizedTest
  @EnumSource(ClientKind.class)
  void pagesWithNextTokenAlone(ClientKind kind) {
    KinesisClient client = client(kind);
    String name = createStream("list-shards", 7);
    List<String> seen = new ArrayList<>();
    ListShardsResponse page = client.listShards(b -> b.streamName(name).maxResults(3));
    seen.addAll(page.shards().stream().map(Shard::shardId).toList());
    int pages = 1;
    while (page.nextToken() != null) {
      String token = page.nextToken();
      page = client.listShards(b -> b.nextToken(token).maxResults(3));
      seen.addAll(page.shards().stream().map(Shard::shardId).toList());
      pages++;
    }
    assertEquals(3, pages);
    assertEquals(7, seen.size());
    assertEquals("shardId-000000000006", seen.get(6));
  }

  @ParameterizedTest
  @EnumSource(ClientKind.class)
  void filtersShards(ClientKind kind) {
    KinesisClient client = client(kind);
    String name = createStream("filter", 4);
    assertEquals(List.of("shardId-000000000002", "shardId-000000000003"), ids(client.listShards(b -> b.streamName(name)
        .shardFilter(f -> f.type(ShardFilterType.AFTER_SHARD_ID).shardId("shardId-000000000001")))));
    assertEquals(4, client.listShards(b -> b.streamName(name).shardFilter(f -> f.type(ShardFilterType.AT_LATEST)))
        .shards().size());
    assertEquals(4, client.listShards(b -> b.streamName(name).shardFilter(f -> f.type(ShardFilterType.AT_TRIM_HORIZON)))
        .shards().size());
    assertEquals(4, client.listShards(b -> b.streamName(name)
        .shardFilter(f -> f.type(ShardFilterType.AT_TIMESTAMP).timestamp(Instant.now()))).shards().size());
    assertEquals(List.of("shardId-000000000003"),
        ids(client.listShards(b -> b.streamName(name).exclusiveStartShardId("shardId-000000000002"))));
    assertNull(client.listShards(b -> b.streamName(name)).nextToken());
  }

  @ParameterizedTest
  @EnumSource(ClientKind.class)
  void rejectsConflictingArguments(ClientKind kind) {
    KinesisClient client = client(kind);
    String name = createStream("conflict", 2);
    String token = client.listShards(b -> b.streamName(name).maxResults(1)).nextToken();
    assertKinesisError(InvalidArgumentException.class, "NextToken and StreamName cannot be provided together.",
        () -> client.listShards(b -> b.streamName(name).nextToken(token)));
    assertKinesisError(InvalidArgumentException.class, "NextToken and ShardFilter cannot be provided together.",
        () -> client.listShards(b -> b.nextToken(token).shardFilter(f -> f.type(ShardFilterType.AT_LATEST))));
    assertKinesisError(InvalidArgumentException.class, "Either NextToken or StreamName should be provided.",
        () -> client.listShards(b -> b.maxResults(5)));
    assertKinesisError(InvalidArgumentException.class,
        "ShardId must be supplied in a ShardFilter with a Type of AFTER_SHARD_ID",
        () -> client.listShards(b -> b.streamName(name).shardFilter(f -> f.type(ShardFilterType.AFTER_SHARD_ID))));
    assertKinesisError(ResourceNotFoundException.class, "Stream missing-stream under account 000000000000 not found.",
        () -> client.listShards(b -> b.streamName("missing-stream")));
    KinesisException error = assertKinesisError(KinesisException.class,
        "1 validation error detected: Value '10001' at 'maxResults' failed to satisfy constraint: Member must have value "
            + "less than or equal to 10000", () -> client.listShards(b -> b.streamName(name).maxResults(10001)));
    assertEquals("ValidationException", error.awsErrorDetails().errorCode());
  }

  @ParameterizedTest
  @EnumSource(ClientKind.class)
  void everyPageHonoursTheShardFilter(ClientKind kind) {
    KinesisClient client = client(kind);
    String name = createStream("filter-pages", 4);
    client.splitShard(b -> b.streamName(name).shardToSplit("shardId-000000000001")
        .newStartingHashKey("127605887595351923798765477786913079296"));
    awaitActive(client, name);
    List<String> seen = new ArrayList<>();
    ListShardsResponse page = client.listShards(b -> b.streamName(name).maxResults(1)
        .shardFilter(f -> f.type(ShardFilterType.AT_LATEST)));
    seen.addAll(ids(page));
    while (page.nextToken() != null) {
      String token = page.nextToken();
      page = client.listShards(b -> b.nextToken(token).maxResults(1));
      seen.addAll(ids(page));
    }
    // The split shard is closed: AT_LATEST leaves it out of every page, not only the first.
    assertEquals(List.of("shardId-000000000000", "shardId-000000000002", "shardId-000000000003",
        "shardId-000000000004", "shardId-000000000005"), seen);
  }

  @ParameterizedTest
  @EnumSource(ClientKind.class)
  void refusesATokenThatIsNotOneOfOurs(ClientKind kind) {
    KinesisClient client = client(kind);
    String name = createStream("forged-token", 3);
    String token = client.listShards(b -> b.streamName(name).maxResults(1)).nextToken();
    String altered = token.substring(0, token.length() - 2) + (token.endsWith("AA") ? "AB" : "AA");
    assertKinesisError(InvalidArgumentException.class, "Invalid NextToken.",
        () -> client.listShards(b -> b.nextToken(altered)));
    String plain = java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(
        (System.currentTimeMillis() + "\n000000000000/us-east-1/" + name + "\nshardId-000000000000")
            .getBytes(java.nio.charset.StandardCharsets.UTF_8));
    assertKinesisError(InvalidArgumentException.class, "Invalid NextToken.",
        () -> client.listShards(b -> b.nextToken(plain)));
  }

  private static List<String> ids(ListShardsResponse response) {
    return response.shards().stream().map(Shard::shardId).toList();
  }
}
