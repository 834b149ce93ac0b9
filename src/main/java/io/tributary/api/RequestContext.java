package io.tributary.api;

import io.tributary.api.wire.WireFormat;

/**
 * Who is calling and how: the account and region the request acts in (from its credential scope, else
 * the server's defaults) and the wire format it speaks.
 */
public record RequestContext(String account, String region, WireFormat format, String requestId) {
}
