package io.tributary.junit;

import io.tributary.embedded.EmbeddedTributary;
import java.net.URI;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.jupiter.api.extension.ParameterResolver;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.kinesis.KinesisAsyncClient;
import software.amazon.awssdk.services.kinesis.KinesisClient;

/**
 * JUnit 5: an {@link EmbeddedTributary} for a test class, and what a test needs to talk to it, by parameter
 * injection into test and lifecycle methods: the {@link EmbeddedTributary}, its endpoint ({@link URI}), and
 * a ready {@link KinesisClient} and {@link KinesisAsyncClient} (AWS SDK for Java v2; region and account of
 * the server, static credentials, no retries, so a test sees the first answer).
 *
 * <p>{@code @ExtendWith(TributaryExtension.class)} starts a server in memory with the embedded defaults;
 * {@code @RegisterExtension static TributaryExtension kinesis = new TributaryExtension(EmbeddedTributary
 * .builder()...)} takes settings. In a static field (or with {@code @ExtendWith}) one server serves the whole
 * class; in an instance field each test gets its own.
 *
 * <p>The JUnit API and the AWS SDK are the test's own dependencies: the server needs neither.
 */
public final class TributaryExtension
    implements BeforeAllCallback, AfterAllCallback, BeforeEachCallback, AfterEachCallback, ParameterResolver {

  private final EmbeddedTributary.Builder builder;
  private EmbeddedTributary server;
  private boolean perClass;
  /** Classes being run that this extension serves: a @Nested class runs inside its outer one. */
  private int classes;
  private KinesisClient client;
  private KinesisAsyncClient asyncClient;

  /** A server in memory with the embedded defaults. */
  public TributaryExtension() {
    this(EmbeddedTributary.builder());
  }

  public TributaryExtension(EmbeddedTributary.Builder builder) {
    this.builder = builder;
  }

  /** The running server; only between the start and the end of the class (or test) it serves. */
  public EmbeddedTributary server() {
    if (server == null) throw new IllegalStateException("the Tributary server is not running");
    return server;
  }

  public URI endpoint() {
    return server().endpoint();
  }

  /** A client of the server, made once per server and closed with it. */
  public synchronized KinesisClient client() {
    if (client == null) {
      client = KinesisClient.builder().endpointOverride(endpoint()).region(Region.of(server().region()))
          .credentialsProvider(credentials())
          .overrideConfiguration(o -> o.retryStrategy(AwsRetryStrategy.doNotRetry()))
          .build();
    }
    return client;
  }

  /** An asynchronous client of the server (HTTP/2 cleartext, as the SDK speaks to Kinesis), closed with it. */
  public synchronized KinesisAsyncClient asyncClient() {
    if (asyncClient == null) {
      asyncClient = KinesisAsyncClient.builder().endpointOverride(endpoint()).region(Region.of(server().region()))
          .credentialsProvider(credentials())
          .overrideConfiguration(o -> o.retryStrategy(AwsRetryStrategy.doNotRetry()))
          .build();
    }
    return asyncClient;
  }

  private static StaticCredentialsProvider credentials() {
    return StaticCredentialsProvider.create(AwsBasicCredentials.create("tributary", "tributary"));
  }

  @Override
  public synchronized void beforeAll(ExtensionContext context) {
    perClass = true;
    classes++;
    start();
  }

  @Override
  public synchronized void afterAll(ExtensionContext context) {
    if (--classes == 0) stop();
  }

  @Override
  public void beforeEach(ExtensionContext context) {
    if (!perClass) start();
  }

  @Override
  public void afterEach(ExtensionContext context) {
    if (!perClass) stop();
  }

  private synchronized void start() {
    if (server == null) server = builder.start();
  }

  private synchronized void stop() {
    try {
      if (client != null) client.close();
      if (asyncClient != null) asyncClient.close();
    } finally {
      client = null;
      asyncClient = null;
      if (server != null) {
        EmbeddedTributary stopping = server;
        server = null;
        stopping.stop();
      }
    }
  }

  @Override
  public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
    Class<?> type = parameter.getParameter().getType();
    return type == EmbeddedTributary.class || type == URI.class || type == KinesisClient.class
        || type == KinesisAsyncClient.class;
  }

  @Override
  public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
    // A static field's extension starts before @BeforeAll methods; an instance field's only before each test.
    start();
    Class<?> type = parameter.getParameter().getType();
    if (type == EmbeddedTributary.class) return server();
    if (type == URI.class) return endpoint();
    if (type == KinesisClient.class) return client();
    if (type == KinesisAsyncClient.class) return asyncClient();
    throw new ParameterResolutionException("TributaryExtension cannot supply a " + type.getName());
  }
}
