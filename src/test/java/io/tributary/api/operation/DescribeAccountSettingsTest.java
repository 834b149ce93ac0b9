package io.tributary.api.operation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.tributary.support.ApiTest;
import io.tributary.support.ClientKind;
import io.tributary.support.KinesisClients;
import io.tributary.support.MutableClock;
import io.tributary.support.TestServer;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.MinimumThroughputBillingCommitmentInputStatus;
import software.amazon.awssdk.services.kinesis.model.MinimumThroughputBillingCommitmentOutput;
import software.amazon.awssdk.services.kinesis.model.MinimumThroughputBillingCommitmentOutputStatus;

class DescribeAccountSettingsTest extends ApiTest {

  @ParameterizedTest
  @EnumSource(ClientKind.class)
  void anAccountStartsWithoutACommitment(ClientKind kind) {
    MinimumThroughputBillingCommitmentOutput commitment =
        client(kind).describeAccountSettings(b -> { }).minimumThroughputBillingCommitment();
    assertEquals(MinimumThroughputBillingCommitmentOutputStatus.DISABLED, commitment.status());
    assertNull(commitment.startedAt());
    assertNull(commitment.endedAt());
    assertNull(commitment.earliestAllowedEndAt());
  }

  @ParameterizedTest
  @EnumSource(ClientKind.class)
  void describesACommitmentAsTimePasses(ClientKind kind) {
    MutableClock clock = new MutableClock();
    try (TestServer server = TestServer.start(Map.of(), clock)) {
      KinesisClient client = KinesisClients.of(kind, server.endpoint());
      Instant started = clock.instant().truncatedTo(ChronoUnit.MILLIS);
      client.updateAccountSettings(b -> b.minimumThroughputBillingCommitment(c -> c
          .status(MinimumThroughputBillingCommitmentInputStatus.ENABLED)));
      MinimumThroughputBillingCommitmentOutput enabled =
          client.describeAccountSettings(b -> { }).minimumThroughputBillingCommitment();
      assertEquals(MinimumThroughputBillingCommitmentOutputStatus.ENABLED, enabled.status());
      assertEquals(started, enabled.startedAt());
      assertEquals(started.plus(Duration.ofHours(24)), enabled.earliestAllowedEndAt());
      assertNull(enabled.endedAt());

      client.updateAccountSettings(b -> b.minimumThroughputBillingCommitment(c -> c
          .status(MinimumThroughputBillingCommitmentInputStatus.DISABLED)));
      assertEquals(MinimumThroughputBillingCommitmentOutputStatus.ENABLED_UNTIL_EARLIEST_ALLOWED_END,
          client.describeAccountSettings(b -> { }).minimumThroughputBillingCommitment().status());

      // The pending end comes by itself once the earliest allowed end has passed.
      clock.advance(Duration.ofHours(24));
      MinimumThroughputBillingCommitmentOutput ended =
          client.describeAccountSettings(b -> { }).minimumThroughputBillingCommitment();
      assertEquals(MinimumThroughputBillingCommitmentOutputStatus.DISABLED, ended.status());
      assertEquals(started, ended.startedAt());
      assertEquals(started.plus(Duration.ofHours(24)), ended.endedAt());
      assertNull(ended.earliestAllowedEndAt());
    }
  }

  @Test
  void settingsAreKeptPerAccountAndRegionAcrossARestart(@TempDir Path data) {
    Map<String, String> settings = Map.of("data.dir", data.toString());
    try (TestServer server = TestServer.start(settings)) {
      KinesisClients.of(ClientKind.SYNC_CBOR_HTTP1, server.endpoint()).updateAccountSettings(b -> b
          .minimumThroughputBillingCommitment(c -> c.status(MinimumThroughputBillingCommitmentInputStatus.ENABLED)));
    }
    try (TestServer server = TestServer.start(settings)) {
      MinimumThroughputBillingCommitmentOutput kept = KinesisClients.of(ClientKind.ASYNC_JSON_H2C, server.endpoint())
          .describeAccountSettings(b -> { }).minimumThroughputBillingCommitment();
      assertEquals(MinimumThroughputBillingCommitmentOutputStatus.ENABLED, kept.status());
      assertEquals(kept.startedAt().plus(Duration.ofHours(24)), kept.earliestAllowedEndAt());

      try (KinesisClient otherRegion = KinesisClient.builder()
          .endpointOverride(server.endpoint())
          .region(Region.EU_WEST_1)
          .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("AKIDTEST", "secret")))
          .build()) {
        assertEquals(MinimumThroughputBillingCommitmentOutputStatus.DISABLED,
            otherRegion.describeAccountSettings(b -> { }).minimumThroughputBillingCommitment().status());
      }
    }
  }
}
