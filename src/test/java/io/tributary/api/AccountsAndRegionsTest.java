package io.tributary.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.tributary.support.TestServer;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.retry.RetryPolicy;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.AccessDeniedException;
import software.amazon.awssdk.services.kinesis.model.ResourceNotFoundException;

/** Streams belong to the account of the caller's access key and the region of its credential scope. */
class AccountsAndRegionsTest {

  private static KinesisClient client(TestServer server, String accessKey, Region region) {
    return KinesisClient.builder()
        .endpointOverride(server.endpoint())
        .region(region)
        .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(accessKey, "secret")))
        .httpClientBuilder(ApacheHttpClient.builder())
        .overrideConfiguration(o -> o.retryPolicy(RetryPolicy.none()))
        .build();
  }

  @Test
  void separatesStreamsByAccountAndRegion() {
    try (TestServer server = TestServer.start(Map.of("accounts", "AKIDTEAMB=111122223333"))) {
      KinesisClient teamA = client(server, "AKIDTEAMA", Region.US_EAST_1);
      KinesisClient teamB = client(server, "AKIDTEAMB", Region.US_EAST_1);
      KinesisClient teamAInEurope = client(server, "AKIDTEAMA", Region.EU_WEST_1);

      teamB.createStream(b -> b.streamName("shared-name").shardCount(1));
      teamA.createStream(b -> b.streamName("shared-name").shardCount(2));
      assertEquals("arn:aws:kinesis:us-east-1:111122223333:stream/shared-name",
          teamB.describeStreamSummary(b -> b.streamName("shared-name")).streamDescriptionSummary().streamARN());
      assertEquals(2, teamA.describeStreamSummary(b -> b.streamName("shared-name")).streamDescriptionSummary().openShardCount());
      assertEquals(1, teamB.describeStreamSummary(b -> b.streamName("shared-name")).streamDescriptionSummary().openShardCount());

      ResourceNotFoundException elsewhere = assertThrows(ResourceNotFoundException.class,
          () -> teamAInEurope.describeStream(b -> b.streamName("shared-name")));
      assertEquals("Stream shared-name under account 000000000000 not found.", elsewhere.awsErrorDetails().errorMessage());
      assertFalse(teamAInEurope.listStreams().streamNames().contains("shared-name"));

      // An ARN names its own account and region, whoever asks; another account's stream needs its policy's leave.
      assertEquals(1, teamB.describeStreamSummary(b -> b.streamARN("arn:aws:kinesis:us-east-1:111122223333:stream/shared-name"))
          .streamDescriptionSummary().openShardCount());
      AccessDeniedException denied = assertThrows(AccessDeniedException.class,
          () -> teamA.describeStreamSummary(b -> b.streamARN("arn:aws:kinesis:us-east-1:111122223333:stream/shared-name")));
      assertEquals("User: arn:aws:iam::000000000000:root is not authorized to perform: kinesis:DescribeStreamSummary on "
          + "resource: arn:aws:kinesis:us-east-1:111122223333:stream/shared-name because no resource-based policy allows "
          + "the kinesis:DescribeStreamSummary action", denied.awsErrorDetails().errorMessage());
    }
  }
}
