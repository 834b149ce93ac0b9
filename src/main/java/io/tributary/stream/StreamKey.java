package io.tributary.stream;

/** Streams are separated by account and region: the same name may exist once in each. */
public record StreamKey(String account, String region, String name) implements Comparable<StreamKey> {

  public String arn() {
    return "arn:aws:kinesis:" + region + ":" + account + ":stream/" + name;
  }

  @Override
  public int compareTo(StreamKey other) {
    int c = account.compareTo(other.account);
    if (c == 0) c = region.compareTo(other.region);
    return c != 0 ? c : name.compareTo(other.name);
  }
}
