package io.tributary.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tributary.support.ClientKind;
import io.tributary.support.KinesisClients;
import io.tributary.support.TestServer;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.Socket;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.Record;
import software.amazon.awssdk.services.kinesis.model.ShardIteratorType;
import software.amazon.awssdk.services.kinesis.model.StreamStatus;

/**
 * The Kinesis API on the TLS port: the Java SDK's clients (async HTTP/2 without ALPN, as the SDK does
 * for Kinesis, async and sync HTTP/1.1), java.net.http with ALPN, a raw client that sends the HTTP/2
 * preface without ALPN, and the server's certificate: made once, kept across restarts, or read from PEM.
 */
class TlsTest {
  private static final String AUTH =
      "AWS4-HMAC-SHA256 Credential=AKID/20260101/us-east-1/kinesis/aws4_request, SignedHeaders=host;x-amz-date, Signature=abcd";
  private static final byte[] HTTP2_PREFACE = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(StandardCharsets.US_ASCII);

  @ParameterizedTest
  @EnumSource(value = ClientKind.class, names = {"ASYNC_CBOR_H2C", "ASYNC_JSON_H2C", "ASYNC_CBOR_HTTP1", "SYNC_CBOR_HTTP1"})
  void sdkClientsCreatePutAndGetOverTls(ClientKind kind) {
    KinesisClient client = KinesisClients.of(kind, TestServer.shared().tlsEndpoint());
    String stream = "tls-" + kind.name().toLowerCase() + "-" + System.nanoTime() % 100000;
    client.createStream(b -> b.streamName(stream).shardCount(1));
    awaitActive(client, stream);
    client.putRecord(b -> b.streamName(stream).partitionKey("a").data(SdkBytes.fromUtf8String("first")));
    client.putRecords(b -> b.streamName(stream).records(
        r -> r.partitionKey("b").data(SdkBytes.fromUtf8String("second")),
        r -> r.partitionKey("c").data(SdkBytes.fromUtf8String("third"))));
    String iterator = client.getShardIterator(b -> b.streamName(stream).shardId("shardId-000000000000")
        .shardIteratorType(ShardIteratorType.TRIM_HORIZON)).shardIterator();
    List<String> data = client.getRecords(b -> b.shardIterator(iterator)).records().stream()
        .map(Record::data).map(SdkBytes::asUtf8String).collect(Collectors.toList());
    assertEquals(List.of("first", "second", "third"), data);
    List<String> sent = KinesisClients.sentContentTypes(kind);
    assertEquals(kind.expectedContentType(), sent.get(sent.size() - 1));
  }

  @Test
  void http2PrefaceWithoutAlpnIsAnsweredWithSettings() throws Exception {
    try (SSLSocket socket = (SSLSocket) trustAll().getSocketFactory()
        .createSocket("127.0.0.1", TestServer.shared().tlsPort())) {
      socket.setSoTimeout(10_000);
      socket.startHandshake(); // no ALPN offered, as the Java SDK's async client does for Kinesis
      assertEquals("", socket.getApplicationProtocol());
      OutputStream out = socket.getOutputStream();
      out.write(HTTP2_PREFACE);
      out.write(new byte[] {0, 0, 0, 0x4, 0, 0, 0, 0, 0}); // empty SETTINGS
      out.flush();
      byte[] frameHeader = new byte[9];
      new DataInputStream(socket.getInputStream()).readFully(frameHeader);
      assertEquals(0x4, frameHeader[3], "the first frame is SETTINGS, not an HTTP/1.1 answer");
    }
  }

  @Test
  void javaHttpClientNegotiatesH2WithAlpn() throws Exception {
    HttpResponse<String> response = listStreams(HttpClient.Version.HTTP_2);
    assertEquals(HttpClient.Version.HTTP_2, response.version());
    assertEquals(200, response.statusCode());
    assertTrue(response.body().contains("StreamNames"), response.body());
  }

  @Test
  void javaHttpClientSpeaksHttp1() throws Exception {
    HttpResponse<String> response = listStreams(HttpClient.Version.HTTP_1_1);
    assertEquals(HttpClient.Version.HTTP_1_1, response.version());
    assertEquals(200, response.statusCode());
    assertEquals("application/x-amz-json-1.1", response.headers().firstValue("Content-Type").orElse(null));
  }

  @Test
  void selfSignedCertificateIsMadeOnceAndReusedAcrossRestarts(@TempDir Path data) throws Exception {
    Map<String, String> settings = Map.of("data.dir", data.toString());
    X509Certificate first;
    try (TestServer server = TestServer.start(settings)) {
      first = servedCertificate(server.tlsPort());
    }
    assertTrue(Files.isRegularFile(data.resolve("tls").resolve(ServerCertificate.KEYSTORE)));
    List<String> names = first.getSubjectAlternativeNames().stream()
        .map(name -> String.valueOf(name.get(1))).collect(Collectors.toList());
    assertTrue(names.containsAll(List.of("localhost", "127.0.0.1")), names.toString());
    assertTrue(first.getNotAfter().getTime() - System.currentTimeMillis() > 9L * 365 * 24 * 3600 * 1000,
        "valid for about ten years");
    try (TestServer server = TestServer.start(settings)) {
      assertEquals(fingerprint(first), fingerprint(servedCertificate(server.tlsPort())));
    }
  }

  @Test
  void servesThePemCertificateWhenConfigured(@TempDir Path directory) throws Exception {
    // PEM files made from a keystore the server made elsewhere.
    Path keystoreFile = ServerCertificate.selfSigned(directory.resolve("made"));
    KeyStore keystore = KeyStore.getInstance("PKCS12");
    try (InputStream in = Files.newInputStream(keystoreFile)) {
      keystore.load(in, ServerCertificate.KEYSTORE_PASSWORD.toCharArray());
    }
    X509Certificate certificate = (X509Certificate) keystore.getCertificate("tributary");
    PrivateKey key = (PrivateKey) keystore.getKey("tributary", ServerCertificate.KEYSTORE_PASSWORD.toCharArray());
    Path cert = directory.resolve("server.crt");
    Path keyFile = directory.resolve("server.key");
    Files.writeString(cert, pem("CERTIFICATE", certificate.getEncoded()));
    Files.writeString(keyFile, pem("PRIVATE KEY", key.getEncoded()));
    Path data = directory.resolve("data");
    try (TestServer server = TestServer.start(Map.of("data.dir", data.toString(),
        "tls.cert", cert.toString(), "tls.key", keyFile.toString()))) {
      assertEquals(fingerprint(certificate), fingerprint(servedCertificate(server.tlsPort())));
    }
    assertFalse(Files.exists(data.resolve("tls")), "no self-signed certificate is made when PEM files are set");
  }

  @Test
  void tlsPortIsClosedWhenDisabled() {
    try (TestServer server = TestServer.start(Map.of("tls.enabled", "false"))) {
      assertThrows(ConnectException.class, () -> new Socket("127.0.0.1", server.tlsPort()).close());
      assertNotEquals(server.port(), server.tlsPort());
    }
  }

  private static HttpResponse<String> listStreams(HttpClient.Version version) throws IOException, InterruptedException {
    HttpClient http = HttpClient.newBuilder().version(version).sslContext(trustAll()).build();
    HttpRequest request = HttpRequest.newBuilder(TestServer.shared().tlsEndpoint())
        .header("Content-Type", "application/x-amz-json-1.1").header("X-Amz-Target", "Kinesis_20131202.ListStreams")
        .header("Authorization", AUTH).header("X-Amz-Date", "20260101T000000Z")
        .POST(HttpRequest.BodyPublishers.ofString("{}")).build();
    return http.send(request, HttpResponse.BodyHandlers.ofString());
  }

  private static void awaitActive(KinesisClient client, String stream) {
    long deadline = System.nanoTime() + 10_000_000_000L;
    while (client.describeStreamSummary(b -> b.streamName(stream)).streamDescriptionSummary().streamStatus()
        != StreamStatus.ACTIVE) {
      if (System.nanoTime() > deadline) throw new AssertionError(stream + " not ACTIVE");
      Thread.onSpinWait();
    }
  }

  private static X509Certificate servedCertificate(int port) throws Exception {
    try (SSLSocket socket = (SSLSocket) trustAll().getSocketFactory().createSocket("127.0.0.1", port)) {
      socket.startHandshake();
      return (X509Certificate) socket.getSession().getPeerCertificates()[0];
    }
  }

  private static String fingerprint(X509Certificate certificate) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(certificate.getEncoded()));
  }

  private static String pem(String type, byte[] der) {
    return "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der)
        + "\n-----END " + type + "-----\n";
  }

  /** Trusts any certificate; java.net.http still checks the host name against the certificate's names. */
  private static SSLContext trustAll() {
    try {
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(null, new TrustManager[] {new X509TrustManager() {
        @Override public void checkClientTrusted(X509Certificate[] chain, String authType) { }
        @Override public void checkServerTrusted(X509Certificate[] chain, String authType) { }
        @Override public X509Certificate[] getAcceptedIssuers() { return new X509Certificate[0]; }
      }}, new SecureRandom());
      return context;
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
