package io.tributary.support;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.cbor.CBORFactory;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import software.amazon.awssdk.http.ContentStreamProvider;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4FamilyHttpSigner;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;
import software.amazon.awssdk.http.auth.spi.signer.HttpSigner;
import software.amazon.awssdk.identity.spi.AwsCredentialsIdentity;

/**
 * Kinesis requests signed with the AWS SDK's own SigV4 signer and sent with Vert.x's HTTP client over
 * HTTP/1.1 or HTTP/2 cleartext with prior knowledge, so that a test can change a request after signing.
 * The request sent is exactly the signed one (method, path and query, headers, body); the client sets
 * {@code Host} (HTTP/1.1) or {@code :authority} (HTTP/2) itself, to the endpoint's host and port as signed.
 */
public final class SignedHttp implements AutoCloseable {
  public static final String JSON = "application/x-amz-json-1.1";
  public static final String CBOR = "application/x-amz-cbor-1.1";
  private static final ObjectMapper JSON_MAPPER = new ObjectMapper();
  private static final ObjectMapper CBOR_MAPPER = new ObjectMapper(new CBORFactory());

  /** An answer: status, headers and body (read as JSON or CBOR by its Content-Type). */
  public record Answer(int status, MultiMap headers, byte[] body) {
    public JsonNode document() {
      try {
        return (CBOR.equals(headers.get("Content-Type")) ? CBOR_MAPPER : JSON_MAPPER).readTree(body);
      } catch (IOException e) {
        throw new UncheckedIOException("not a JSON or CBOR body: " + new String(body), e);
      }
    }

    public String errorType() { return document().path("__type").asText(null); }

    public String message() { return document().path("message").asText(null); }
  }

  private final Vertx vertx = Vertx.vertx();
  private final Context context = vertx.getOrCreateContext();
  private final URI endpoint;
  private final HttpClientAgent client;

  public SignedHttp(URI endpoint, HttpVersion version, int connections) {
    this.endpoint = endpoint;
    HttpClientOptions options = new HttpClientOptions().setProtocolVersion(version).setHttp2ClearTextUpgrade(false)
        .setHttp2MultiplexingLimit(100);
    this.client = vertx.createHttpClient(options, new PoolOptions().setHttp1MaxSize(connections).setHttp2MaxSize(connections));
  }

  /** An unsigned Kinesis call: POST / with the target and content type, addressed to the endpoint. */
  public SdkHttpRequest call(String operation, String contentType) {
    return SdkHttpRequest.builder().method(SdkHttpMethod.POST).uri(endpoint.resolve("/"))
        .putHeader("Content-Type", contentType)
        .putHeader("X-Amz-Target", "Kinesis_20131202." + operation)
        .build();
  }

  /** The request signed for kinesis in us-east-1 at the clock's time, in its headers or (presigned) its query. */
  public static SdkHttpRequest sign(SdkHttpRequest request, byte[] body, String accessKey, String secret, Clock clock,
      Duration presignedFor) {
    return sign(request, body, accessKey, secret, clock, presignedFor, true);
  }

  /**
   * Signed as the SDKs sign with payload signing off: {@code x-amz-content-sha256: UNSIGNED-PAYLOAD} and the
   * body left out of the signature. The SDK does this only on https, so the request is signed as if for
   * https (the host, and so the signature, are the same) and may be sent on either port.
   */
  public static SdkHttpRequest signWithoutPayload(SdkHttpRequest request, byte[] body, String accessKey, String secret,
      Clock clock) {
    SdkHttpRequest overHttps = request.toBuilder().protocol("https").build();
    return sign(overHttps, body, accessKey, secret, clock, null, false).toBuilder().protocol(request.protocol()).build();
  }

  private static SdkHttpRequest sign(SdkHttpRequest request, byte[] body, String accessKey, String secret, Clock clock,
      Duration presignedFor, boolean signPayload) {
    AwsV4HttpSigner signer = AwsV4HttpSigner.create();
    return signer.sign(r -> {
      r.identity(AwsCredentialsIdentity.create(accessKey, secret))
          .request(request)
          .payload(ContentStreamProvider.fromByteArray(body))
          .putProperty(AwsV4HttpSigner.SERVICE_SIGNING_NAME, "kinesis")
          .putProperty(AwsV4HttpSigner.REGION_NAME, "us-east-1")
          .putProperty(HttpSigner.SIGNING_CLOCK, clock)
          .putProperty(AwsV4HttpSigner.PAYLOAD_SIGNING_ENABLED, signPayload);
      if (presignedFor != null) {
        r.putProperty(AwsV4HttpSigner.AUTH_LOCATION, AwsV4FamilyHttpSigner.AuthLocation.QUERY_STRING)
            .putProperty(AwsV4HttpSigner.EXPIRATION_DURATION, presignedFor);
      }
    }).request();
  }

  /**
   * Sends on the client's own event loop, where the request is made, the answer arrives and its body is
   * read, so no part of the answer can arrive before its handler is set.
   */
  public Future<Answer> send(SdkHttpRequest request, byte[] body, boolean chunked) {
    Promise<Answer> answer = Promise.promise();
    context.runOnContext(v -> exchange(request, body, chunked).onComplete(answer));
    return answer.future();
  }

  private Future<Answer> exchange(SdkHttpRequest request, byte[] body, boolean chunked) {
    RequestOptions options = new RequestOptions()
        .setMethod(HttpMethod.valueOf(request.method().name()))
        .setHost(endpoint.getHost())
        .setPort(endpoint.getPort())
        .setURI(request.encodedPath() + request.encodedQueryParameters().map(q -> "?" + q).orElse(""));
    request.forEachHeader((name, values) -> {
      if (!name.equalsIgnoreCase("Host")) values.forEach(value -> options.addHeader(name, value));
    });
    return client.request(options).compose(http -> {
      if (chunked) {
        http.setChunked(true);
        int half = body.length / 2;
        http.write(Buffer.buffer(java.util.Arrays.copyOfRange(body, 0, half)));
        return http.end(Buffer.buffer(java.util.Arrays.copyOfRange(body, half, body.length))).compose(v -> http.response());
      }
      return http.send(Buffer.buffer(body));
    }).compose(response -> response.body().map(answer -> new Answer(response.statusCode(), response.headers(),
        answer.getBytes())));
  }

  /** Sends and waits for the answer. */
  public Answer await(SdkHttpRequest request, byte[] body) {
    return awaitAnswer(send(request, body, false));
  }

  public static Answer awaitAnswer(Future<Answer> answer) {
    try {
      return answer.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new AssertionError("no answer", e);
    }
  }

  @Override
  public void close() {
    client.close().await();
    vertx.close().await();
  }
}
