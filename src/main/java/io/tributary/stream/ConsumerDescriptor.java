package io.tributary.stream;

import java.util.Map;

/**
 * An enhanced fan-out consumer registered on a stream. Its ARN is the stream's ARN followed by
 * {@code /consumer/<name>:<creation epoch seconds>}, as AWS forms it.
 */
public record ConsumerDescriptor(String name, String arn, ConsumerStatus status, long createdMillis,
                                 Map<String, String> tags) {

  public ConsumerDescriptor {
    tags = Map.copyOf(tags);
  }

  public static String arnOf(String streamArn, String name, long createdMillis) {
    return streamArn + "/consumer/" + name + ":" + createdMillis / 1000;
  }

  public ConsumerDescriptor withStatus(ConsumerStatus newStatus) {
    return new ConsumerDescriptor(name, arn, newStatus, createdMillis, tags);
  }

  public ConsumerDescriptor withTags(Map<String, String> newTags) {
    return new ConsumerDescriptor(name, arn, status, createdMillis, newTags);
  }
}
