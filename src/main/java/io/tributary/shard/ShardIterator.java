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
 * | offset (8) | account, region, stream name, shard id (each: length byte + UTF-8). The string is
 * base64url(nonce (12) | AES-GCM(plain) with its 16-byte tag), at most about 330 characters: GCM makes a
 * forged or altered iterator fail to decrypt, and hides the layout.
 */
public record ShardIterator(long createdMillis, String account, String region, String streamName,
                            long streamCreatedMillis, String shardId, long offset) {
  private static final byte VERSION = 1;

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
      return seal(java.util.Arrays.copyOf(plain.array(), plain.position()));
    }

    /**
     * Any other opaque token the server hands out (page tokens), sealed the same way: base64url(nonce (12)
     * | AES-GCM(plain) with its tag). The plain text's first byte tells the kinds apart, so no token
     * passes as another kind.
     */
    public String seal(byte[] plain) {
      // A nonce must never repeat under one key, which outlives restarts: 96 random bits per token, so a
      // repeat is as unlikely as a collision among 2^96 values.
      byte[] nonce = new byte[12];
      random.nextBytes(nonce);
      try {
        Cipher cipher = ciphers.get();
        cipher.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(128, nonce));
        byte[] sealed = cipher.doFinal(plain);
        byte[] out = ByteBuffer.allocate(12 + sealed.length).put(nonce).put(sealed).array();
        return Base64.getUrlEncoder().withoutPadding().encodeToString(out);
      } catch (GeneralSecurityException e) {
        throw new IllegalStateException(e);
      }
    }

    /** The plain bytes of a sealed token, or null when it is not one of ours (malformed, forged or altered). */
    public byte[] open(String text) {
      try {
        byte[] raw = Base64.getUrlDecoder().decode(text);
        if (raw.length < 12 + 16) return null;
        Cipher cipher = ciphers.get();
        cipher.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(128, raw, 0, 12));
        return cipher.doFinal(raw, 12, raw.length - 12);
      } catch (GeneralSecurityException | RuntimeException e) {
        return null;
      }
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
      byte[] opened = open(text);
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
