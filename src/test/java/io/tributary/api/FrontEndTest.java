package io.tributary.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.cbor.CBORFactory;
import io.tributary.support.TestServer;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The answers of the front end itself, before any operation runs: requests no SDK would send, written by
 * hand over HTTP/1.1 and HTTP/2.
 */
class FrontEndTest {
  private static final String JSON = "application/x-amz-json-1.1";
  private static final String CBOR = "application/x-amz-cbor-1.1";
  private static final String AUTH =
      "AWS4-HMAC-SHA256 Credential=AKID/20260101/eu-west-1/kinesis/aws4_request, SignedHeaders=host;x-amz-date, Signature=abcd";
  private static final ObjectMapper JSON_MAPPER = new ObjectMapper();
  private static final ObjectMapper CBOR_MAPPER = new ObjectMapper(new CBORFactory());
  private static final HttpClient HTTP1 = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  private static HttpResponse<byte[]> post(Map<String, String> headers, byte[] body) throws IOException, InterruptedException {
    HttpRequest.Builder request = HttpRequest.newBuilder(TestServer.shared().endpoint().resolve("/"))
        .POST(HttpRequest.BodyPublishers.ofByteArray(body));
    headers.forEach(request::header);
    return HTTP1.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
  }

  private static HttpResponse<byte[]> call(String operation, String contentType, String body)
      throws IOException, InterruptedException {
    return post(Map.of("Content-Type", contentType, "X-Amz-Target", "Kinesis_20131202." + operation,
        "Authorization", AUTH, "X-Amz-Date", "20260101T000000Z"), body.getBytes());
  }

  private static JsonNode json(HttpResponse<byte[]> response) throws IOException {
    return JSON_MAPPER.readTree(response.body());
  }

  private static void assertError(HttpResponse<byte[]> response, int status, String type, String message)
      throws IOException {
    assertEquals(status, response.statusCode());
    assertEquals(type, response.headers().firstValue("x-amzn-ErrorType").orElse(null));
    JsonNode body = json(response);
    assertEquals(type, body.get("__type").asText());
    if (message != null) {
      JsonNode text = body.has("message") ? body.get("message") : body.get("Message");
      assertEquals(message, text.asText());
    }
  }

  @Test
  void everyAnswerCarriesRequestIds() throws Exception {
    HttpResponse<byte[]> response = call("ListStreams", JSON, "{}");
    assertEquals(200, response.statusCode());
    assertEquals(JSON, response.headers().firstValue("Content-Type").orElseThrow());
    assertTrue(response.headers().firstValue("x-amzn-RequestId").orElseThrow()
        .matches("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"));
    assertEquals(96, response.headers().firstValue("x-amz-id-2").orElseThrow().length());
  }

  @Test
  void unknownOperationsAndTargets() throws Exception {
    assertError(call("Frobnicate", JSON, "{}"), 400, "UnknownOperationException", null);
    assertError(post(Map.of("Content-Type", JSON, "Authorization", AUTH, "X-Amz-Date", "x"), "{}".getBytes()), 400,
        "UnknownOperationException", null);
    assertError(post(Map.of("Content-Type", JSON, "X-Amz-Target", "DynamoDB_20120810.ListTables",
        "Authorization", AUTH), "{}".getBytes()), 400, "UnknownOperationException", null);
  }

  @Test
  void malformedBodies() throws Exception {
    assertError(call("ListStreams", JSON, "{not json"), 400, "SerializationException", null);
    assertError(call("ListStreams", JSON, "\"a string\""), 400, "SerializationException", null);
    assertError(call("CreateStream", JSON, "{\"StreamName\":true,\"ShardCount\":1}"), 400, "SerializationException",
        "class java.lang.Boolean can not be converted to an String");
    assertError(call("CreateStream", JSON, "{\"StreamName\":\"x\",\"ShardCount\":\"1\"}"), 400, "SerializationException",
        "class java.lang.String can not be converted to an Integer");
    assertError(call("CreateStream", JSON, "{\"StreamName\":{},\"ShardCount\":1}"), 400, "SerializationException",
        "Start of structure or map found where not expected.");
    assertError(call("PutRecords", JSON, "{\"StreamName\":\"x\",\"Records\":{}}"), 400, "SerializationException",
        "Start of structure or map found where not expected.");
    assertError(call("PutRecord", JSON, "{\"StreamName\":\"x\",\"PartitionKey\":\"a\",\"Data\":\"abc\"}"), 400,
        "SerializationException",
        "'abc' can not be converted to a Blob: Base64 encoded length is expected a multiple of 4 bytes but found: 3");
    assertError(call("PutRecord", JSON, "{\"StreamName\":\"x\",\"PartitionKey\":\"a\",\"Data\":\"ab!=\"}"), 400,
        "SerializationException", "'ab!=' can not be converted to a Blob: Invalid Base64 character: '!'");
    // As AWS's decoder: the first character not valid where it stands, here a pad opening a quad.
    assertError(call("PutRecord", JSON, "{\"StreamName\":\"x\",\"PartitionKey\":\"a\",\"Data\":\"=+/=\"}"), 400,
        "SerializationException", "'=+/=' can not be converted to a Blob: Invalid Base64 character: '='");
    assertError(call("GetShardIterator", JSON, "{\"StreamName\":\"x\",\"ShardId\":\"s\",\"ShardIteratorType\":\"AT_TIMESTAMP\","
        + "\"Timestamp\":\"yesterday\"}"), 400, "SerializationException",
        "class java.lang.String can not be converted to milliseconds since epoch");
    HttpResponse<byte[]> empty = post(Map.of("Content-Type", JSON, "X-Amz-Target", "Kinesis_20131202.ListStreams",
        "Authorization", AUTH), new byte[0]);
    assertError(empty, 400, "SerializationException", null);
  }

  /** Found by FrontEndFuzzTest: these once answered 500, or never. */
  @Test
  void answersExtremeNumbersAsAwsDoes() throws Exception {
    assertError(call("ListStreams", JSON, "{\"Limit\":1e999}"), 400, "ValidationException", "1 validation error detected: "
        + "Value '2147483647' at 'limit' failed to satisfy constraint: Member must have value less than or equal to 10000");
    assertError(call("ListStreams", JSON, "{\"Limit\":-1e999}"), 400, "ValidationException", "1 validation error detected: "
        + "Value '-2147483648' at 'limit' failed to satisfy constraint: Member must have value greater than or equal to 1");
    assertError(call("ListStreams", JSON, "{\"Limit\":1e-999999}"), 400, "ValidationException", "1 validation error "
        + "detected: Value '0' at 'limit' failed to satisfy constraint: Member must have value greater than or equal to 1");
    // A CBOR half-precision NaN.
    HttpResponse<byte[]> nan = post(cborHeaders("ListStreams"), new byte[] {(byte) 0xA1, 0x65, 'L', 'i', 'm', 'i', 't',
        (byte) 0xF9, 0x7E, 0x00});
    assertEquals(400, nan.statusCode());
    JsonNode nanError = CBOR_MAPPER.readTree(nan.body());
    assertEquals("SerializationException", nanError.get("__type").asText());
    assertEquals("class com.amazon.coral.value.json.numbers.TruncatingBigNumber can not be converted to an Integer",
        nanError.get("Message").asText());
    // A CBOR decimal fraction (tag 4) of 1 x 10^2147483647: capped at once, not expanded.
    byte[] hugeDecimal = {(byte) 0xA1, 0x65, 'L', 'i', 'm', 'i', 't', (byte) 0xC4, (byte) 0x82, 0x1A, 0x7F, (byte) 0xFF,
        (byte) 0xFF, (byte) 0xFF, 0x01};
    HttpResponse<byte[]> capped = post(cborHeaders("ListStreams"), hugeDecimal);
    assertEquals(400, capped.statusCode());
    assertEquals("ValidationException", CBOR_MAPPER.readTree(capped.body()).get("__type").asText());
    HttpResponse<byte[]> farFuture = call("GetShardIterator", JSON, "{\"StreamName\":\"none\",\"ShardId\":\"s\","
        + "\"ShardIteratorType\":\"AT_TIMESTAMP\",\"Timestamp\":1e999}");
    assertEquals(400, farFuture.statusCode());
    assertTrue(json(farFuture).get("__type").asText().endsWith("Exception"));
  }

  /** Found by FrontEndFuzzTest: an error that quoted such a value was never answered. */
  @Test
  void answersStringsWithBrokenUnicode() throws Exception {
    String expected = "1 validation error detected: Value 'a\uFFFDb' at 'streamName' failed to satisfy constraint: "
        + "Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+";
    assertError(call("DescribeStream", JSON, "{\"StreamName\":\"a\\ud800b\"}"), 400, "ValidationException", expected);
    // CBOR text "f", 0xF5 'z' 'z' 'e' (read as one 4-byte sequence beyond U+10FFFF), "d".
    HttpResponse<byte[]> cbor = post(cborHeaders("DescribeStream"), new byte[] {(byte) 0xA1, 0x6A, 'S', 't', 'r', 'e', 'a',
        'm', 'N', 'a', 'm', 'e', 0x66, 'f', (byte) 0xF5, 'z', 'z', 'e', 'd'});
    assertEquals(400, cbor.statusCode());
    assertEquals("ValidationException", CBOR_MAPPER.readTree(cbor.body()).get("__type").asText());
  }

  private static Map<String, String> cborHeaders(String operation) {
    return Map.of("Content-Type", CBOR, "X-Amz-Target", "Kinesis_20131202." + operation, "Authorization", AUTH,
        "X-Amz-Date", "20260101T000000Z");
  }

  @Test
  void answersCborInCbor() throws Exception {
    byte[] body = CBOR_MAPPER.writeValueAsBytes(Map.of("StreamName", "missing-in-cbor"));
    HttpResponse<byte[]> response = post(Map.of("Content-Type", CBOR, "X-Amz-Target", "Kinesis_20131202.DescribeStream",
        "Authorization", AUTH, "X-Amz-Date", "20260101T000000Z"), body);
    assertEquals(400, response.statusCode());
    assertEquals(CBOR, response.headers().firstValue("Content-Type").orElseThrow());
    JsonNode error = CBOR_MAPPER.readTree(response.body());
    assertEquals("ResourceNotFoundException", error.get("__type").asText());
    assertEquals("Stream missing-in-cbor under account 000000000000 not found.", error.get("message").asText());
  }

  @Test
  void requiresAWellFormedSignature() throws Exception {
    HttpResponse<byte[]> none = post(Map.of("Content-Type", JSON, "X-Amz-Target", "Kinesis_20131202.ListStreams"),
        "{}".getBytes());
    assertError(none, 400, "MissingAuthenticationTokenException", "Missing Authentication Token");
    HttpResponse<byte[]> partial = post(Map.of("Content-Type", JSON, "X-Amz-Target", "Kinesis_20131202.ListStreams",
        "Authorization", "AWS4-HMAC-SHA256"), "{}".getBytes());
    assertError(partial, 400, "IncompleteSignatureException", "Authorization header requires 'Credential' parameter. "
        + "Authorization header requires 'Signature' parameter. Authorization header requires 'SignedHeaders' "
        + "parameter. Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header. "
        + "Authorization=AWS4-HMAC-SHA256");
    HttpRequest presigned = HttpRequest.newBuilder(URI.create(TestServer.shared().endpoint()
            + "/?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKID%2F20260101%2Fus-east-1%2Fkinesis%2Faws4_request"))
        .header("Content-Type", JSON).header("X-Amz-Target", "Kinesis_20131202.ListStreams")
        .POST(HttpRequest.BodyPublishers.ofString("{}")).build();
    assertError(HTTP1.send(presigned, HttpResponse.BodyHandlers.ofByteArray()), 400, "IncompleteSignatureException",
        "AWS query-string parameters must include 'X-Amz-Signature'. AWS query-string parameters must include "
            + "'X-Amz-SignedHeaders'. AWS query-string parameters must include 'X-Amz-Date'. Re-examine the "
            + "query-string parameters.");
  }

  @Test
  void takesTheRegionFromTheCredentialScope() throws Exception {
    HttpResponse<byte[]> created = call("CreateStream", JSON, "{\"StreamName\":\"in-eu\",\"ShardCount\":1}");
    assertEquals(200, created.statusCode());
    JsonNode description = json(call("DescribeStreamSummary", JSON, "{\"StreamName\":\"in-eu\"}"));
    assertEquals("arn:aws:kinesis:eu-west-1:000000000000:stream/in-eu",
        description.get("StreamDescriptionSummary").get("StreamARN").asText());
  }

  @Test
  void answersOtherMethodsAndContentTypesAsAwsDoes() throws Exception {
    HttpRequest get = HttpRequest.newBuilder(TestServer.shared().endpoint()).GET().build();
    HttpResponse<String> denied = HTTP1.send(get, HttpResponse.BodyHandlers.ofString());
    assertEquals(403, denied.statusCode());
    assertEquals("<AccessDeniedException>\n  <Message>Unable to determine service/operation name to be authorized"
        + "</Message>\n</AccessDeniedException>\n", denied.body());
    HttpResponse<byte[]> xml = post(Map.of("Content-Type", "text/plain", "X-Amz-Target", "Kinesis_20131202.ListStreams",
        "Authorization", AUTH), "{}".getBytes());
    assertEquals(404, xml.statusCode());
    assertEquals("<UnknownOperationException/>\n", new String(xml.body()));
  }

  /** As AWS: an operation whose output shape is empty answers with no body, in JSON and in CBOR. */
  @Test
  void answersOperationsWithAnEmptyOutputWithNoBody() throws Exception {
    String name = "empty-answer-" + System.nanoTime();
    HttpResponse<byte[]> created = call("CreateStream", JSON, "{\"StreamName\":\"" + name + "\",\"ShardCount\":1}");
    assertEquals(200, created.statusCode());
    assertEquals(0, created.body().length);
    assertEquals("0", created.headers().firstValue("Content-Length").orElseThrow());
    assertEquals(JSON, created.headers().firstValue("Content-Type").orElseThrow());

    byte[] body = CBOR_MAPPER.writeValueAsBytes(Map.of("StreamName", name));
    HttpResponse<byte[]> deleted = post(Map.of("Content-Type", CBOR, "X-Amz-Target", "Kinesis_20131202.DeleteStream",
        "Authorization", AUTH, "X-Amz-Date", "20260101T000000Z"), body);
    assertEquals(200, deleted.statusCode());
    assertEquals(0, deleted.body().length);
    assertEquals(CBOR, deleted.headers().firstValue("Content-Type").orElseThrow());
  }

  @Test
  void answersCorsPreflightsAndExposesHeaders() throws Exception {
    HttpRequest preflight = HttpRequest.newBuilder(TestServer.shared().endpoint())
        .method("OPTIONS", HttpRequest.BodyPublishers.noBody())
        .header("Origin", "http://localhost:3000")
        .header("Access-Control-Request-Method", "POST")
        .header("Access-Control-Request-Headers", "content-type,x-amz-target,authorization")
        .build();
    HttpResponse<String> answer = HTTP1.send(preflight, HttpResponse.BodyHandlers.ofString());
    assertEquals(200, answer.statusCode());
    assertEquals("*", answer.headers().firstValue("Access-Control-Allow-Origin").orElseThrow());
    assertEquals("POST", answer.headers().firstValue("Access-Control-Allow-Methods").orElseThrow());
    assertEquals("content-type,x-amz-target,authorization",
        answer.headers().firstValue("Access-Control-Allow-Headers").orElseThrow());
    assertEquals("172800", answer.headers().firstValue("Access-Control-Max-Age").orElseThrow());
    assertTrue(answer.headers().firstValue("x-amz-id-2").isEmpty(), "a preflight has no x-amz-id-2, as AWS's");

    HttpResponse<byte[]> call = post(Map.of("Origin", "http://localhost:3000", "Content-Type", JSON,
        "X-Amz-Target", "Kinesis_20131202.ListStreams", "Authorization", AUTH, "X-Amz-Date", "x"), "{}".getBytes());
    assertEquals("*", call.headers().firstValue("Access-Control-Allow-Origin").orElseThrow());
    assertNotNull(call.headers().firstValue("Access-Control-Expose-Headers").orElseThrow());
    assertNotNull(call.headers().firstValue("x-amz-id-2").orElseThrow());
  }

  @Test
  void servesHttp2WithPriorKnowledgeOnTheSamePort() throws Exception {
    HttpClient http2 = HttpClient.newBuilder().version(HttpClient.Version.HTTP_2).build();
    HttpRequest request = HttpRequest.newBuilder(TestServer.shared().endpoint())
        .header("Content-Type", JSON).header("X-Amz-Target", "Kinesis_20131202.ListStreams")
        .header("Authorization", AUTH).header("X-Amz-Date", "x")
        .POST(HttpRequest.BodyPublishers.ofString("{}")).build();
    // java.net.http upgrades with h2c on the first request; the SDK tests cover prior knowledge.
    HttpResponse<String> response = http2.send(request, HttpResponse.BodyHandlers.ofString());
    assertEquals(200, response.statusCode());
    assertTrue(response.body().contains("StreamNames"));
  }
}
