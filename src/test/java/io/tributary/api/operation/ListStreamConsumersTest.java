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
import software.amazon.awssdk.services.kinesis.model.Consumer;
import software.amazon.awssdk.services.kinesis.model.ConsumerStatus;
import software.amazon.awssdk.services.kinesis.model.InvalidArgumentException;
import software.amazon.awssdk.services.kinesis.model.ListStreamConsumersResponse;
import software.amazon.awssdk.services.kinesis.model.ResourceNotFoundException;

class ListStreamConsumersTest extends ApiTest {

  @ParameterizedTest
  @EnumSource(ClientKind.class)
  void listsConsumersInRegistrationOrderAPageAtATime(ClientKind kind) {
    KinesisClient client = client(kind);
    String name = createStream("list-consumers", 1);
    String arn = streamArn(name);
    ListStreamConsumersResponse none = client.listStreamConsumers(b -> b.streamARN(arn));
    assertEquals(List.of(), none.consumers());
    assertNull(none.nextToken());

    List<String> registered = new ArrayList<>();
    for (String consumer : List.of("zeta", "alpha", "mid", "beta", "omega")) {
      registered.add(registerConsumer(name, consumer).consumerARN());
    }
    List<Consumer> all = client.listStreamConsumers(b -> b.streamARN(arn)).consumers();
    assertEquals(registered, arns(all));
    assertEquals(ConsumerStatus.ACTIVE, all.get(0).consumerStatus());

    List<String> paged = new ArrayList<>();
    ListStreamConsumersResponse page = client.listStreamConsumers(b -> b.streamARN(arn).maxResults(2));
    paged.addAll(arns(page.consumers()));
    int pages = 1;
    while (page.nextToken() != null) {
      String token = page.nextToken();
      page = client.listStreamConsumers(b -> b.streamARN(arn).nextToken(token).maxResults(2));
      paged.addAll(arns(page.consumers()));
      pages++;
    }
    assertEquals(3, pages);
    assertEquals(registered, paged);
  }

  @ParameterizedTest
  @EnumSource(ClientKind.class)
  void listsOnlyTheStreamCreatedAtTheGivenTime(ClientKind kind) {
    KinesisClient client = client(kind);
    String name = createStream("list-consumers-created", 1);
    registerConsumer(name, "reader");
    Instant created = setup().describeStreamSummary(b -> b.streamName(name)).streamDescriptionSummary()
        .streamCreationTimestamp();
    assertEquals(1, client.listStreamConsumers(b -> b.streamARN(streamArn(name)).streamCreationTimestamp(created))
        .consumers().size());
    assertKinesisError(ResourceNotFoundException.class, "Stream " + name + " under account 000000000000 not found.",
        () -> client.listStreamConsumers(b -> b.streamARN(streamArn(name)).streamCreationTimestamp(created.minusSeconds(60))));
  }

  @ParameterizedTest
  @EnumSource(ClientKind.class)
  void failsForAMissingStreamOrABadToken(ClientKind kind) {
    KinesisClient client = client(kind);
    assertKinesisError(ResourceNotFoundException.class, "Stream missing-stream under account 000000000000 not found.",
        () -> client.listStreamConsumers(b -> b.streamARN(streamArn("missing-stream"))));
    String name = createStream("list-consumers-token", 1);
    assertKinesisError(InvalidArgumentException.class, "Invalid NextToken.",
        () -> client.listStreamConsumers(b -> b.streamARN(streamArn(name)).nextToken("not-a-token")));
    String other = createStream("list-consumers-other", 1);
    registerConsumer(other, "a");
    registerConsumer(other, "b");
    String token = client.listStreamConsumers(b -> b.streamARN(streamArn(other)).maxResults(1)).nextToken();
    assertKinesisError(InvalidArgumentException.class, "Invalid NextToken.",
        () -> client.listStreamConsumers(b -> b.streamARN(streamArn(name)).nextToken(token)));
  }

  @ParameterizedTest
  @EnumSource(ClientKind.class)
  void validatesTheRequest(ClientKind kind) {
    assertErrorCode("ValidationException", "1 validation error detected: Value null at 'streamARN' failed to satisfy "
        + "constraint: Member must not be null", () -> client(kind).listStreamConsumers(b -> b.maxResults(5)));
    assertErrorCode("ValidationException", "2 validation errors detected: Value '' at 'nextToken' failed to satisfy "
            + "constraint: Member must have length greater than or equal to 1; Value '10001' at 'maxResults' failed to "
            + "satisfy constraint: Member must have value less than or equal to 10000",
        () -> client(kind).listStreamConsumers(b -> b.streamARN(streamArn("any")).nextToken("").maxResults(10001)));
    assertErrorCode("ValidationException", "1 validation error detected: Value '0' at 'maxResults' failed to satisfy "
            + "constraint: Member must have value greater than or equal to 1",
        () -> client(kind).listStreamConsumers(b -> b.streamARN(streamArn("any")).maxResults(0)));
  }

  private static List<String> arns(List<Consumer> consumers) {
    return consumers.stream().map(Consumer::consumerARN).toList();
  }
}
