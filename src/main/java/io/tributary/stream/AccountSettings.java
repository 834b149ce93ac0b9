package io.tributary.stream;

/** The Kinesis settings of one account in one region: for now, its minimum throughput billing commitment. */
public record AccountSettings(String account, String region, BillingCommitment commitment) {

  /** The settings of an account that never changed them. */
  public static AccountSettings defaults(String account, String region) {
    return new AccountSettings(account, region, BillingCommitment.NEVER);
  }

  public AccountSettings withCommitment(BillingCommitment value) {
    return new AccountSettings(account, region, value);
  }
}
