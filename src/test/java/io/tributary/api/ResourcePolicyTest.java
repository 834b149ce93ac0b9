package io.tributary.api;

import static io.tributary.api.ResourcePolicy.Decision.ALLOW;
import static io.tributary.api.ResourcePolicy.Decision.EXPLICIT_DENY;
import static io.tributary.api.ResourcePolicy.Decision.NOT_ALLOWED;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class ResourcePolicyTest {
  private static final String STREAM = "arn:aws:kinesis:us-east-1:000000000000:stream/orders";
  private static final String CONSUMER = STREAM + "/consumer/reader:1700000000";
  private static final ResourcePolicy.Request READ_BY_B =
      new ResourcePolicy.Request("arn:aws:iam::111122223333:root", "111122223333", "kinesis:GetRecords", STREAM);

  private static ResourcePolicy.Decision decide(String policy, ResourcePolicy.Request request) {
    return ResourcePolicy.parse(policy).evaluate(request);
  }

  private static ResourcePolicy.Request request(String account, String action, String resource) {
    return new ResourcePolicy.Request("arn:aws:iam::" + account + ":root", account, action, resource);
  }

  @Test
  void principalAsAccountRootArnOrListAllowsThatAccountOnly() {
    String byAccount = "{\"Statement\":{\"Effect\":\"Allow\",\"Principal\":{\"AWS\":\"111122223333\"},"
        + "\"Action\":\"kinesis:GetRecords\",\"Resource\":\"" + STREAM + "\"}}";
    assertEquals(ALLOW, decide(byAccount, READ_BY_B));
    assertEquals(NOT_ALLOWED, decide(byAccount, request("444455556666", "kinesis:GetRecords", STREAM)));

    String byRoot = byAccount.replace("\"111122223333\"", "\"arn:aws:iam::111122223333:root\"");
    assertEquals(ALLOW, decide(byRoot, READ_BY_B));
    String byList = byAccount.replace("\"111122223333\"", "[\"444455556666\",\"arn:aws:iam::111122223333:root\"]");
    assertEquals(ALLOW, decide(byList, READ_BY_B));
    assertEquals(ALLOW, decide(byList, request("444455556666", "kinesis:GetRecords", STREAM)));
  }

  @Test
  void userPrincipalNamesOnlyThatUser() {
    String policy = "{\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":{\"AWS\":\"arn:aws:iam::111122223333:user/alice\"},"
        + "\"Action\":\"kinesis:*\"}]}";
    assertEquals(NOT_ALLOWED, decide(policy, READ_BY_B));
    assertEquals(ALLOW, decide(policy, new ResourcePolicy.Request("arn:aws:iam::111122223333:user/alice",
        "111122223333", "kinesis:GetRecords", STREAM)));
  }

  @Test
  void actionsMatchByWildcardCaseInsensitively() {
    String policy = "{\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":\"*\",\"Action\":[\"kinesis:Get*\",\"kinesis:ListShard?\"]}]}";
    assertEquals(ALLOW, decide(policy, READ_BY_B));
    assertEquals(ALLOW, decide(policy, request("111122223333", "KINESIS:getshardITERATOR", STREAM)));
    assertEquals(ALLOW, decide(policy, request("111122223333", "kinesis:ListShards", STREAM)));
    assertEquals(NOT_ALLOWED, decide(policy, request("111122223333", "kinesis:PutRecord", STREAM)));
    String everything = "{\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":{\"AWS\":\"*\"},\"Action\":\"*\"}]}";
    assertEquals(ALLOW, decide(everything, request("111122223333", "kinesis:PutRecord", STREAM)));
  }

  @Test
  void resourceMustMatchWhenGiven() {
    String policy = "{\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":\"*\",\"Action\":\"kinesis:*\","
        + "\"Resource\":\"arn:aws:kinesis:us-east-1:000000000000:stream/ord*\"}]}";
    assertEquals(ALLOW, decide(policy, READ_BY_B));
    assertEquals(NOT_ALLOWED, decide(policy, request("111122223333", "kinesis:GetRecords",
        "arn:aws:kinesis:us-east-1:000000000000:stream/payments")));
    String exact = policy.replace("stream/ord*", "stream/orders");
    assertEquals(NOT_ALLOWED, decide(exact, request("111122223333", "kinesis:SubscribeToShard", CONSUMER)));
  }

  @Test
  void explicitDenyWinsOverAnyAllow() {
    String policy = "{\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":\"*\",\"Action\":\"kinesis:*\"},"
        + "{\"Effect\":\"Deny\",\"Principal\":{\"AWS\":\"111122223333\"},\"Action\":\"kinesis:GetRecords\"}]}";
    assertEquals(EXPLICIT_DENY, decide(policy, READ_BY_B));
    assertEquals(ALLOW, decide(policy, request("111122223333", "kinesis:ListShards", STREAM)));
    assertEquals(ALLOW, decide(policy, request("444455556666", "kinesis:GetRecords", STREAM)));
  }

  @Test
  void negatedElementsAndConditionsAreTakenTheSafeWay() {
    String notAction = "{\"Statement\":{\"Effect\":\"Deny\",\"Principal\":\"*\",\"NotAction\":\"kinesis:Describe*\"}}";
    assertEquals(EXPLICIT_DENY, decide(notAction, READ_BY_B));
    assertEquals(NOT_ALLOWED, decide(notAction, request("111122223333", "kinesis:DescribeStreamSummary", STREAM)));
    String notPrincipal = "{\"Statement\":{\"Effect\":\"Deny\",\"NotPrincipal\":{\"AWS\":\"111122223333\"},\"Action\":\"*\"}}";
    assertEquals(NOT_ALLOWED, decide(notPrincipal, READ_BY_B));
    assertEquals(EXPLICIT_DENY, decide(notPrincipal, request("444455556666", "kinesis:GetRecords", STREAM)));

    String conditionalAllow = "{\"Statement\":{\"Effect\":\"Allow\",\"Principal\":\"*\",\"Action\":\"*\","
        + "\"Condition\":{\"Bool\":{\"aws:SecureTransport\":\"true\"}}}}";
    assertEquals(NOT_ALLOWED, decide(conditionalAllow, READ_BY_B));
    assertEquals(EXPLICIT_DENY, decide(conditionalAllow.replace("Allow", "Deny"), READ_BY_B));
  }

  @Test
  void malformedPoliciesAndStatementsDecideNothing() {
    assertEquals(NOT_ALLOWED, decide("not json", READ_BY_B));
    assertEquals(NOT_ALLOWED, decide("{}", READ_BY_B));
    assertEquals(NOT_ALLOWED, decide("{\"Statement\":[{\"Effect\":\"Permit\",\"Principal\":\"*\",\"Action\":\"*\"},"
        + "{\"Effect\":\"Allow\",\"Action\":\"*\"},{\"Effect\":\"Allow\",\"Principal\":{\"Service\":\"lambda.amazonaws.com\"},"
        + "\"Action\":\"*\"}]}", READ_BY_B));
  }
}
