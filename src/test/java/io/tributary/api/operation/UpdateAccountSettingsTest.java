package io.tributary.api.operation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static software.amazon.awssdk.services.kinesis.model.MinimumThroughputBillingCommitmentInputStatus.DISABLED;
import static software.amazon.awssdk.services.kinesis.model.MinimumThroughputBillingCommitmentInputStatus.ENABLED;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.tributary.support.ApiTest;
import io.tributary.support.ClientKind;
import io.tributary.support.KinesisClients;
import io.tributary.support.MutableClock;
import io.tributary.support.TestServer;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.KinesisException;
import software.amazon.awssdk.services.kinesis.model.MinimumThroughputBillingCommitmentInputStatus;
import software.amazon.awssdk.services.kinesis.model.MinimumThroughputBillingCommitmentOutput;
import software.amazon.awssdk.services.kinesis.model.MinimumThroughputBillingCommitmentOutputStatus;

class UpdateAccountSettingsTest extends ApiTest {
  private static final MutableClock CLOCK = new MutableClock();
  /** A server of its own, whose clock the tests move. */
  private static TestServer server;

  @BeforeAll
  static void startServer() {
    server = TestServer.start(Map.of(), CLOCK);
  }

  @AfterAll
  static void stopServer() {
    server.close();
  }

  /** Whatever an earlier test left, the account has no commitment. */
  @BeforeEach
  void endAnyCommitment() {
    CLOCK.advance(Duration.ofHours(25));
    update(KinesisClients.of(ClientKind.SYNC_CBOR_HTTP1, server.endpoint()), DISABLED);
    CLOCK.advance(Duration.ofHours(25));
  }

  private static MinimumThroughputBillingCommitmentOutput update(KinesisClient client,
      MinimumThroughputBillingCommitmentInputStatus status) {
    return client.updateAccountSettings(b -> b.minimumThroughputBillingCommitment(c -> c.status(status)))
        .minimumThroughputBillingCommitment();
  }

  private static Instant now() {
    return CLOCK.instant().truncatedTo(ChronoUnit.MILLIS);
  }

  @ParameterizedTest
  @EnumSource(ClientKind.class)
  void enablesACommitmentOfAtLeastADay(ClientKind kind) {
    KinesisClient client = KinesisClients.of(kind, server.endpoint());
    Instant started = now();
    MinimumThroughputBillingCommitmentOutput enabled = update(client, ENABLED);
    assertEquals(MinimumThroughputBillingCommitmentOutputStatus.ENABLED, enabled.status());
    assertEquals(started, enabled.startedAt());
    assertEquals(started.plus(Duration.ofHours(24)), enabled.earliestAllowedEndAt());
    assertNull(enabled.endedAt());
    assertEquals(enabled, client.describeAccountSettings(b -> { }).minimumThroughputBillingCommitment());

    // Enabling again changes nothing.
    CLOCK.advance(Duration.ofHours(1));
    assertEquals(enabled, update(client, ENABLED));
  }

  @ParameterizedTest
  @EnumSource(ClientKind.class)
  void endsACommitmentNoSoonerThanItsEarliestAllowedEnd(ClientKind kind) {
    KinesisClient client = KinesisClients.of(kind, server.endpoint());
    Instant started = now();
    update(client, ENABLED);
    CLOCK.advance(Duration.ofHours(2));

    MinimumThroughputBillingCommitmentOutput pending = update(client, DISABLED);
    assertEquals(MinimumThroughputBillingCommitmentOutputStatus.ENABLED_UNTIL_EARLIEST_ALLOWED_END, pending.status());
    assertEquals(started, pending.startedAt());
    assertEquals(started.plus(Duration.ofHours(24)), pending.earliestAllowedEndAt());
    assertNull(pending.endedAt());

    // Enabling it again before then cancels the end.
    MinimumThroughputBillingCommitmentOutput again = update(client, ENABLED);
    assertEquals(MinimumThroughputBillingCommitmentOutputStatus.ENABLED, again.status());
    assertEquals(started, again.startedAt());

    update(client, DISABLED);
    CLOCK.advance(Duration.ofHours(22));
    MinimumThroughputBillingCommitmentOutput ended = client.describeAccountSettings(b -> { })
        .minimumThroughputBillingCommitment();
    assertEquals(MinimumThroughputBillingCommitmentOutputStatus.DISABLED, ended.status());
    assertEquals(started.plus(Duration.ofHours(24)), ended.endedAt());
  }

  @ParameterizedTest
  @EnumSource(ClientKind.class)
  void endsACommitmentAtOnceAfterItsFirstDay(ClientKind kind) {
    KinesisClient client = KinesisClients.of(kind, server.endpoint());
    Instant started = now();
    update(client, ENABLED);
    CLOCK.advance(Duration.ofHours(30));
    Instant ending = now();
    MinimumThroughputBillingCommitmentOutput ended = update(client, DISABLED);
    assertEquals(MinimumThroughputBillingCommitmentOutputStatus.DISABLED, ended.status());
    assertEquals(started, ended.startedAt());
    assertEquals(ending, ended.endedAt());
    assertNull(ended.earliestAllowedEndAt());

    // A new commitment starts afresh.
    CLOCK.advance(Duration.ofHours(1));
    Instant restarted = now();
    MinimumThroughputBillingCommitmentOutput renewed = update(client, ENABLED);
    assertEquals(restarted, renewed.startedAt());
    assertEquals(restarted.plus(Duration.ofHours(24)), renewed.earliestAllowedEndAt());
  }

  @ParameterizedTest
  @EnumSource(ClientKind.class)
  void validatesTheRequest(ClientKind kind) {
    KinesisClient client = KinesisClients.of(kind, server.endpoint());
    KinesisException missing = assertKinesisError(KinesisException.class,
        "1 validation error detected: Value null at 'minimumThroughputBillingCommitment' failed to satisfy constraint: "
            + "Member must not be null",
        () -> client.updateAccountSettings(b -> { }));
    assertEquals("ValidationException", missing.awsErrorDetails().errorCode());
    assertKinesisError(KinesisException.class,
        "1 validation error detected: Value null at 'minimumThroughputBillingCommitment.status' failed to satisfy "
            + "constraint: Member must not be null",
        () -> client.updateAccountSettings(b -> b.minimumThroughputBillingCommitment(c -> { })));
    assertKinesisError(KinesisException.class,
        "1 validation error detected: Value 'PAUSED' at 'minimumThroughputBillingCommitment.status' failed to satisfy "
            + "constraint: Member must satisfy enum value set: [ENABLED, DISABLED]",
        () -> client.updateAccountSettings(b -> b.minimumThroughputBillingCommitment(c -> c.status("PAUSED"))));
  }
}
