package io.tributary.support;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.retry.RetryPolicy;
import software.amazon.awssdk.http.SdkHttpConfigurationOption;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.http.nio.netty.NettyNioAsyncHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.kinesis.KinesisAsyncClient;
import software.amazon.awssdk.services.kinesis.KinesisAsyncClientBuilder;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.KinesisClientBuilder;
import software.amazon.awssdk.utils.AttributeMap;

/**
 * Real AWS SDK clients pointed at a test server, one per {@link ClientKind}. Async clients are seen
 * through the sync interface (each call joins its future and rethrows the SDK's own exception), so one
 * test body exercises every kind. Retries are off, so error tests see the first answer.
 */
public final class KinesisClients {
  private static final Map<String, KinesisClient> CLIENTS = new ConcurrentHashMap<>();
  /** The Content-Type of every request each kind sent, to prove which wire format it spoke. */
  private static final Map<ClientKind, CopyOnWriteArrayList<String>> SENT_CONTENT_TYPES = new ConcurrentHashMap<>();

  private KinesisClients() { }

  public static KinesisClient of(ClientKind kind, URI endpoint) {
    return CLIENTS.computeIfAbsent(kind + "@" + endpoint, key -> build(kind, endpoint));
  }

  public static java.util.List<String> sentContentTypes(ClientKind kind) {
    return SENT_CONTENT_TYPES.computeIfAbsent(kind, k -> new CopyOnWriteArrayList<>());
  }

  private static synchronized KinesisClient build(ClientKind kind, URI endpoint) {
    // The SDK reads the CBOR switch when it builds a client's protocol factory.
    String previous = System.getProperty("aws.cborEnabled");
    System.setProperty("aws.cborEnabled", String.valueOf(kind.cbor));
    try {
      ExecutionInterceptor recorder = new ExecutionInterceptor() {
        @Override
        public void beforeTransmission(Context.BeforeTransmission context, ExecutionAttributes attributes) {
          context.httpRequest().firstMatchingHeader("Content-Type").ifPresent(sentContentTypes(kind)::add);
        }
      };
      StaticCredentialsProvider credentials =
          StaticCredentialsProvider.create(AwsBasicCredentials.create("AKIDTEST", "secret"));
      // On https endpoints (the test server's self-signed certificate) certificate checks are off; the
      // HTTP client is then built here, and is never closed, as the cached SDK clients are not.
      boolean https = "https".equals(endpoint.getScheme());
      AttributeMap trustAll = AttributeMap.builder().put(SdkHttpConfigurationOption.TRUST_ALL_CERTIFICATES, true).build();
      if (!kind.async) {
        ApacheHttpClient.Builder http = ApacheHttpClient.builder().maxConnections(64);
        KinesisClientBuilder builder = https ? KinesisClient.builder().httpClient(http.buildWithDefaults(trustAll))
            : KinesisClient.builder().httpClientBuilder(http);
        return builder
            .endpointOverride(endpoint)
            .region(Region.US_EAST_1)
            .credentialsProvider(credentials)
            .overrideConfiguration(o -> o.retryPolicy(RetryPolicy.none()).addExecutionInterceptor(recorder)
                .apiCallTimeout(Duration.ofSeconds(30)))
            .build();
      }
      // Protocol negotiation stays at the SDK's default for Kinesis: on https, HTTP/2 offers no ALPN and
      // sends the preface right after the handshake.
      NettyNioAsyncHttpClient.Builder http = NettyNioAsyncHttpClient.builder().protocol(kind.protocol).maxConcurrency(64);
      KinesisAsyncClientBuilder asyncBuilder = https
          ? KinesisAsyncClient.builder().httpClient(http.buildWithDefaults(trustAll))
          : KinesisAsyncClient.builder().httpClientBuilder(http);
      KinesisAsyncClient async = asyncBuilder
          .endpointOverride(endpoint)
          .region(Region.US_EAST_1)
          .credentialsProvider(credentials)
          .overrideConfiguration(o -> o.retryPolicy(RetryPolicy.none()).addExecutionInterceptor(recorder)
              .apiCallTimeout(Duration.ofSeconds(30)))
          .build();
      return asSync(async);
    } finally {
      if (previous == null) System.clearProperty("aws.cborEnabled"); else System.setProperty("aws.cborEnabled", previous);
    }
  }

  private static KinesisClient asSync(KinesisAsyncClient async) {
    InvocationHandler handler = (proxy, method, args) -> {
      if (method.getName().equals("close")) {
        async.close();
        return null;
      }
      if (method.getName().equals("serviceName")) return async.serviceName();
      if (method.getName().equals("toString")) return "sync view of " + async;
      Method target = KinesisAsyncClient.class.getMethod(method.getName(), method.getParameterTypes());
      try {
        Object result = target.invoke(async, args);
        return result instanceof CompletableFuture<?> future ? future.join() : result;
      } catch (InvocationTargetException e) {
        throw e.getCause();
      } catch (CompletionException e) {
        throw e.getCause();
      }
    };
    return (KinesisClient) Proxy.newProxyInstance(KinesisClient.class.getClassLoader(),
        new Class<?>[] {KinesisClient.class}, handler);
  }
}
