package io.tributary.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tributary.support.TestServer;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.core.retry.RetryPolicy;
import software.amazon.awssdk.http.Protocol;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.http.nio.netty.NettyNioAsyncHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.kinesis.KinesisAsyncClient;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.AccessDeniedException;
import software.amazon.awssdk.services.kinesis.model.InvalidArgumentException;
import software.amazon.awssdk.services.kinesis.model.ResourceNotFoundException;
import software.amazon.awssdk.services.kinesis.model.ShardIteratorType;
import software.amazon.awssdk.services.kinesis.model.SubscribeToShardResponseHandler;

/**
 * Two accounts on one server in {@code auth.mode=verify}, each with its own access key: the guest account
 * reaches the owner's stream or consumer (by StreamARN, ConsumerARN or ResourceARN, or through a token or
 * iterator) only as far as the resource's policy allows it, an explicit Deny wins, and page tokens and
 * iterators do not carry one account's access over to the other. Sync clients, CBOR and JSON.
 */
class CrossAccountAccessTest {
  private static final String OWNER = "111111111111";
  private static final String GUEST = "222222222222";
  /** A user of the guest account, whom a policy may name alone. */
  private static final String ALICE = "arn:aws:iam::" + GUEST + ":user/alice";
  private static final AtomicInteger NAMES = new AtomicInteger();
  private static TestServer server;

  @BeforeAll
  static void startServer() {
    server = TestServer.start(Map.of("auth.mode", "verify",
        "auth.credentials", "AKIDOWNER:owner-secret,AKIDGUEST:guest-secret,AKIDALICE:alice-secret",
        "accounts", "AKIDOWNER=" + OWNER + ",AKIDGUEST=" + GUEST + ",AKIDALICE=" + ALICE));
  }

  @AfterAll
  static void stopServer() {
    server.close();
  }

  private static KinesisClient owner(boolean cbor) {
    return client("AKIDOWNER", "owner-secret", cbor);
  }

  private static KinesisClient guest(boolean cbor) {
    return client("AKIDGUEST", "guest-secret", cbor);
  }

  private static KinesisClient client(String key, String secret, boolean cbor) {
    // The SDK reads the CBOR switch when it builds a client.
    String previous = System.getProperty("aws.cborEnabled");
    System.setProperty("aws.cborEnabled", String.valueOf(cbor));
    try {
      return KinesisClient.builder()
          .endpointOverride(server.endpoint())
          .region(Region.US_EAST_1)
          .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(key, secret)))
          .httpClientBuilder(ApacheHttpClient.builder())
          .overrideConfiguration(o -> o.retryPolicy(RetryPolicy.none()).apiCallTimeout(Duration.ofSeconds(30)))
          .build();
    } finally {
      if (previous == null) System.clearProperty("aws.cborEnabled"); else System.setProperty("aws.cborEnabled", previous);
    }
  }

  private static String newStream(KinesisClient owner, int shards) {
    String name = "shared-" + NAMES.incrementAndGet();
    owner.createStream(b -> b.streamName(name).shardCount(shards));
    return name;
  }

  private static String arn(String stream) {
    return "arn:aws:kinesis:us-east-1:" + OWNER + ":stream/" + stream;
  }

  private static String policy(String statements) {
    return "{\"Version\":\"2012-10-17\",\"Statement\":[" + statements + "]}";
  }

  private static String allow(String account, String resource, String... actions) {
    return statement("Allow", account, resource, actions);
  }

  private static String statement(String effect, String account, String resource, String... actions) {
    return "{\"Effect\":\"" + effect + "\",\"Principal\":{\"AWS\":\"arn:aws:iam::" + account + ":root\"},\"Action\":[\""
        + String.join("\",\"", actions) + "\"],\"Resource\":\"" + resource + "\"}";
  }

  private static String notAllowed(String account, String operation, String resource) {
    return "User: arn:aws:iam::" + account + ":root is not authorized to perform: kinesis:" + operation
        + " on resource: " + resource + " because no resource-based policy allows the kinesis:" + operation + " action";
  }

  private static String explicitlyDenied(String account, String operation, String resource) {
    return "User: arn:aws:iam::" + account + ":root is not authorized to perform: kinesis:" + operation
        + " on resource: " + resource + " with an explicit deny in a resource-based policy";
  }

  private static void assertDenied(String message, Executable call) {
    AccessDeniedException denied = assertThrows(AccessDeniedException.class, call);
    assertEquals(400, denied.statusCode());
    assertEquals("AccessDeniedException", denied.awsErrorDetails().errorCode());
    assertEquals(message, denied.awsErrorDetails().errorMessage());
  }

  @ParameterizedTest
  @ValueSource(booleans = {true, false})
  void anotherAccountsStreamIsServedOnlyAsFarAsItsPolicyAllows(boolean cbor) {
    KinesisClient owner = owner(cbor);
    KinesisClient guest = guest(cbor);
    String name = newStream(owner, 2);
    String arn = arn(name);
    owner.putRecord(b -> b.streamName(name).partitionKey("k").data(SdkBytes.fromUtf8String("from the owner")));

    List<String> shared = List.of("DescribeStream", "DescribeStreamSummary", "ListShards", "GetShardIterator", "PutRecord", "PutRecords",
        "ListStreamConsumers", "RegisterStreamConsumer");
    Map<String, Executable> calls = Map.of(
        "DescribeStream", () -> guest.describeStream(b -> b.streamARN(arn)),
        "DescribeStreamSummary", () -> guest.describeStreamSummary(b -> b.streamARN(arn)),
        "ListShards", () -> guest.listShards(b -> b.streamARN(arn)),
        "GetShardIterator", () -> guest.getShardIterator(b -> b.streamARN(arn).shardId("shardId-000000000000")
            .shardIteratorType(ShardIteratorType.TRIM_HORIZON)),
        "PutRecord", () -> guest.putRecord(b -> b.streamARN(arn).partitionKey("k").data(SdkBytes.fromUtf8String("guest"))),
        "PutRecords", () -> guest.putRecords(b -> b.streamARN(arn)
            .records(r -> r.partitionKey("k").data(SdkBytes.fromUtf8String("guest")))),
        "ListStreamConsumers", () -> guest.listStreamConsumers(b -> b.streamARN(arn)),
        "RegisterStreamConsumer", () -> guest.registerStreamConsumer(b -> b.streamARN(arn).consumerName("guest-reader")));
    for (String operation : shared) assertDenied(notAllowed(GUEST, operation, arn), calls.get(operation));

    // Operations Kinesis never shares across accounts stay refused, whatever the policy says.
    Map<String, Executable> ownerOnly = Map.ofEntries(
        Map.entry("AddTagsToStream", () -> guest.addTagsToStream(b -> b.streamARN(arn).tags(Map.of("k", "v")))),
        Map.entry("RemoveTagsFromStream", () -> guest.removeTagsFromStream(b -> b.streamARN(arn).tagKeys("k"))),
        Map.entry("ListTagsForStream", () -> guest.listTagsForStream(b -> b.streamARN(arn))),
        Map.entry("TagResource", () -> guest.tagResource(b -> b.resourceARN(arn).tags(Map.of("k", "v")))),
        Map.entry("UntagResource", () -> guest.untagResource(b -> b.resourceARN(arn).tagKeys("k"))),
        Map.entry("ListTagsForResource", () -> guest.listTagsForResource(b -> b.resourceARN(arn))),
        Map.entry("GetResourcePolicy", () -> guest.getResourcePolicy(b -> b.resourceARN(arn))),
        Map.entry("PutResourcePolicy",
            () -> guest.putResourcePolicy(b -> b.resourceARN(arn).policy(policy(allow(GUEST, "*", "*"))))),
        Map.entry("DeleteResourcePolicy", () -> guest.deleteResourcePolicy(b -> b.resourceARN(arn))),
        Map.entry("DeleteStream", () -> guest.deleteStream(b -> b.streamARN(arn))),
        Map.entry("IncreaseStreamRetentionPeriod",
            () -> guest.increaseStreamRetentionPeriod(b -> b.streamARN(arn).retentionPeriodHours(48))),
        Map.entry("DecreaseStreamRetentionPeriod",
            () -> guest.decreaseStreamRetentionPeriod(b -> b.streamARN(arn).retentionPeriodHours(24))),
        Map.entry("EnableEnhancedMonitoring",
            () -> guest.enableEnhancedMonitoring(b -> b.streamARN(arn).shardLevelMetricsWithStrings("ALL"))),
        Map.entry("DisableEnhancedMonitoring",
            () -> guest.disableEnhancedMonitoring(b -> b.streamARN(arn).shardLevelMetricsWithStrings("ALL"))),
        Map.entry("StartStreamEncryption", () -> guest.startStreamEncryption(b -> b.streamARN(arn)
            .encryptionType("KMS").keyId("alias/aws/kinesis"))),
        Map.entry("StopStreamEncryption", () -> guest.stopStreamEncryption(b -> b.streamARN(arn)
            .encryptionType("KMS").keyId("alias/aws/kinesis"))),
        Map.entry("SplitShard", () -> guest.splitShard(b -> b.streamARN(arn).shardToSplit("shardId-000000000000")
            .newStartingHashKey("1000"))),
        Map.entry("MergeShards", () -> guest.mergeShards(b -> b.streamARN(arn).shardToMerge("shardId-000000000000")
            .adjacentShardToMerge("shardId-000000000001"))),
        Map.entry("UpdateShardCount",
            () -> guest.updateShardCount(b -> b.streamARN(arn).targetShardCount(4).scalingType("UNIFORM_SCALING"))),
        Map.entry("UpdateStreamMode", () -> guest.updateStreamMode(b -> b.streamARN(arn)
            .streamModeDetails(d -> d.streamMode("ON_DEMAND")))),
        Map.entry("UpdateMaxRecordSize", () -> guest.updateMaxRecordSize(b -> b.streamARN(arn).maxRecordSizeInKiB(2048))),
        Map.entry("UpdateStreamWarmThroughput",
            () -> guest.updateStreamWarmThroughput(b -> b.streamARN(arn).warmThroughputMiBps(10))));
    owner.putResourcePolicy(b -> b.resourceARN(arn).policy(policy(allow(GUEST, arn, "kinesis:*"))));
    for (Map.Entry<String, Executable> call : ownerOnly.entrySet()) {
      assertDenied(notAllowed(GUEST, call.getKey(), arn), call.getValue());
    }

    assertEquals(arn, guest.describeStreamSummary(b -> b.streamARN(arn)).streamDescriptionSummary().streamARN());
    assertEquals(2, guest.listShards(b -> b.streamARN(arn)).shards().size());
    assertEquals(2, guest.describeStream(b -> b.streamARN(arn)).streamDescription().shards().size());
    String iterator = guest.getShardIterator(b -> b.streamARN(arn).shardId("shardId-000000000000")
        .shardIteratorType(ShardIteratorType.TRIM_HORIZON)).shardIterator();
    String otherShard = guest.getShardIterator(b -> b.streamARN(arn).shardId("shardId-000000000001")
        .shardIteratorType(ShardIteratorType.TRIM_HORIZON)).shardIterator();
    int read = guest.getRecords(b -> b.shardIterator(iterator)).records().size()
        + guest.getRecords(b -> b.shardIterator(otherShard)).records().size();
    assertEquals(1, read);
    guest.putRecord(b -> b.streamARN(arn).partitionKey("k").data(SdkBytes.fromUtf8String("guest")));
    assertEquals(0, guest.putRecords(b -> b.streamARN(arn)
        .records(r -> r.partitionKey("k").data(SdkBytes.fromUtf8String("guest")))).failedRecordCount());
    assertEquals("guest-reader",
        guest.registerStreamConsumer(b -> b.streamARN(arn).consumerName("guest-reader")).consumer().consumerName());
    assertEquals(1, guest.listStreamConsumers(b -> b.streamARN(arn)).consumers().size());

    // A StreamName always means the caller's own account.
    ResourceNotFoundException own = assertThrows(ResourceNotFoundException.class,
        () -> guest.describeStreamSummary(b -> b.streamName(name)));
    assertEquals("Stream " + name + " under account " + GUEST + " not found.", own.awsErrorDetails().errorMessage());
  }

  @ParameterizedTest
  @ValueSource(booleans = {true, false})
  void aPolicyAllowsOnlyTheAccountsActionsAndResourcesItNames(boolean cbor) {
    KinesisClient owner = owner(cbor);
    KinesisClient guest = guest(cbor);
    String name = newStream(owner, 1);
    String arn = arn(name);
    owner.putResourcePolicy(b -> b.resourceARN(arn).policy(policy(
        allow("333333333333", arn, "kinesis:*") + ","
        + allow(GUEST, arn, "kinesis:Describe*") + ","
        + allow(GUEST, arn + "-other", "kinesis:ListShards"))));
    guest.describeStreamSummary(b -> b.streamARN(arn));
    assertDenied(notAllowed(GUEST, "ListShards", arn), () -> guest.listShards(b -> b.streamARN(arn)));
    assertDenied(notAllowed(GUEST, "PutRecord", arn),
        () -> guest.putRecord(b -> b.streamARN(arn).partitionKey("k").data(SdkBytes.fromUtf8String("x"))));

    // Another account's stream that does not exist has no policy to allow anything.
    String missing = arn("no-such-stream");
    assertDenied(notAllowed(GUEST, "DescribeStreamSummary", missing),
        () -> guest.describeStreamSummary(b -> b.streamARN(missing)));
  }

  @ParameterizedTest
  @ValueSource(booleans = {true, false})
  void anExplicitDenyWinsForEveryAccountItNames(boolean cbor) {
    KinesisClient owner = owner(cbor);
    KinesisClient guest = guest(cbor);
    String name = newStream(owner, 1);
    String arn = arn(name);
    owner.putResourcePolicy(b -> b.resourceARN(arn).policy(policy(
        "{\"Effect\":\"Allow\",\"Principal\":\"*\",\"Action\":\"kinesis:*\"},"
        + statement("Deny", GUEST, arn, "kinesis:PutRecord*") + ","
        + statement("Deny", OWNER, "*", "kinesis:PutRecords"))));

    guest.describeStreamSummary(b -> b.streamARN(arn));
    assertDenied(explicitlyDenied(GUEST, "PutRecord", arn),
        () -> guest.putRecord(b -> b.streamARN(arn).partitionKey("k").data(SdkBytes.fromUtf8String("x"))));
    assertDenied(explicitlyDenied(GUEST, "PutRecords", arn), () -> guest.putRecords(b -> b.streamARN(arn)
        .records(r -> r.partitionKey("k").data(SdkBytes.fromUtf8String("x")))));

    // The owner's own calls are not limited by the policy, except where a Deny names the owner.
    owner.putRecord(b -> b.streamName(name).partitionKey("k").data(SdkBytes.fromUtf8String("x")));
    assertDenied(explicitlyDenied(OWNER, "PutRecords", arn), () -> owner.putRecords(b -> b.streamName(name)
        .records(r -> r.partitionKey("k").data(SdkBytes.fromUtf8String("x")))));
  }

  @ParameterizedTest
  @ValueSource(booleans = {true, false})
  void anIteratorCarriesNoAccessToAnotherAccount(boolean cbor) {
    KinesisClient owner = owner(cbor);
    KinesisClient guest = guest(cbor);
    String name = newStream(owner, 1);
    String arn = arn(name);
    owner.putRecord(b -> b.streamName(name).partitionKey("k").data(SdkBytes.fromUtf8String("private")));
    String iterator = owner.getShardIterator(b -> b.streamName(name).shardId("shardId-000000000000")
        .shardIteratorType(ShardIteratorType.TRIM_HORIZON)).shardIterator();

    assertDenied(notAllowed(GUEST, "GetRecords", arn), () -> guest.getRecords(b -> b.shardIterator(iterator)));

    owner.putResourcePolicy(b -> b.resourceARN(arn).policy(policy(allow(GUEST, arn, "kinesis:GetRecords"))));
    var page = guest.getRecords(b -> b.shardIterator(iterator));
    assertEquals("private", page.records().get(0).data().asUtf8String());

    // The continuation is checked again on every call: a Deny added since then refuses it.
    owner.putResourcePolicy(b -> b.resourceARN(arn).policy(policy(allow(GUEST, arn, "kinesis:GetRecords") + ","
        + statement("Deny", GUEST, arn, "kinesis:GetRecords"))));
    assertDenied(explicitlyDenied(GUEST, "GetRecords", arn),
        () -> guest.getRecords(b -> b.shardIterator(page.nextShardIterator())));
    assertEquals(0, owner.getRecords(b -> b.shardIterator(page.nextShardIterator())).records().size());
  }

  @ParameterizedTest
  @ValueSource(booleans = {true, false})
  void aNextTokenServesOnlyTheAccountAndListingItCameFrom(boolean cbor) {
    KinesisClient owner = owner(cbor);
    KinesisClient guest = guest(cbor);
    String name = newStream(owner, 3);
    String other = newStream(owner, 3);
    String arn = arn(name);
    owner.putResourcePolicy(b -> b.resourceARN(arn).policy(policy(allow(GUEST, arn, "kinesis:*"))));

    String shardsToken = owner.listShards(b -> b.streamName(name).maxResults(1)).nextToken();
    assertNotNull(shardsToken);
    assertThrowsInvalidToken(() -> guest.listShards(b -> b.nextToken(shardsToken)));
    assertEquals(1, owner.listShards(b -> b.nextToken(shardsToken).maxResults(1)).shards().size());
    // The guest's own token (it may list the shards) works for the guest, not for the owner.
    String guestToken = guest.listShards(b -> b.streamARN(arn).maxResults(1)).nextToken();
    assertEquals("shardId-000000000001", guest.listShards(b -> b.nextToken(guestToken).maxResults(1)).shards().get(0).shardId());
    assertThrowsInvalidToken(() -> owner.listShards(b -> b.nextToken(guestToken)));

    String streamsToken = owner.listStreams(b -> b.limit(1)).nextToken();
    assertNotNull(streamsToken);
    assertThrowsInvalidToken(() -> guest.listStreams(b -> b.nextToken(streamsToken)));

    owner.registerStreamConsumer(b -> b.streamARN(arn).consumerName("first"));
    owner.registerStreamConsumer(b -> b.streamARN(arn).consumerName("second"));
    owner.registerStreamConsumer(b -> b.streamARN(arn(other)).consumerName("third"));
    String consumersToken = owner.listStreamConsumers(b -> b.streamARN(arn).maxResults(1)).nextToken();
    assertNotNull(consumersToken);
    assertThrowsInvalidToken(() -> guest.listStreamConsumers(b -> b.streamARN(arn).nextToken(consumersToken)));
    assertThrowsInvalidToken(() -> owner.listStreamConsumers(b -> b.streamARN(arn(other)).nextToken(consumersToken)));
    assertEquals(1, owner.listStreamConsumers(b -> b.streamARN(arn).nextToken(consumersToken)).consumers().size());
  }

  @ParameterizedTest
  @ValueSource(booleans = {true, false})
  void aPolicyMayNameOneUserOfAnotherAccount(boolean cbor) {
    KinesisClient owner = owner(cbor);
    KinesisClient guest = guest(cbor);
    KinesisClient alice = client("AKIDALICE", "alice-secret", cbor);
    String name = newStream(owner, 1);
    String arn = arn(name);
    owner.putResourcePolicy(b -> b.resourceARN(arn).policy(policy("{\"Effect\":\"Allow\",\"Principal\":{\"AWS\":[\""
        + ALICE + "\"]},\"Action\":\"kinesis:DescribeStreamSummary\",\"Resource\":\"" + arn + "\"}")));
    assertEquals(name, alice.describeStreamSummary(b -> b.streamARN(arn)).streamDescriptionSummary().streamName());
    assertDenied(notAllowed(GUEST, "DescribeStreamSummary", arn), () -> guest.describeStreamSummary(b -> b.streamARN(arn)));
    AccessDeniedException denied = assertThrows(AccessDeniedException.class, () -> alice.listShards(b -> b.streamARN(arn)));
    assertEquals("User: " + ALICE + " is not authorized to perform: kinesis:ListShards on resource: " + arn
        + " because no resource-based policy allows the kinesis:ListShards action", denied.awsErrorDetails().errorMessage());
    // Alice acts in the guest account: a StreamName is the guest account's.
    assertThrows(ResourceNotFoundException.class, () -> alice.describeStreamSummary(b -> b.streamName(name)));
  }

  @Test
  void theAccountsSettingTakesAccountsOrUserArns() {
    AccountPrincipals principals = AccountPrincipals.parse("AKIDA=111111111111, AKIDB=arn:aws:iam::222222222222:user/bob");
    assertEquals(new AccountPrincipals.Principal("111111111111", "arn:aws:iam::111111111111:root"),
        principals.of("AKIDA", "000000000000"));
    assertEquals(new AccountPrincipals.Principal("222222222222", "arn:aws:iam::222222222222:user/bob"),
        principals.of("AKIDB", "000000000000"));
    assertEquals("arn:aws:iam::000000000000:root", principals.of("AKIDOTHER", "000000000000").arn());
    IllegalArgumentException bad = assertThrows(IllegalArgumentException.class,
        () -> AccountPrincipals.parse("AKIDA=1234,AKIDB=222222222222"));
    assertEquals("setting 'accounts' takes <access key id>=<12-digit account> or <access key id>=arn:aws:iam::<account>"
        + ":user/<name>, not 'AKIDA=1234'", bad.getMessage());
  }

  private static void assertThrowsInvalidToken(Executable call) {
    InvalidArgumentException invalid = assertThrows(InvalidArgumentException.class, call);
    assertEquals(400, invalid.statusCode());
    assertEquals("Invalid NextToken.", invalid.awsErrorDetails().errorMessage());
  }

  @ParameterizedTest
  @ValueSource(booleans = {true, false})
  void aConsumerIsSharedByItsOwnPolicy(boolean cbor) {
    KinesisClient owner = owner(cbor);
    KinesisClient guest = guest(cbor);
    String name = newStream(owner, 1);
    String arn = arn(name);
    String consumerArn = owner.registerStreamConsumer(b -> b.streamARN(arn).consumerName("fan-out")).consumer().consumerARN();

    assertDenied(notAllowed(GUEST, "DescribeStreamConsumer", consumerArn),
        () -> guest.describeStreamConsumer(b -> b.consumerARN(consumerArn)));
    assertDenied(notAllowed(GUEST, "DescribeStreamConsumer", consumerArn),
        () -> guest.describeStreamConsumer(b -> b.streamARN(arn).consumerName("fan-out")));

    // The stream's policy does not cover its consumers.
    owner.putResourcePolicy(b -> b.resourceARN(arn).policy(policy(allow(GUEST, "*", "kinesis:*"))));
    assertDenied(notAllowed(GUEST, "DescribeStreamConsumer", consumerArn),
        () -> guest.describeStreamConsumer(b -> b.consumerARN(consumerArn)));

    owner.putResourcePolicy(b -> b.resourceARN(consumerArn).policy(policy(allow(GUEST, consumerArn, "kinesis:*"))));
    assertEquals("fan-out", guest.describeStreamConsumer(b -> b.consumerARN(consumerArn)).consumerDescription().consumerName());
    assertEquals(consumerArn, guest.describeStreamConsumer(b -> b.streamARN(arn).consumerName("fan-out"))
        .consumerDescription().consumerARN());
    assertDenied(notAllowed(GUEST, "DeregisterStreamConsumer", consumerArn),
        () -> guest.deregisterStreamConsumer(b -> b.consumerARN(consumerArn)));
    assertDenied(notAllowed(GUEST, "TagResource", consumerArn),
        () -> guest.tagResource(b -> b.resourceARN(consumerArn).tags(Map.of("k", "v"))));
  }

  @Test
  void subscribingToAnotherAccountsConsumerNeedsItsPolicy() throws Exception {
    KinesisClient owner = owner(true);
    String name = newStream(owner, 1);
    String consumerArn = owner.registerStreamConsumer(b -> b.streamARN(arn(name)).consumerName("pushed"))
        .consumer().consumerARN();
    try (KinesisAsyncClient guest = KinesisAsyncClient.builder()
        .endpointOverride(server.endpoint())
        .region(Region.US_EAST_1)
        .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("AKIDGUEST", "guest-secret")))
        .httpClientBuilder(NettyNioAsyncHttpClient.builder().protocol(Protocol.HTTP2))
        .overrideConfiguration(o -> o.retryPolicy(RetryPolicy.none()))
        .build()) {
      CompletionException refused = assertThrows(CompletionException.class, () -> subscribe(guest, consumerArn).join());
      AccessDeniedException denied = (AccessDeniedException) refused.getCause();
      assertEquals(notAllowed(GUEST, "SubscribeToShard", consumerArn), denied.awsErrorDetails().errorMessage());

      owner.putResourcePolicy(b -> b.resourceARN(consumerArn).policy(policy(allow(GUEST, consumerArn, "kinesis:SubscribeToShard"))));
      CompletableFuture<Void> answered = new CompletableFuture<>();
      CompletableFuture<Void> subscription = guest.subscribeToShard(b -> b.consumerARN(consumerArn)
              .shardId("shardId-000000000000").startingPosition(p -> p.type(ShardIteratorType.TRIM_HORIZON)),
          SubscribeToShardResponseHandler.builder().onResponse(response -> answered.complete(null))
              .onError(answered::completeExceptionally).subscriber(event -> { }).build());
      answered.get(10, TimeUnit.SECONDS);
      assertTrue(answered.isDone() && !answered.isCompletedExceptionally());
      subscription.cancel(true);
    }
  }

  private static CompletableFuture<Void> subscribe(KinesisAsyncClient client, String consumerArn) {
    return client.subscribeToShard(b -> b.consumerARN(consumerArn).shardId("shardId-000000000000")
            .startingPosition(p -> p.type(ShardIteratorType.TRIM_HORIZON)),
        SubscribeToShardResponseHandler.builder().subscriber(event -> { }).build());
  }
}
