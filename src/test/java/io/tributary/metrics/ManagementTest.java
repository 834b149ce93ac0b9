package io.tributary.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tributary.support.ApiTest;
import io.tributary.support.ClientKind;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.kinesis.model.ResourceNotFoundException;

class ManagementTest extends ApiTest {
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  private static HttpResponse<String> get(String path) throws Exception {
    URI uri = URI.create("http://127.0.0.1:" + server().managementPort() + path);
    return HTTP.send(HttpRequest.newBuilder(uri).GET().build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void reportsHealthAndReadiness() throws Exception {
    HttpResponse<String> health = get("/health");
    assertEquals(200, health.statusCode());
    assertTrue(health.body().contains("UP"));
    HttpResponse<String> ready = get("/ready");
    assertEquals(200, ready.statusCode());
    assertTrue(ready.body().contains("READY"));
  }

  @Test
  void countsAndTimesCallsPerOperationAndOutcome() throws Exception {
    String stream = createStream("metered", 1);
    put(stream, "k", "v");
    try {
      client(ClientKind.SYNC_CBOR_HTTP1).describeStream(b -> b.streamName("not-there"));
    } catch (ResourceNotFoundException expected) {
      // counted as an error outcome below
    }
    HttpResponse<String> metrics = get("/metrics");
    assertEquals(200, metrics.statusCode());
    String text = metrics.body();
    assertTrue(text.contains("tributary_api_requests_seconds_count{operation=\"PutRecord\",outcome=\"ok\"}"), text);
    assertTrue(text.contains("tributary_api_requests_seconds_count{operation=\"DescribeStream\",outcome=\"ResourceNotFoundException\"}"));
    assertTrue(text.contains("tributary_api_requests_seconds_bucket{operation=\"PutRecord\",outcome=\"ok\",le="));
    assertTrue(text.contains("jvm_memory_used_bytes"));
  }
}
