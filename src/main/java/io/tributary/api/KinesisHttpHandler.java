package io.tributary.api;

import io.tributary.DomainException;
import io.tributary.stream.MetadataNotKeptException;
import com.fasterxml.jackson.databind.JsonNode;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.tributary.Services;
import io.tributary.api.operation.StreamedInputs;
import io.tributary.api.wire.Input;
import io.tributary.limits.MemoryBudgets;
import io.tributary.api.wire.Response;
import io.tributary.api.wire.ResponseWriter;
import io.tributary.api.wire.StreamedShape;
import io.tributary.api.wire.WireFormat;
import io.tributary.shard.ShardUnavailableException;
import io.vertx.core.Future;
import io.vertx.core.WorkerExecutor;
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
 * handler. Every answer carries {@code x-amzn-RequestId}, and every one but a CORS preflight's
 * {@code x-amz-id-2}; every error carries {@code __type} and its message in the body and
 * {@code x-amzn-ErrorType} in the headers.
 *
 * <p>Bodies are held against the server's memory budgets ({@link MemoryBudgets}); a call with no room is
 * throttled at once. A body over {@link #LARGE_BODY_BYTES} (or of undeclared length) is read only after the
 * checks of its Authorization header that need no body, and is parsed, authenticated and validated on the
 * {@code tributary-decode} pool rather than on the event loop; the pool takes at most
 * {@code limits.decode.queue} of them at once, and throttles the next.
 */
public final class KinesisHttpHandler {
  /** Bodies above this are decoded off the event loop, and read only once their headers pass. */
  static final int LARGE_BODY_BYTES = 256 * 1024;
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
  private final MemoryBudgets budgets;
  private final WorkerExecutor decodePool;
  /** This handler's event loop: when it runs far behind, new calls are throttled at once. */
  private final EventLoopLag loopLag;

  /**
   * A parsed, authenticated and validated call, ready for its handler; or the error to answer instead; or,
   * when {@code format} is null, a plain application/json document for {@link #answerPlainJson}.
   */
  private record Decoded(WireFormat format, JsonNode plainDocument, KinesisException error, RequestContext context,
      OperationHandler handler, Input input) {
    static Decoded failed(WireFormat format, KinesisException error) {
      return new Decoded(format, null, error, null, null, null);
    }
  }

  public KinesisHttpHandler(Services services, Authentication authentication) {
    this.services = services;
    for (Operation operation : Operation.values()) {
      handlers.put(operation, Admission.wrap(services, operation, operation.newHandler(services)));
    }
    this.authentication = authentication;
    this.maxRequestBytes = services.settings().longValue("limits.request.bytes");
    this.requestTimeoutMs = services.settings().longValue("limits.request.timeout.ms");
    this.defaultAccount = services.settings().string("account");
    this.principals = AccountPrincipals.parse(services.settings().string("accounts"));
    this.defaultRegion = services.settings().string("region");
    this.meters = services.meters();
    this.budgets = services.budgets();
    this.decodePool = services.pools().decode();
    this.loopLag = EventLoopLag.ofCurrentLoop(services.settings().longValue("limits.overload.lag.ms"));
  }

  public void handle(HttpServerRequest request) {
    long started = System.nanoTime();
    long declared = RequestBody.declaredLength(request);
    if (request.method() == HttpMethod.POST && (declared < 0 || declared > LARGE_BODY_BYTES)) {
      try {
        authentication.authenticateHeaders(request);
      } catch (KinesisException refused) {
        refuseUnread(request, refused, started);
        return;
      } catch (RuntimeException e) {
        answerUnexpected(request, e);
        return;
      }
    }
    // A declared large body meets a full decode queue before it is read, so overload costs no reading. Its
    // place is taken only once it is read: a slow sender holds bytes of the request budget, never a place.
    if (declared > LARGE_BODY_BYTES && declared <= maxRequestBytes && budgets.decodes().full()) {
      refuseUnread(request, Overload.error(operationOf(request), accountOf(request)), started);
      return;
    }
    RequestBody.read(services.vertx(), request, maxRequestBytes, requestTimeoutMs, budgets.requests())
        .onSuccess(received -> {
          Future<?> served;
          try {
            served = process(request, received.body(), started);
          } catch (RuntimeException e) {
            answerUnexpected(request, e);
            served = Future.succeededFuture();
          }
          served.onComplete(done -> received.release());
        })
        .onFailure(failure -> {
          if (failure instanceof RequestBody.OverBudget) {
            refuseUnread(request, Overload.error(operationOf(request), accountOf(request)), started);
          } else {
            RequestBody.reject(request, failure);
          }
        });
  }

  /** Answers a call whose body is not read (and will not be): the error, then the connection or stream is cut. */
  private void refuseUnread(HttpServerRequest request, KinesisException error, long started) {
    HttpServerResponse response = request.response();
    if (response.ended() || response.closed()) return;
    response.putHeader("x-amzn-RequestId", requestId());
    response.putHeader("x-amz-id-2", extendedRequestId());
    if (request.version() != HttpVersion.HTTP_2) response.putHeader("Connection", "close");
    WireFormat format = WireFormat.ofContentType(mediaTypeOf(request)) == WireFormat.JSON ? WireFormat.JSON : WireFormat.CBOR;
    Operation operation = operationOf(request);
    putErrorHeaders(response, format, error);
    RequestBody.endAndStopReading(request, errorBody(format, error));
    record(operation, error.type(), started);
  }

  private static String mediaTypeOf(HttpServerRequest request) {
    String contentType = request.getHeader("Content-Type");
    return contentType == null ? "" : WireFormat.mediaType(contentType);
  }

  private static Operation operationOf(HttpServerRequest request) {
    String[] target = String.valueOf(request.getHeader("X-Amz-Target")).split("\\.");
    return target.length > 1 && Operation.TARGET_PREFIX.equals(target[0]) ? Operation.named(target[1]) : null;
  }

  /** The account a call acts in, from its credential when its Authorization header is well formed. */
  private String accountOf(HttpServerRequest request) {
    try {
      SignatureShape.Credential credential = SignatureShape.check(request.headers(), request.params()).credential();
      return credential == null ? defaultAccount : principals.of(credential.accessKey(), defaultAccount).account();
    } catch (RuntimeException e) {
      return defaultAccount;
    }
  }

  /** Serves a call whose body is read; completes once it is answered (or its streamed answer started). */
  private Future<?> process(HttpServerRequest request, Buffer body, long started) {
    HttpServerResponse response = request.response();
    String requestId = requestId();
    response.putHeader("x-amzn-RequestId", requestId);

    String origin = request.getHeader("Origin");
    if (origin != null) {
      response.putHeader("Access-Control-Allow-Origin", "*");
      // As AWS: a preflight's answer has no x-amz-id-2; every other answer has one.
      if (request.method() == HttpMethod.OPTIONS) {
        answerPreflight(request);
        return Future.succeededFuture();
      }
      response.putHeader("Access-Control-Expose-Headers", EXPOSED_HEADERS);
    }
    response.putHeader("x-amz-id-2", extendedRequestId());
    if (request.method() != HttpMethod.POST) {
      answerXml(response, "AccessDeniedException", "Unable to determine service/operation name to be authorized");
      return Future.succeededFuture();
    }

    String mediaType = mediaTypeOf(request);
    WireFormat format = WireFormat.ofContentType(mediaType);
    String[] target = String.valueOf(request.getHeader("X-Amz-Target")).split("\\.");
    boolean serviceNamed = target.length > 1 && !target[0].isEmpty() && !target[1].isEmpty();
    Operation operation = operationOf(request);

    if (body.length() == 0) {
      WireFormat answerFormat = format == WireFormat.JSON ? WireFormat.JSON : WireFormat.CBOR;
      answerError(response, answerFormat, null,
          KinesisException.bare(operation != null ? "SerializationException" : "UnknownOperationException"), started);
      return Future.succeededFuture();
    }
    if (format == null && !PLAIN_JSON.equals(mediaType)) {
      if (!serviceNamed) {
        answerXml(response, "AccessDeniedException", "Unable to determine service/operation name to be authorized");
      } else {
        response.setStatusCode(404).end("<UnknownOperationException/>\n");
      }
      return Future.succeededFuture();
    }
    if (loopLag.overloaded() && operation != null && operation.shedUnderOverload()) {
      answerError(response, format == null ? WireFormat.JSON : format, operation,
          Overload.error(operation, accountOf(request)), started);
      return Future.succeededFuture();
    }
    if (body.length() <= LARGE_BODY_BYTES) {
      return serve(request, decode(request, body, format, operation, requestId), operation, started);
    }
    if (!budgets.decodes().tryReserve(1)) {
      answerError(response, format == null ? WireFormat.JSON : format, operation,
          Overload.error(operation, accountOf(request)), started);
      return Future.succeededFuture();
    }
    return decodePool.executeBlocking(() -> decode(request, body, format, operation, requestId), false)
        .andThen(done -> budgets.decodes().release(1))
        .compose(decoded -> serve(request, decoded, operation, started), failure -> {
          answerUnexpected(request, failure);
          return Future.succeededFuture();
        });
  }

  /**
   * Parses the body, authenticates the call and decodes and validates its input: the work that grows with
   * the body, so it runs on the decode pool for a large one. Never throws; a failure is in the result.
   */
  private Decoded decode(HttpServerRequest request, Buffer body, WireFormat format, Operation operation,
      String requestId) {
    // A hot data call in its plain, well-formed shape is read without a tree (StreamedShape); any other
    // body takes the generic path, which words every error as AWS does.
    StreamedShape streamed = format == null ? null : StreamedInputs.of(operation);
    Input streamedInput = streamed == null ? null : streamed.decode(format, body);
    JsonNode document = null;
    if (streamedInput == null) {
      try {
        document = (format == null ? WireFormat.JSON : format).mapper().readTree(body.getBytes());
      } catch (Exception e) {
        document = null;
      }
    }
    if (format == null) return new Decoded(null, document, null, null, null, null);
    if (streamedInput == null && (document == null || !(document.isObject() || document.isArray()))) {
      return Decoded.failed(format, KinesisException.bare("SerializationException"));
    }
    if (operation == null) return Decoded.failed(format, KinesisException.bare("UnknownOperationException"));
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
      Input input = streamedInput != null ? streamedInput : handler.input().decode(document, format);
      handler.input().validate(input);
      return new Decoded(format, null, null, context, handler, input);
    } catch (RuntimeException e) {
      return Decoded.failed(format, asKinesisError(operation, e));
    }
  }

  /** Runs a decoded call's handler and answers it; completes once answered (or its streamed answer started). */
  private Future<?> serve(HttpServerRequest request, Decoded decoded, Operation operation, long started) {
    HttpServerResponse response = request.response();
    WireFormat format = decoded.format();
    if (format == null) {
      answerPlainJson(response, decoded.plainDocument());
      return Future.succeededFuture();
    }
    if (decoded.error() != null) {
      answerError(response, format, operation, decoded.error(), started);
      return Future.succeededFuture();
    }
    try {
      if (decoded.handler() instanceof StreamingOperationHandler streaming) {
        return streaming.open(decoded.context(), decoded.input()).andThen(result -> {
          if (result.succeeded()) {
            stream(request, operation, result.result(), started);
          } else {
            answerError(response, format, operation, asKinesisError(operation, result.cause()), started);
          }
        });
      }
      return decoded.handler().handle(decoded.context(), decoded.input()).andThen(result -> {
        if (result.succeeded()) {
          answer(response, format, operation, result.result(), started);
        } else {
          answerError(response, format, operation, asKinesisError(operation, result.cause()), started);
        }
      });
    } catch (RuntimeException e) {
      answerError(response, format, operation, asKinesisError(operation, e), started);
      return Future.succeededFuture();
    }
  }

  private void answer(HttpServerResponse response, WireFormat format, Operation operation, Response result,
      long started) {
    if (result == Response.EMPTY) {
      // As AWS: an operation whose output shape is empty answers with no body at all, in JSON and in CBOR.
      response.putHeader("Content-Type", format.contentType()).putHeader("Content-Length", "0").end();
      record(operation, "ok", started);
      return;
    }
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
    putErrorHeaders(response, format, error);
    response.end(errorBody(format, error));
    record(operation, error.type(), started);
  }

  private static void putErrorHeaders(HttpServerResponse response, WireFormat format, KinesisException error) {
    response.setStatusCode(error.status())
        .putHeader("x-amzn-ErrorType", error.type())
        .putHeader("Content-Type", format.contentType());
  }

  private static Buffer errorBody(WireFormat format, KinesisException error) {
    ResponseWriter writer = new ResponseWriter(format, 256);
    writer.startObject().field("__type", error.type());
    switch (error.messageKey()) {
      case LOWER -> writer.field("message", error.getMessage());
      case CAPITAL -> writer.field("Message", error.getMessage());
      case NONE -> { }
    }
    writer.endObject();
    return writer.finish();
  }

  /** A failure no check caught: logged, and answered (InternalFailure, or a reset) so the client never waits. */
  private static void answerUnexpected(HttpServerRequest request, Throwable failure) {
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
