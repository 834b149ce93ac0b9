package io.tributary.loadtest;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;

/** The control-plane calls around a simulation (create the stream and wait for it, delete it), outside the measured load. */
final class KinesisAdmin {
  static final String AMZ_DATE = ZonedDateTime.now(ZoneOffset.UTC).format(DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'"));
  /** Well-formed for auth.mode=shape; the signature is not checked there. */
  static final String AUTHORIZATION = "AWS4-HMAC-SHA256 Credential=gatling/" + AMZ_DATE.substring(0, 8)
      + "/us-east-1/kinesis/aws4_request, SignedHeaders=content-type;host;x-amz-date;x-amz-target, Signature="
      + "0".repeat(64);

  private final URI endpoint;
  private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(Duration.ofSeconds(5)).build();

  KinesisAdmin(String endpoint) {
    this.endpoint = URI.create(endpoint);
  }

  void createStreamAndWait(String stream, int shards) {
    call("CreateStream", "{\"StreamName\":\"" + stream + "\",\"ShardCount\":" + shards + "}");
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (!call("DescribeStreamSummary", "{\"StreamName\":\"" + stream + "\"}").contains("\"ACTIVE\"")) {
      if (System.nanoTime() > deadline) throw new IllegalStateException("stream " + stream + " not ACTIVE within 60 s");
      sleep(100);
    }
  }

  void deleteStream(String stream) {
    call("DeleteStream", "{\"StreamName\":\"" + stream + "\",\"EnforceConsumerDeletion\":true}");
  }

  private String call(String operation, String body) {
    HttpRequest request = HttpRequest.newBuilder(endpoint)
        .timeout(Duration.ofSeconds(10))
        .header("Content-Type", "application/x-amz-json-1.1")
        .header("X-Amz-Target", "Kinesis_20131202." + operation)
        .header("X-Amz-Date", AMZ_DATE)
        .header("Authorization", AUTHORIZATION)
        .POST(HttpRequest.BodyPublishers.ofString(body))
        .build();
    try {
      HttpResponse<String> response = client.send(request, HttpResponse.BodyHandlers.ofString());
      if (response.statusCode() != 200) {
        throw new IllegalStateException(operation + " answered " + response.statusCode() + ": " + response.body());
      }
      return response.body();
    } catch (IOException e) {
      throw new IllegalStateException(operation + " failed: " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
