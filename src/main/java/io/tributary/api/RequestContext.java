package io.tributary.api;

import io.tributary.api.wire.WireFormat;

/**
 * Who is calling and how: the account and region the request acts in (from its credential scope, else
 * the server's defaults), the caller's IAM principal ARN (its account's root unless {@code accounts}
 * names a user), and the wire format it speaks.
 */
public record RequestContext(String account, String region, WireFormat format, String requestId, String principal) {

  /** A caller known only by its account: that account's root principal. */
  public RequestContext(String account, String region, WireFormat format, String requestId) {
    this(account, region, format, requestId, "arn:aws:iam::" + account + ":root");
  }
}
