package edu.xuanke.core;

import io.vertx.core.json.JsonObject;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Base64;

/**
 * The JWT secret: from config or environment when given; otherwise generated once and kept in
 * a file outside the repository's tracked files, so tokens survive a restart.
 */
public final class Secrets {

  private Secrets() {
  }

  /** Blocking file access: call before Vert.x starts serving. Returns the config with jwtSecret set. */
  public static JsonObject withJwtSecret(AppConfig config) {
    if (!config.jwtSecret().isBlank()) return config.json();
    Path file = Path.of(config.jwtSecretFile());
    try {
      if (!Files.exists(file)) {
        byte[] secret = new byte[48];
        new SecureRandom().nextBytes(secret);
        if (file.getParent() != null) Files.createDirectories(file.getParent());
        Files.writeString(file, Base64.getEncoder().encodeToString(secret), StandardCharsets.US_ASCII);
        try {
          Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        } catch (UnsupportedOperationException notPosix) {
          // the file stays with the default permissions
        }
      }
      return config.json().copy().put("jwtSecret", Files.readString(file, StandardCharsets.US_ASCII).trim());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot keep the JWT secret in " + file, e);
    }
  }
}
