package io.tributary.api;

import io.vertx.core.MultiMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The check AWS's front end makes before it verifies a signature: a SigV4 Authorization header, or a
 * presigned query, with every part present. It also reads the credential scope
 * ({@code AKID/yyyymmdd/region/kinesis/aws4_request}) for the region a request acts in.
 */
public final class SignatureShape {

  /** The access key and region a well-formed request names; either may be null if the scope is odd. */
  public record Credential(String accessKey, String region) {
    static Credential parse(String scope) {
      String[] parts = scope.split("/", -1);
      return new Credential(parts[0], parts.length > 2 && !parts[2].isEmpty() ? parts[2] : null);
    }
  }

  /**
   * The parts of a well-formed signature, as sent: {@code scope} is the whole credential
   * ({@code AKID/yyyymmdd/region/service/aws4_request}), {@code date} the X-Amz-Date (or Date) value,
   * {@code expires} the presigned X-Amz-Expires (null for a header signature).
   */
  public record Signature(String algorithm, String scope, List<String> signedHeaders, String signature, String date,
      boolean presigned, String expires) {
    public Credential credential() {
      return Credential.parse(scope);
    }
  }

  private static final Pattern SEPARATORS = Pattern.compile("[,\\s]+");

  private SignatureShape() { }

  /** The request's signature, or a KinesisException saying what is missing. */
  public static Signature check(MultiMap headers, MultiMap query) {
    String authorization = headers.get("Authorization");
    boolean presigned = query.contains("X-Amz-Algorithm");
    if (authorization != null && presigned) {
      throw KinesisException.client("InvalidSignatureException",
          "Found both 'X-Amz-Algorithm' as a query-string param and 'Authorization' as HTTP header.");
    }
    if (authorization == null && !presigned) {
      throw KinesisException.client("MissingAuthenticationTokenException", "Missing Authentication Token");
    }
    return authorization != null ? checkHeader(authorization, headers) : checkQuery(query);
  }

  private static Signature checkHeader(String authorization, MultiMap headers) {
    Map<String, String> params = new HashMap<>();
    String[] tokens = SEPARATORS.split(authorization);
    for (int i = 1; i < tokens.length; i++) {
      int equals = tokens[i].indexOf('=');
      if (equals > 0) params.put(tokens[i].substring(0, equals), tokens[i].substring(equals + 1));
    }
    StringBuilder message = new StringBuilder();
    for (String required : new String[] {"Credential", "Signature", "SignedHeaders"}) {
      if (isBlank(params.get(required))) {
        message.append("Authorization header requires '").append(required).append("' parameter. ");
      }
    }
    String date = headers.get("X-Amz-Date") != null ? headers.get("X-Amz-Date") : headers.get("Date");
    if (date == null) {
      message.append("Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header. ");
    }
    if (message.length() > 0) {
      throw KinesisException.client("IncompleteSignatureException", message + "Authorization=" + authorization);
    }
    return new Signature(tokens[0], params.get("Credential"), List.of(params.get("SignedHeaders").split(";", -1)),
        params.get("Signature"), date, false, null);
  }

  private static Signature checkQuery(MultiMap query) {
    StringBuilder message = new StringBuilder();
    for (String required : new String[] {"X-Amz-Algorithm", "X-Amz-Credential", "X-Amz-Signature",
        "X-Amz-SignedHeaders", "X-Amz-Date"}) {
      if (isBlank(query.get(required))) {
        message.append("AWS query-string parameters must include '").append(required).append("'. ");
      }
    }
    if (message.length() > 0) {
      throw KinesisException.client("IncompleteSignatureException", message + "Re-examine the query-string parameters.");
    }
    return new Signature(query.get("X-Amz-Algorithm"), query.get("X-Amz-Credential"),
        List.of(query.get("X-Amz-SignedHeaders").split(";", -1)), query.get("X-Amz-Signature"),
        query.get("X-Amz-Date"), true, query.get("X-Amz-Expires"));
  }

  private static boolean isBlank(String value) {
    return value == null || value.isEmpty();
  }
}
