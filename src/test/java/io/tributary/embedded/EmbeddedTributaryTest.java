package io.tributary.embedded;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tributary.junit.TributaryExtension;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.kinesis.KinesisAsyncClient;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.ResourceNotFoundException;
import software.amazon.awssdk.services.kinesis.model.ShardIteratorType;

/**
 * The embedding API as a user's tests meet it: an extension in an instance field gives each test a server
 * of its own, with an endpoint and clients; a server on a folder keeps its streams over a restart; a
 * temporary folder goes with its server.
 */
class EmbeddedTributaryTest {
  private static final List<URI> ENDPOINTS = new CopyOnWriteArrayList<>();

  @RegisterExtension
  final TributaryExtension kinesis = new TributaryExtension();

  @Test
  void eachTestGetsAServerOfItsOwnWithReadyClients(KinesisClient client, KinesisAsyncClient async, URI endpoint) {
    ENDPOINTS.add(endpoint);
    assertEquals(kinesis.endpoint(), endpoint);
    client.createStream(b -> b.streamName("own").shardCount(1));
    client.putRecord(b -> b.streamName("own").partitionKey("k").data(SdkBytes.fromUtf8String("hello")));
    assertEquals(List.of("own"), async.listStreams().join().streamNames());
    assertEquals(ENDPOINTS.size(), ENDPOINTS.stream().distinct().count(), "a server per test: " + ENDPOINTS);
  }

  @Test
  void anotherTestStartsEmpty(KinesisClient client, URI endpoint, EmbeddedTributary server) throws Exception {
    ENDPOINTS.add(endpoint);
    assertEquals(ENDPOINTS.size(), ENDPOINTS.stream().distinct().count(), "a server per test: " + ENDPOINTS);
    assertEquals(List.of(), client.listStreams().streamNames());
    HttpResponse<String> ready = HttpClient.newHttpClient().send(
        HttpRequest.newBuilder(server.managementEndpoint().resolve("/ready")).build(), HttpResponse.BodyHandlers.ofString());
    assertEquals(200, ready.statusCode());
    assertEquals("000000000000", server.account());
    assertEquals("us-east-1", server.region());
  }

  @Test
  void aServerOnAFolderKeepsItsRecordsOverARestart() throws Exception {
    Path folder = Files.createTempDirectory("embedded-restart");
    EmbeddedTributary.Builder builder = EmbeddedTributary.builder().dataDirectory(folder);
    URI firstEndpoint;
    try (EmbeddedTributary first = builder.start()) {
      firstEndpoint = first.endpoint();
      KinesisClient client = client(first.endpoint());
      client.createStream(b -> b.streamName("kept").shardCount(1));
      client.putRecord(b -> b.streamName("kept").partitionKey("k").data(SdkBytes.fromUtf8String("durable")));
    }
    try (EmbeddedTributary second = builder.start()) {
      assertNotEquals(firstEndpoint, second.endpoint(), "a fresh free port");
      KinesisClient client = client(second.endpoint());
      String iterator = client.getShardIterator(b -> b.streamName("kept").shardId("shardId-000000000000")
          .shardIteratorType(ShardIteratorType.TRIM_HORIZON)).shardIterator();
      assertEquals("durable", client.getRecords(b -> b.shardIterator(iterator)).records().get(0).data()
          .asString(StandardCharsets.UTF_8));
    }
    assertTrue(Files.isDirectory(folder), "a folder the test named is kept");
  }

  @Test
  void aTemporaryFolderGoesWithItsServerAndMemoryKeepsNothing() throws Exception {
    Path data;
    try (EmbeddedTributary server = EmbeddedTributary.builder().temporaryDirectory().start()) {
      data = Path.of(server.server().settings().string("data.dir"));
      assertTrue(Files.isDirectory(data));
    }
    assertFalse(Files.exists(data), "deleted on stop: " + data);

    Path certificateFolder;
    try (EmbeddedTributary tls = EmbeddedTributary.builder().setting("tls.enabled", "true").start()) {
      assertEquals("https", tls.tlsEndpoint().getScheme());
      certificateFolder = Path.of(tls.server().settings().string("data.dir"));
      assertTrue(Files.exists(certificateFolder.resolve("tls")), "the certificate is made in a folder of its own");
    }
    assertFalse(Files.exists(certificateFolder), "and deleted on stop");

    try (EmbeddedTributary memory = EmbeddedTributary.start()) {
      assertEquals("memory", memory.server().settings().string("storage"));
      KinesisClient client = client(memory.endpoint());
      assertThrows(ResourceNotFoundException.class, () -> client.describeStream(b -> b.streamName("kept")));
    }
  }

  private static KinesisClient client(URI endpoint) {
    return KinesisClient.builder().endpointOverride(endpoint).region(Region.US_EAST_1)
        .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("a", "b"))).build();
  }
}
