package io.tributary.shard;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;
import javax.crypto.Cipher;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * A position in a shard, handed to clients as an opaque, tamper-proof string.
 *
 * <p>Plain layout (big-endian): version byte 1 | created (epoch ms, 8) | stream created (epoch ms, 8)
 * | offset (8) | account, region, stream name, shard id (each: length byte + UTF-8) | zero padding. The
 * string has AWS's shape, which some clients check: standard base64 (with {@code +}, {@code /} and
 * {@code =}) of 152 + 16k bytes whose first 8 are the long 1, here {@code 1 (8) | nonce (12) | AES-GCM(plain)
 * with its 16-byte tag}, the plain text padded to 116 + 16k bytes, k growing with the stream name as AWS's
 * does; at most about 340 characters. GCM makes
 * a forged or altered iterator fail to decrypt, and hides the layout.
 */
public record ShardIterator(long createdMillis, String account, String region, String streamName,
                            long streamCreatedMillis, String shardId, long offset) {
  private static final byte VERSION = 1;
  /** What an AWS iterator's bytes start with. */
  private static final byte[] HEADER = {0, 0, 0, 0, 0, 0, 0, 1};
  /** The least plain text that makes 152 bytes with the header, the nonce and the tag. */
  private static final int MIN_PLAIN = 152 - 8 - 12 - 16;

  /** Encrypts and decrypts iterators with one server key. Thread-safe. */
  public static final class Codec {
    private final SecretKey key;
    private final SecureRandom random = new SecureRandom();
    private final ThreadLocal<Cipher> ciphers = ThreadLocal.withInitial(Codec::newCipher);

    public Codec(byte[] key) {
      this.key = new SecretKeySpec(key, "AES");
    }

    public String encode(ShardIterator iterator) {
      ByteBuffer plain = ByteBuffer.allocate(25 + 4 * 256);
      plain.put(VERSION).putLong(iterator.createdMillis).putLong(iterator.streamCreatedMillis).putLong(iterator.offset);
      putString(plain, iterator.account);
      putString(plain, iterator.region);
      putString(plain, iterator.streamName);
      putString(plain, iterator.shardId);
      // AWS's iterators grow with the stream name: 152 + 16 * floor((name length + 2) / 16) bytes.
      int awsLength = MIN_PLAIN + (iterator.streamName.length() + 2) / 16 * 16;
      int length = Math.max(awsLength, MIN_PLAIN + ceilToBlock(plain.position() - MIN_PLAIN));
      byte[] sealed = sealWith(java.util.Arrays.copyOf(plain.array(), length), HEADER.length);
      System.arraycopy(HEADER, 0, sealed, 0, HEADER.length);
      return Base64.getEncoder().encodeToString(sealed);
    }

    private static int ceilToBlock(int bytes) {
      return bytes <= 0 ? 0 : (bytes + 15) / 16 * 16;
    }

    /**
     * Any other opaque token the server hands out (page tokens), sealed the same way: base64url(nonce (12)
     * | AES-GCM(plain) with its tag). The plain text's first byte tells the kinds apart, so no token
     * passes as another kind.
     */
    public String seal(byte[] plain) {
      return Base64.getUrlEncoder().withoutPadding().encodeToString(sealWith(plain, 0));
    }

    /** {@code skip} bytes left free | nonce (12) | AES-GCM(plain) with its tag (16). */
    private byte[] sealWith(byte[] plain, int skip) {
      // A nonce must never repeat under one key, which outlives restarts: 96 random bits per token, so a
      // repeat is as unlikely as a collision among 2^96 values.
      byte[] out = new byte[skip + 12 + plain.length + 16];
      byte[] nonce = new byte[12];
      random.nextBytes(nonce);
      System.arraycopy(nonce, 0, out, skip, 12);
      try {
        Cipher cipher = ciphers.get();
        cipher.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(128, nonce));
        cipher.doFinal(plain, 0, plain.length, out, skip + 12);
        return out;
      } catch (GeneralSecurityException e) {
        throw new IllegalStateException(e);
      }
    }

    /** The plain bytes of a sealed token, or null when it is not one of ours (malformed, forged or altered). */
    public byte[] open(String text) {
      try {
        return openAt(Base64.getUrlDecoder().decode(text), 0);
      } catch (RuntimeException e) {
        return null;
      }
    }

    private byte[] openAt(byte[] raw, int skip) {
      if (raw.length < skip + 12 + 16) return null;
      try {
        Cipher cipher = ciphers.get();
        cipher.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(128, raw, skip, 12));
        return cipher.doFinal(raw, skip + 12, raw.length - skip - 12);
      } catch (GeneralSecurityException | RuntimeException e) {
        return null;
      }
    }

    /** An iterator's plain bytes, from AWS's shape (see the class comment), or null. */
    private byte[] openIterator(String text) {
      if (text.length() % 4 != 0) return null;
      byte[] raw;
      try {
        raw = Base64.getDecoder().decode(text);
      } catch (RuntimeException e) {
        return null;
      }
      if (!canonicalTail(text)) return null;
      if (raw.length < 152 || (raw.length - 152) % 16 != 0
          || !java.util.Arrays.equals(raw, 0, HEADER.length, HEADER, 0, HEADER.length)) {
        return null;
      }
      return openAt(raw, HEADER.length);
    }

    /**
     * The iterator a string encodes, or null when it is not one of ours (malformed, forged or altered). A
     * string wrapped in double quotes, as shell scripts pass on what the CLI printed, is the iterator inside
     * them, as AWS takes it.
     */
    public ShardIterator decode(String text) {
      if (text.length() >= 2 && text.charAt(0) == '"' && text.charAt(text.length() - 1) == '"') {
        text = text.substring(1, text.length() - 1);
      }
      byte[] opened = openIterator(text);
      if (opened == null || opened.length < 25) return null;
      try {
        ByteBuffer plain = ByteBuffer.wrap(opened);
        if (plain.get() != VERSION) return null;
        long created = plain.getLong();
        long streamCreated = plain.getLong();
        long offset = plain.getLong();
        return new ShardIterator(created, getString(plain), getString(plain), getString(plain), streamCreated,
            getString(plain), offset);
      } catch (RuntimeException e) {
        return null;
      }
    }

    /**
     * Whether the bits a padded last quad leaves unused are zero, as an encoder writes them: the decoder
     * ignores them (and takes a quad without its padding), so otherwise several strings would name one
     * iterator.
     */
    private static boolean canonicalTail(String text) {
      int pads = text.endsWith("==") ? 2 : text.endsWith("=") ? 1 : 0;
      if (pads == 0) return true;
      char last = text.charAt(text.length() - pads - 1);
      int value = last >= 'A' && last <= 'Z' ? last - 'A' : last >= 'a' && last <= 'z' ? last - 'a' + 26
          : last >= '0' && last <= '9' ? last - '0' + 52 : last == '+' ? 62 : 63;
      return (value & (pads == 2 ? 0x0F : 0x03)) == 0;
    }

    private static void putString(ByteBuffer buffer, String value) {
      byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
      buffer.put((byte) bytes.length).put(bytes);
    }

    private static String getString(ByteBuffer buffer) {
      byte[] bytes = new byte[buffer.get() & 0xFF];
      buffer.get(bytes);
      return new String(bytes, StandardCharsets.UTF_8);
    }

    private static Cipher newCipher() {
      try {
        return Cipher.getInstance("AES/GCM/NoPadding");
      } catch (GeneralSecurityException e) {
        throw new IllegalStateException(e);
      }
    }
  }
}
