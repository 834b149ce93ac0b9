package io.tributary.api;

import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.net.HostAndPort;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Verifies AWS Signature Version 4 as Kinesis does: the access key must be known, the credential scope
 * well formed and for {@code kinesis}, the signing time within the allowed clock skew (or, presigned,
 * within X-Amz-Expires), and the signature equal to the one recomputed from the request as received:
 *
 * <pre>
 * canonical request = method \n path \n sorted query \n name:value\n per signed header \n
 *                     signed header names \n payload hash (hex SHA-256 of the body, or UNSIGNED-PAYLOAD /
 *                     STREAMING-* as sent in x-amz-content-sha256)
 * string to sign    = AWS4-HMAC-SHA256 \n date \n scope without the key id \n hex SHA-256(canonical request)
 * signing key       = HMAC(HMAC(HMAC(HMAC("AWS4" + secret, yyyymmdd), region), service), "aws4_request")
 * </pre>
 *
 * Over HTTP/2 the {@code host} header is the request's {@code :authority}. Signing keys are cached per
 * key id, day, region and service (the secret of a key id never changes while the server runs).
 * Signatures are compared in constant time. Thread-safe.
 */
public final class SignatureVerifier {
  static final String ALGORITHM = "AWS4-HMAC-SHA256";
  private static final String SERVICE = "kinesis";
  private static final String TERMINATOR = "aws4_request";
  private static final DateTimeFormatter BASIC = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);
  private static final Pattern REGION = Pattern.compile("[a-z0-9-]{1,64}");
  private static final Pattern SPACES = Pattern.compile("\\s+");
  private static final Pattern TRAILING_SLASHES = Pattern.compile("/+$");
  /** Enough for every key id, day, region and service a deployment sees; cleared when full. */
  private static final int SIGNING_KEY_CACHE_SIZE = 4096;
  private static final long MAX_PRESIGNED_EXPIRES_SECONDS = 604800;

  private final AccessKeys keys;
  private final Clock clock;
  private final Duration allowedSkew;
  private final Map<String, byte[]> signingKeys = new ConcurrentHashMap<>();

  public SignatureVerifier(AccessKeys keys, Clock clock, Duration allowedSkew) {
    this.keys = keys;
    this.clock = clock;
    this.allowedSkew = allowedSkew;
  }

  /**
   * Returns normally if the request carries a valid signature; throws the KinesisException AWS answers
   * otherwise. The checks run in AWS's order: signing time, host signed, algorithm, credential scope,
   * access key, signature.
   */
  public void verify(HttpServerRequest request, Buffer body, SignatureShape.Signature signature) {
    Instant signedAt = signingTime(signature);
    String[] scope = checkWithoutBody(signature, signedAt);
    String secret = keys.secret(scope[0]);
    String canonicalRequest = canonicalRequest(request, body, signature);
    String stringToSign = ALGORITHM + '\n' + BASIC.format(signedAt) + '\n'
        + String.join("/", scope[1], scope[2], scope[3], scope[4]) + '\n' + hex(sha256(canonicalRequest.getBytes(StandardCharsets.UTF_8)));
    byte[] expected = HexFormat.of().formatHex(hmac(signingKey(scope, secret), stringToSign)).getBytes(StandardCharsets.US_ASCII);
    if (!MessageDigest.isEqual(expected, signature.signature().getBytes(StandardCharsets.UTF_8))) {
      throw KinesisException.client("InvalidSignatureException", "The request signature we calculated does not match "
          + "the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service "
          + "documentation for details.");
    }
  }

  /**
   * The checks that need no body (signing time, host signed, algorithm, credential scope, access key known),
   * so a request that fails them is refused before its body is read; throws as {@link #verify} does.
   */
  public void verifyWithoutBody(SignatureShape.Signature signature) {
    checkWithoutBody(signature, signingTime(signature));
  }

  /** Returns the credential scope: key id, day, region, service, terminator. */
  private String[] checkWithoutBody(SignatureShape.Signature signature, Instant signedAt) {
    checkTime(signature, signedAt);
    if (signature.signedHeaders().stream().noneMatch("host"::equalsIgnoreCase)) {
      throw KinesisException.client("InvalidSignatureException", "'Host' must be a 'SignedHeader' in the AWS Authorization.");
    }
    if (!ALGORITHM.equals(signature.algorithm())) {
      throw KinesisException.client("IncompleteSignatureException",
          "Unsupported AWS 'algorithm': '" + signature.algorithm() + "' (only " + ALGORITHM + " for now). ");
    }
    String[] scope = TRAILING_SLASHES.matcher(signature.scope()).replaceAll("").split("/", -1);
    if (scope.length != 5) {
      throw KinesisException.client("IncompleteSignatureException", "Credential must have exactly 5 slash-delimited "
          + "elements, e.g. keyid/date/region/service/term, got '" + signature.scope() + "'");
    }
    checkScope(scope, signature.date(), signedAt);
    String secret = keys.secret(scope[0]);
    if (secret == null) {
      throw KinesisException.client("UnrecognizedClientException", "The security token included in the request is invalid.");
    }
    return scope;
  }

  private static Instant signingTime(SignatureShape.Signature signature) {
    try {
      return Instant.from(BASIC.parse(signature.date()));
    } catch (DateTimeParseException e) {
      if (!signature.presigned()) {
        try {
          return ZonedDateTime.parse(signature.date(), DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
        } catch (DateTimeParseException notHttpDateEither) {
          // Answered below as AWS does.
        }
      }
      throw KinesisException.client("IncompleteSignatureException", "Date must be in ISO-8601 'basic format'. Got '"
          + signature.date() + "'. See http://en.wikipedia.org/wiki/ISO_8601");
    }
  }

  /** AWS lists every fault of the scope in one message, in this order. */
  private static void checkScope(String[] scope, String date, Instant signedAt) {
    StringBuilder message = new StringBuilder();
    if (!REGION.matcher(scope[2]).matches()) {
      message.append("Credential should be scoped to a valid region, not '").append(scope[2]).append("'. ");
    }
    if (!SERVICE.equals(scope[3])) {
      message.append("Credential should be scoped to correct service: '").append(SERVICE).append("'. ");
    }
    if (!TERMINATOR.equals(scope[4])) {
      message.append("Credential should be scoped with a valid terminator: '").append(TERMINATOR).append("', not '")
          .append(scope[4]).append("'. ");
    }
    String day = BASIC.format(signedAt).substring(0, 8);
    if (!day.equals(scope[1])) {
      message.append("Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '")
          .append(scope[1]).append("' != '").append(day).append("', from '").append(date).append("'.");
    }
    if (message.length() > 0) {
      throw KinesisException.client("InvalidSignatureException", message.toString().trim());
    }
  }

  /** A header signature must be within the allowed skew of now; a presigned one, within its X-Amz-Expires. */
  private void checkTime(SignatureShape.Signature signature, Instant signedAt) {
    Instant now = clock.instant();
    if (signature.presigned()) {
      long expires = presignedExpiry(signature.expires());
      Instant earliest = now.minusSeconds(expires);
      if (signedAt.isBefore(earliest)) {
        throw KinesisException.client("InvalidSignatureException", "Signature expired: " + BASIC.format(signedAt)
            + " is now earlier than " + BASIC.format(earliest) + " (" + BASIC.format(now) + " - " + expires + " sec.)");
      }
    }
    long minutes = allowedSkew.toMinutes();
    Instant earliest = now.minus(allowedSkew);
    Instant latest = now.plus(allowedSkew);
    if (!signature.presigned() && signedAt.isBefore(earliest)) {
      throw KinesisException.client("InvalidSignatureException", "Signature expired: " + BASIC.format(signedAt)
          + " is now earlier than " + BASIC.format(earliest) + " (" + BASIC.format(now) + " - " + minutes + " min.)");
    }
    if (signedAt.isAfter(latest)) {
      throw KinesisException.client("InvalidSignatureException", "Signature not yet current: " + BASIC.format(signedAt)
          + " is still later than " + BASIC.format(latest) + " (" + BASIC.format(now) + " + " + minutes + " min.)");
    }
  }

  private static long presignedExpiry(String expires) {
    try {
      long seconds = expires == null ? MAX_PRESIGNED_EXPIRES_SECONDS : Long.parseLong(expires);
      if (seconds >= 1 && seconds <= MAX_PRESIGNED_EXPIRES_SECONDS) return seconds;
    } catch (NumberFormatException e) {
      // Answered below.
    }
    throw KinesisException.client("IncompleteSignatureException",
        "X-Amz-Expires must be a whole number of seconds from 1 to " + MAX_PRESIGNED_EXPIRES_SECONDS + ".");
  }

  private static String canonicalRequest(HttpServerRequest request, Buffer body, SignatureShape.Signature signature) {
    StringBuilder canonical = new StringBuilder(512)
        .append(request.method().name()).append('\n')
        .append(canonicalPath(request.path())).append('\n')
        .append(canonicalQuery(request.query(), signature.presigned())).append('\n');
    for (String name : signature.signedHeaders()) {
      canonical.append(name).append(':').append(headerValue(request, name)).append('\n');
    }
    canonical.append('\n').append(String.join(";", signature.signedHeaders())).append('\n');
    String declaredHash = request.getHeader("x-amz-content-sha256");
    boolean hashNotOfBody = declaredHash != null
        && (declaredHash.equals("UNSIGNED-PAYLOAD") || declaredHash.startsWith("STREAMING-"));
    canonical.append(hashNotOfBody ? declaredHash : hex(sha256(body.getBytes())));
    return canonical.toString();
  }

  /** Every value of a header, trimmed, inner runs of spaces made one, joined by commas; host from :authority on HTTP/2. */
  private static String headerValue(HttpServerRequest request, String name) {
    MultiMap headers = request.headers();
    List<String> values = headers.getAll(name);
    if (values.isEmpty() && name.equals("host")) {
      HostAndPort authority = request.authority();
      if (authority == null) return "";
      return authority.port() < 0 ? authority.host() : authority.host() + ':' + authority.port();
    }
    List<String> canonical = new ArrayList<>(values.size());
    for (String value : values) canonical.add(SPACES.matcher(value.trim()).replaceAll(" "));
    return String.join(",", canonical);
  }

  /** Each segment of the path as received, URI-encoded once more, as the SDKs sign for every service but S3. */
  private static String canonicalPath(String path) {
    if (path == null || path.isEmpty()) return "/";
    StringBuilder canonical = new StringBuilder(path.length() + 8);
    for (String segment : path.split("/", -1)) {
      if (canonical.length() > 0 || !segment.isEmpty()) canonical.append(uriEncode(segment));
      canonical.append('/');
    }
    canonical.setLength(canonical.length() - 1);
    return canonical.length() == 0 ? "/" : canonical.toString();
  }

  /** Parameters decoded, then encoded as SigV4 does, sorted by name and value; a presigned query without its signature. */
  private static String canonicalQuery(String query, boolean presigned) {
    if (query == null || query.isEmpty()) return "";
    List<String[]> parameters = new ArrayList<>();
    for (String parameter : query.split("&")) {
      if (parameter.isEmpty()) continue;
      int equals = parameter.indexOf('=');
      String name = uriEncode(percentDecode(equals < 0 ? parameter : parameter.substring(0, equals)));
      String value = equals < 0 ? "" : uriEncode(percentDecode(parameter.substring(equals + 1)));
      if (presigned && name.equals("X-Amz-Signature")) continue;
      parameters.add(new String[] {name, value});
    }
    parameters.sort((a, b) -> a[0].equals(b[0]) ? a[1].compareTo(b[1]) : a[0].compareTo(b[0]));
    StringBuilder canonical = new StringBuilder();
    for (String[] parameter : parameters) {
      if (canonical.length() > 0) canonical.append('&');
      canonical.append(parameter[0]).append('=').append(parameter[1]);
    }
    return canonical.toString();
  }

  /** RFC 3986 encoding: unreserved characters kept, every other UTF-8 byte as %XX. */
  static String uriEncode(String value) {
    StringBuilder encoded = new StringBuilder(value.length() + 16);
    for (byte b : value.getBytes(StandardCharsets.UTF_8)) {
      char c = (char) (b & 0xFF);
      if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')
          || c == '-' || c == '_' || c == '.' || c == '~') {
        encoded.append(c);
      } else {
        encoded.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
            .append(Character.toUpperCase(Character.forDigit(c & 0xF, 16)));
      }
    }
    return encoded.toString();
  }

  /** Decodes %XX escapes; a malformed escape stays as it is. */
  static String percentDecode(String value) {
    if (value.indexOf('%') < 0) return value;
    java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream(value.length());
    byte[] raw = value.getBytes(StandardCharsets.UTF_8);
    for (int i = 0; i < raw.length; i++) {
      int high = i + 2 < raw.length && raw[i] == '%' ? Character.digit(raw[i + 1], 16) : -1;
      int low = high >= 0 ? Character.digit(raw[i + 2], 16) : -1;
      if (low >= 0) {
        bytes.write(high << 4 | low);
        i += 2;
      } else {
        bytes.write(raw[i]);
      }
    }
    return bytes.toString(StandardCharsets.UTF_8);
  }

  private byte[] signingKey(String[] scope, String secret) {
    String cacheKey = scope[0] + '/' + scope[1] + '/' + scope[2] + '/' + scope[3];
    byte[] cached = signingKeys.get(cacheKey);
    if (cached != null) return cached;
    byte[] key = hmac(("AWS4" + secret).getBytes(StandardCharsets.UTF_8), scope[1]);
    key = hmac(key, scope[2]);
    key = hmac(key, scope[3]);
    key = hmac(key, TERMINATOR);
    if (signingKeys.size() >= SIGNING_KEY_CACHE_SIZE) signingKeys.clear();
    signingKeys.put(cacheKey, key);
    return key;
  }

  private static byte[] hmac(byte[] key, String data) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(key, "HmacSHA256"));
      return mac.doFinal(data.getBytes(StandardCharsets.UTF_8));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
    }
  }

  private static byte[] sha256(byte[] data) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(data);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("SHA-256 is part of every JDK", e);
    }
  }

  private static String hex(byte[] bytes) {
    return HexFormat.of().formatHex(bytes);
  }
}
