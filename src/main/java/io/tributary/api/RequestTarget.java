package io.tributary.api;

import io.tributary.api.wire.Input;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The stream a request names, read from its members before its handler runs (for call rates and injected
 * faults): StreamName, else the stream of its StreamARN or ConsumerARN; null when it names none.
 */
public final class RequestTarget {
  private static final Pattern STREAM_IN_ARN = Pattern.compile(":stream/([^/]+)");

  private RequestTarget() { }

  public static String streamName(Input input) {
    String name = input.string("StreamName");
    if (name != null) return name;
    String arn = input.string("StreamARN");
    if (arn == null) arn = input.string("ConsumerARN");
    if (arn == null) return null;
    Matcher matcher = STREAM_IN_ARN.matcher(arn);
    return matcher.find() ? matcher.group(1) : null;
  }
}
