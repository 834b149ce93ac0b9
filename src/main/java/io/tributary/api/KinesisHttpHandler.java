package io.tributary.api;

import io.tributary.DomainException;
import io.tributary.stream.MetadataNotKeptException;
import com.fasterxml.jackson.databind.JsonNode;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.tributary.Services;
import io.tributary.api.operation.ResourceAccess;
import io.tributary.api.wire.Input;
import io.tributary.api.wire.Response;
import io.tributary.api.wire.ResponseWriter;
import io.tributary.api.wire.WireFormat;
import io.tributary.shard.ShardUnavailableException;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.HttpVersion;
import java.util.Base64;
import java.util.EnumMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The front end of the Kinesis API: one POST per call, answered in the request's wire format.
 *
 * <p>Checks run in the order AWS's front end runs them: CORS preflight, method, empty body, content
 * type, body syntax, target operation, authentication, member types, member rules; then the operation's
 * handler. Every answer carries {@code x-amzn-RequestId} and {@code x-amz-id-2}; every error carries
 * {@code __type} and its message in the body and {@code x-amzn-ErrorType} in the headers.
 */
public final class KinesisHttpHandler {
  private static final Logger LOG = LoggerFactory.getLogger(KinesisHttpHandler.class);
  private static final String EXPOSED_HEADERS =
      "x-amzn-RequestId,x-amzn-ErrorType,x-amz-request-id,x-amz-id-2,x-amzn-ErrorMessage,Date";
  private static final String PLAIN_JSON = "application/json";

  private final Services services;
  private final Map<Operation, OperationHandler> handlers = new EnumMap<>(Operation.class);
  private final Authentication authentication;
  private final long maxRequestBytes;
  private final long requestTimeoutMs;
  private final String defaultAccount;
  /** Accounts (and IAM principals) of access keys that act outside the default account. */
  private final AccountPrincipals principals;
  private final String defaultRegion;
  private final MeterRegistry meters;
  private final Map<String, Timer> timers = new ConcurrentHashMap<>();

  public KinesisHttpHandler(Services services, Authentication authentication) {
    this.services = services;
    for (Operation operation : Operation.values()) {
      handlers.put(operation, ResourceAccess.wrap(services, operation,
          Admission.wrap(services, operation, operation.newHandler(services))));
    }
    this.authentication = authentication;
    this.maxRequestBytes = services.settings().longValue("limits.request.bytes");
    this.requestTimeoutMs = services.settings().longValue("limits.request.timeout.ms");
    this.defaultAccount = services.settings().string("account");
    this.principals = AccountPrincipals.parse(services.settings().string("accounts"));
    this.defaultRegion = services.settings().string("region");
    this.meters = services.meters();
  }

  public void handle(HttpServerRequest request) {
    long started = System.nanoTime();
    RequestBody.read(services.vertx(), request, maxRequestBytes, requestTimeoutMs)
        .onSuccess(body -> {
          try {
            process(request, body, started);
          } catch (RuntimeException e) {
            answerUnexpected(request, e);
          }
        })
        .onFailure(failure -> RequestBody.reject(request, failure));
  }

  private void process(HttpServerRequest request, Buffer body, long started) {
    HttpServerResponse response = request.response();
    String requestId = requestId();
    response.putHeader("x-amzn-RequestId", requestId);
    response.putHeader("x-amz-id-2", extendedRequestId());

    String origin = request.getHeader("Origin");
    if (origin != null) {
      response.putHeader("Access-Control-Allow-Origin", "*");
      if (request.method() == HttpMethod.OPTIONS) {
        answerPreflight(request);
        return;
      }
      response.putHeader("Access-Control-Expose-Headers", EXPOSED_HEADERS);
    }
    if (request.method() != HttpMethod.POST) {
      answerXml(response, "AccessDeniedException", "Unable to determine service/operation name to be authorized");
      return;
    }

    String contentType = request.getHeader("Content-Type");
    String mediaType = contentType == null ? "" : WireFormat.mediaType(contentType);
    WireFormat format = WireFormat.ofContentType(mediaType);
    String[] target = String.valueOf(request.getHeader("X-Amz-Target")).split("\\.");
    boolean serviceNamed = target.length > 1 && !target[0].isEmpty() && !target[1].isEmpty();
    Operation operation = target.length > 1 && Operation.TARGET_PREFIX.equals(target[0]) ? Operation.named(target[1]) : null;

    if (body.length() == 0) {
      WireFormat answerFormat = format == WireFormat.JSON ? WireFormat.JSON : WireFormat.CBOR;
      answerError(response, answerFormat, null,
          KinesisException.bare(operation != null ? "SerializationException" : "UnknownOperationException"), started);
      return;
    }
    if (format == null && !PLAIN_JSON.equals(mediaType)) {
      if (!serviceNamed) {
        answerXml(response, "AccessDeniedException", "Unable to determine service/operation name to be authorized");
      } else {
        response.setStatusCode(404).end("<UnknownOperationException/>\n");
      }
      return;
    }

    JsonNode document;
    try {
      document = (format == null ? WireFormat.JSON : format).mapper().readTree(body.getBytes());
    } catch (Exception e) {
      document = null;
    }
    if (format == null) {
      answerPlainJson(response, document);
      return;
    }
    if (document == null || !(document.isObject() || document.isArray())) {
      answerError(response, format, operation, KinesisException.bare("SerializationException"), started);
      return;
    }
    if (operation == null) {
      answerError(response, format, null, KinesisException.bare("UnknownOperationException"), started);
      return;
    }

    try {
      String region = defaultRegion;
      AccountPrincipals.Principal caller = AccountPrincipals.Principal.rootOf(defaultAccount);
      SignatureShape.Credential credential = authentication.authenticate(request, body);
      if (credential != null) {
        if (credential.region() != null) region = credential.region();
        caller = principals.of(credential.accessKey(), defaultAccount);
      }
      RequestContext context = new RequestContext(caller.account(), region, format, requestId, caller.arn());
      OperationHandler handler = handlers.get(operation);
      Input input = handler.input().decode(document, format);
      handler.input().validate(input);
      if (handler instanceof StreamingOperationHandler streaming) {
        streaming.open(context, input).onComplete(result -> {
          if (result.succeeded()) {
            stream(request, operation, result.result(), started);
          } else {
            answerError(response, format, operation, asKinesisError(operation, result.cause()), started);
          }
        });
        return;
      }
      handler.handle(context, input).onComplete(result -> {
        if (result.succeeded()) {
          answer(response, format, operation, result.result(), started);
        } else {
          answerError(response, format, operation, asKinesisError(operation, result.cause()), started);
        }
      });
    } catch (RuntimeException e) {
      answerError(response, format, operation, asKinesisError(operation, e), started);
    }
  }

  private void answer(HttpServerResponse response, WireFormat format, Operation operation, Response result,
      long started) {
    ResponseWriter writer = new ResponseWriter(format, result.sizeHint());
    writer.startObject();
    result.writeMembers(writer);
    writer.endObject();
    response.putHeader("Content-Type", format.contentType()).end(writer.finish());
    record(operation, "ok", started);
  }

  /** Hands the response to a streamed answer: status 200, chunked unless HTTP/2 frames it. */
  private void stream(HttpServerRequest request, Operation operation, StreamingOperationHandler.StreamingAnswer answer,
      long started) {
    HttpServerResponse response = request.response();
    response.setStatusCode(200);
    if (request.version() != HttpVersion.HTTP_2) response.setChunked(true);
    record(operation, "ok", started);
    answer.start(response);
  }

  private void answerError(HttpServerResponse response, WireFormat format, Operation operation, KinesisException error,
      long started) {
    ResponseWriter writer = new ResponseWriter(format, 256);
    writer.startObject().field("__type", error.type());
    switch (error.messageKey()) {
      case LOWER -> writer.field("message", error.getMessage());
      case CAPITAL -> writer.field("Message", error.getMessage());
      case NONE -> { }
    }
    writer.endObject();
    response.setStatusCode(error.status())
        .putHeader("x-amzn-ErrorType", error.type())
        .putHeader("Content-Type", format.contentType())
        .end(writer.finish());
    record(operation, error.type(), started);
  }

  /** A failure no check caught: logged, and answered (InternalFailure, or a reset) so the client never waits. */
  private static void answerUnexpected(HttpServerRequest request, RuntimeException failure) {
    LOG.error("request failed", failure);
    HttpServerResponse response = request.response();
    if (response.headWritten()) {
      response.reset();
    } else {
      response.setStatusCode(500).putHeader("x-amzn-ErrorType", "InternalFailure").end();
    }
  }

  private static KinesisException asKinesisError(Operation operation, Throwable failure) {
    if (failure instanceof KinesisException kinesis) return kinesis;
    if (failure instanceof DomainException refusal) return KinesisException.from(refusal);
    if (failure instanceof MetadataNotKeptException notKept) {
      // A full disk fails every change alike: one line each, not a stack trace.
      LOG.warn("{} changed nothing: {}", operation == null ? "request" : operation.wireName(), notKept.getMessage());
      return KinesisException.internalFailure();
    }
    if (failure instanceof ShardUnavailableException) return KinesisException.internalFailure();
    LOG.error("{} failed", operation == null ? "request" : operation.wireName(), failure);
    return KinesisException.internalFailure();
  }

  private static void answerPreflight(HttpServerRequest request) {
    HttpServerResponse response = request.response();
    String headers = request.getHeader("Access-Control-Request-Headers");
    String method = request.getHeader("Access-Control-Request-Method");
    if (headers != null) response.putHeader("Access-Control-Allow-Headers", headers);
    if (method != null) response.putHeader("Access-Control-Allow-Methods", method);
    response.putHeader("Access-Control-Max-Age", "172800").end();
  }

  private static void answerXml(HttpServerResponse response, String type, String message) {
    response.setStatusCode(403).end("<" + type + ">\n  <Message>" + message + "</Message>\n</" + type + ">\n");
  }

  /** Requests in plain application/json reach AWS's generic front end, which knows no Kinesis operation. */
  private static void answerPlainJson(HttpServerResponse response, JsonNode document) {
    String type = document == null || !(document.isObject() || document.isArray())
        ? "SerializationException" : "UnknownOperationException";
    response.setStatusCode(type.equals("SerializationException") ? 400 : 404)
        .putHeader("Content-Type", PLAIN_JSON)
        .end("{\"Output\":{\"__type\":\"com.amazon.coral.service#" + type + "\"},\"Version\":\"1.0\"}");
  }

  private void record(Operation operation, String outcome, long started) {
    String name = operation == null ? "Unknown" : operation.wireName();
    timers.computeIfAbsent(name + '/' + outcome, key -> Timer.builder("tributary.api.requests")
            .description("Kinesis API calls by operation and outcome (ok or the error type)")
            .tag("operation", name)
            .tag("outcome", outcome)
            .publishPercentileHistogram()
            .register(meters))
        .record(System.nanoTime() - started, TimeUnit.NANOSECONDS);
  }

  /**
   * A random (version 4) UUID, as AWS's request ids are. Drawn from a thread-local generator rather than
   * SecureRandom: it identifies a call, it guards nothing.
   */
  private static String requestId() {
    ThreadLocalRandom random = ThreadLocalRandom.current();
    long high = (random.nextLong() & ~0xF000L) | 0x4000L;
    long low = (random.nextLong() & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L;
    return new UUID(high, low).toString();
  }

  /** AWS's x-amz-id-2: 72 random bytes in base64. */
  private static String extendedRequestId() {
    byte[] bytes = new byte[72];
    ThreadLocalRandom.current().nextBytes(bytes);
    return Base64.getEncoder().encodeToString(bytes);
  }
}
