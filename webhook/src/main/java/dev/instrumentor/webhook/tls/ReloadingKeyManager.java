package dev.instrumentor.webhook.tls;

import java.io.IOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.util.Arrays;
import java.util.Date;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedKeyManager;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves the certificate currently in a pair of PEM files and switches to new files when
 * {@link #reloadIfChanged()} sees them change (cert-manager rotation, the operator's own renewal):
 * new TLS handshakes use the new certificate, no restart needed. A pair that cannot be read (half
 * written, mismatched), or a certificate that is expired or not yet valid, is refused on reload and the
 * previous certificate kept. At start an out-of-date certificate is served with a warning: refusing to
 * start would also stop the process that renews it.
 */
public final class ReloadingKeyManager extends X509ExtendedKeyManager {

  private static final Logger LOG = LoggerFactory.getLogger(ReloadingKeyManager.class);

  private final Path certificateFile;
  private final Path keyFile;
  private final AtomicReference<Loaded> current = new AtomicReference<>();
  /** The one before: a handshake that chose its alias just before a reload still completes. */
  private volatile Loaded previous;
  private final AtomicLong generation = new AtomicLong();

  private record Loaded(byte[] digest, String alias, X509Certificate[] chain, PrivateKey key, X509Certificate leaf) {
  }

  /**
   * @throws IOException when the files cannot be read now: the server cannot start without them
   */
  public ReloadingKeyManager(Path certificateFile, Path keyFile) throws IOException {
    this.certificateFile = certificateFile;
    this.keyFile = keyFile;
    byte[] digest = digest();
    try {
      Loaded loaded = load(digest);
      String problem = validityProblem(loaded.leaf());
      if (problem != null) {
        LOG.warn("the serving certificate in {} {}: API servers will refuse it until it is renewed", certificateFile,
            problem);
      }
      current.set(loaded);
    } catch (GeneralSecurityException e) {
      throw new IOException("cannot use " + certificateFile + " and " + keyFile + ": " + e.getMessage(), e);
    }
  }

  /** Reloads when the files' content changed; returns whether the certificate in use changed. */
  public boolean reloadIfChanged() {
    try {
      byte[] digest = digest();
      if (Arrays.equals(digest, current.get().digest())) {
        return false;
      }
      Loaded loaded = load(digest);
      String problem = validityProblem(loaded.leaf());
      if (problem != null) {
        LOG.warn("not loading the new serving certificate in {}: it {}; keeping the current one", certificateFile,
            problem);
        return false;
      }
      previous = current.getAndSet(loaded);
      LOG.info("serving certificate reloaded: subject {}, valid until {}",
          loaded.leaf().getSubjectX500Principal().getName(), loaded.leaf().getNotAfter().toInstant());
      return true;
    } catch (NoSuchFileException e) {
      LOG.warn("certificate file missing ({}); keeping the current certificate", e.getFile());
    } catch (IOException | GeneralSecurityException | RuntimeException e) {
      LOG.warn("cannot reload the serving certificate ({}); keeping the current one", e.toString());
    }
    return false;
  }

  /** Why {@code certificate} cannot serve now (expired, not yet valid), or null. */
  public static String validityProblem(X509Certificate certificate) {
    Date now = new Date();
    if (now.after(certificate.getNotAfter())) {
      return "expired at " + certificate.getNotAfter().toInstant();
    }
    if (now.before(certificate.getNotBefore())) {
      return "is not valid before " + certificate.getNotBefore().toInstant();
    }
    return null;
  }

  /** The leaf certificate in use. */
  public X509Certificate certificate() {
    return current.get().leaf();
  }

  private byte[] digest() throws IOException {
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      sha.update(Files.readAllBytes(certificateFile));
      sha.update((byte) 0);
      sha.update(Files.readAllBytes(keyFile));
      return sha.digest();
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private Loaded load(byte[] digest) throws IOException, GeneralSecurityException {
    PemKeyMaterial material = PemKeyMaterial.read(certificateFile, keyFile);
    if (!matches(material)) {
      throw new GeneralSecurityException("the private key does not belong to the certificate");
    }
    return new Loaded(digest, "server-" + generation.incrementAndGet(),
        material.chain().toArray(new X509Certificate[0]), material.key(), material.leaf());
  }

  /** Signs and verifies a probe: catches a key and certificate from different rotations. */
  private static boolean matches(PemKeyMaterial material) throws GeneralSecurityException {
    String algorithm = material.key().getAlgorithm().equals("EC") ? "SHA256withECDSA" : "SHA256with" + material.key().getAlgorithm();
    Signature signer = Signature.getInstance(algorithm);
    signer.initSign(material.key());
    byte[] probe = "instrumentor".getBytes(StandardCharsets.US_ASCII);
    signer.update(probe);
    byte[] signature = signer.sign();
    Signature verifier = Signature.getInstance(algorithm);
    verifier.initVerify(material.leaf().getPublicKey());
    verifier.update(probe);
    return verifier.verify(signature);
  }

  private Loaded byAlias(String alias) {
    Loaded now = current.get();
    if (now.alias().equals(alias)) {
      return now;
    }
    Loaded before = previous;
    return before != null && before.alias().equals(alias) ? before : null;
  }

  /** Whether the current key can serve a handshake asking for {@code keyType} (RSA, EC, ...). */
  private String aliasFor(String keyType) {
    Loaded now = current.get();
    String algorithm = now.key().getAlgorithm();
    return keyType == null || keyType.equals(algorithm) || keyType.startsWith(algorithm + "_")
        || "EC".equals(algorithm) && keyType.startsWith("EC") ? now.alias() : null;
  }

  @Override
  public String[] getClientAliases(String keyType, Principal[] issuers) {
    return null; // server only
  }

  @Override
  public String chooseClientAlias(String[] keyType, Principal[] issuers, Socket socket) {
    return null;
  }

  @Override
  public String[] getServerAliases(String keyType, Principal[] issuers) {
    String alias = aliasFor(keyType);
    return alias == null ? null : new String[] {alias};
  }

  @Override
  public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
    return aliasFor(keyType);
  }

  @Override
  public String chooseEngineServerAlias(String keyType, Principal[] issuers, SSLEngine engine) {
    return aliasFor(keyType);
  }

  @Override
  public X509Certificate[] getCertificateChain(String alias) {
    Loaded loaded = byAlias(alias);
    return loaded == null ? null : loaded.chain().clone();
  }

  @Override
  public PrivateKey getPrivateKey(String alias) {
    Loaded loaded = byAlias(alias);
    return loaded == null ? null : loaded.key();
  }
}
