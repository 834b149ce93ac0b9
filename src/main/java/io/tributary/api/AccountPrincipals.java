package io.tributary.api;

import java.util.HashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The account and IAM principal each access key acts as, from {@code accounts}: comma-separated
 * {@code <access key id>=<12-digit account>} (the key acts as its account's root,
 * {@code arn:aws:iam::<account>:root}) or {@code <access key id>=arn:aws:iam::<account>:user/<name>} (or
 * {@code role/<name>}), so that resource policies can name that user. Keys not listed act in the server's
 * default account.
 */
final class AccountPrincipals {
  private static final Pattern ACCOUNT = Pattern.compile("\\d{12}");
  private static final Pattern IAM_ARN = Pattern.compile("arn:aws[a-z-]*:iam::(\\d{12}):(user|role)/\\S+");

  /** Who an access key acts as. */
  record Principal(String account, String arn) {
    static Principal rootOf(String account) {
      return new Principal(account, "arn:aws:iam::" + account + ":root");
    }
  }

  private final Map<String, Principal> byAccessKey;

  private AccountPrincipals(Map<String, Principal> byAccessKey) {
    this.byAccessKey = Map.copyOf(byAccessKey);
  }

  static AccountPrincipals parse(String setting) {
    Map<String, Principal> principals = new HashMap<>();
    for (String pair : setting.split(",")) {
      if (pair.isBlank()) continue;
      String[] parts = pair.split("=", 2);
      String value = parts.length == 2 ? parts[1].trim() : "";
      Matcher arn = IAM_ARN.matcher(value);
      if (ACCOUNT.matcher(value).matches()) {
        principals.put(parts[0].trim(), Principal.rootOf(value));
      } else if (arn.matches()) {
        principals.put(parts[0].trim(), new Principal(arn.group(1), value));
      } else {
        throw new IllegalArgumentException("setting 'accounts' takes <access key id>=<12-digit account> or "
            + "<access key id>=arn:aws:iam::<account>:user/<name>, not '" + pair + "'");
      }
    }
    return new AccountPrincipals(principals);
  }

  /** Who an access key acts as: its listed principal, or the root of the default account. */
  Principal of(String accessKey, String defaultAccount) {
    Principal listed = byAccessKey.get(accessKey);
    return listed != null ? listed : Principal.rootOf(defaultAccount);
  }
}
