package dev.instrumentor.webhook.testing;

import dev.instrumentor.webhook.tls.CertificateAuthority;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.time.Duration;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/** A CA and a serving certificate for localhost, written to PEM files, and a client trusting the CA. */
public final class TestTls {

  public final CertificateAuthority ca = CertificateAuthority.create("instrumentor-test-ca", Duration.ofDays(1));
  public final Path certificateFile;
  public final Path keyFile;

  public TestTls(Path directory) {
    certificateFile = directory.resolve("tls.crt");
    keyFile = directory.resolve("tls.key");
    issue();
  }

  /** Writes a new serving certificate (a new key too) to the files, as a rotation would. */
  public CertificateAuthority.Issued issue() {
    CertificateAuthority.Issued issued = ca.issue(List.of("localhost", "127.0.0.1"), Duration.ofHours(1));
    try {
      Files.writeString(certificateFile, issued.certificatePem());
      Files.writeString(keyFile, issued.privateKeyPem());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return issued;
  }

  /** A client TLS context trusting only the test CA. */
  public SSLContext clientContext() {
    try {
      KeyStore trust = KeyStore.getInstance("PKCS12");
      trust.load(null, null);
      trust.setCertificateEntry("ca", ca.certificate());
      TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      factory.init(trust);
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(null, factory.getTrustManagers(), null);
      return context;
    } catch (GeneralSecurityException | IOException e) {
      throw new IllegalStateException(e);
    }
  }
}
