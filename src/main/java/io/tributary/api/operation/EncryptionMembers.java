package io.tributary.api.operation;

import io.vertx.core.Vertx;
import java.time.Clock;
import io.tributary.stream.StreamLifecycle;
import io.tributary.api.KinesisException;
import io.tributary.api.wire.Input;
import io.tributary.api.wire.Member;
import io.tributary.api.wire.Response;
import io.tributary.stream.StreamDescriptor;
import io.vertx.core.Future;
import java.util.List;
import java.util.regex.Pattern;

/**
 * What StartStreamEncryption and StopStreamEncryption share: their members, how the change is made, and
 * the KeyId forms KMS knows: a key id (a GUID, or mrk- and 32 hex digits for a multi-Region key), a key
 * ARN, an alias name ({@code alias/...}, {@code alias/aws/kinesis} being the key Kinesis owns) or an alias
 * ARN. There is no KMS here, so a key of a valid form is taken to exist.
 */
final class EncryptionMembers {
  private static final String KEY = "([0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}"
      + "|mrk-[0-9a-fA-F]{32})";
  private static final String ALIAS = "alias/[a-zA-Z0-9/_-]+";
  private static final Pattern KEY_OR_ALIAS = Pattern.compile(KEY + "|" + ALIAS);
  private static final Pattern KEY_OR_ALIAS_ARN =
      Pattern.compile("arn:aws[a-z-]*:kms:[a-z0-9-]+:\\d{12}:(key/" + KEY + "|" + ALIAS + ")");

  private EncryptionMembers() { }

  static Member encryptionType() {
    return Member.string("EncryptionType").notNull().oneOf(List.of("NONE", "KMS"));
  }

  static Member keyId() {
    return Member.string("KeyId").notNull().length(1, 2048);
  }

  /**
   * Fails unless the request asks for KMS with a key of a valid form. AWS's wording for these failures is
   * not known; these messages are kinesis-mock's.
   */
  static String checkedKeyId(Input input) {
    if (!"KMS".equals(input.string("EncryptionType"))) {
      throw KinesisException.invalidArgument("KMS is the only valid EncryptionType for this request");
    }
    String keyId = input.string("KeyId");
    if (keyId.startsWith("arn:")) {
      if (!KEY_OR_ALIAS_ARN.matcher(keyId).matches()) {
        throw KinesisException.invalidArgument("Received KeyId ARN is not a properly formatted ARN");
      }
    } else if (!KEY_OR_ALIAS.matcher(keyId).matches()) {
      throw KinesisException.invalidArgument("Received KeyId is not a properly formatted Alias or GUID");
    }
    return keyId;
  }

  /**
   * Switches the stream's encryption through UPDATING. Records keep only their arrival time, so the switch
   * takes effect from the next millisecond and the answer waits for it: writes made before the call read
   * back as written before the switch, and writes made after the answer as written after it.
   */
  static Future<Response> switchEncryption(StreamLifecycle lifecycle, Clock clock, Vertx vertx, StreamDescriptor stream, String type, String keyId) {
    long since = clock.millis() + 1;
    return lifecycle.updateThroughUpdating(stream, b -> b.encryption(type, keyId, since))
        .compose(updated -> vertx.timer(1))
        .map(Response.EMPTY);
  }
}
