package dev.instrumentor.webhook.tls;

import java.io.IOException;
import java.io.Reader;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;

/**
 * A certificate chain and its private key read from PEM text, as cert-manager and Kubernetes
 * Secrets of type {@code kubernetes.io/tls} hold them. Keys may be PKCS#8, PKCS#1 (RSA) or SEC1 (EC).
 *
 * @param chain the leaf certificate first
 * @param key   the leaf's private key
 */
public record PemKeyMaterial(List<X509Certificate> chain, PrivateKey key) {

  public PemKeyMaterial {
    chain = List.copyOf(chain);
  }

  public static PemKeyMaterial read(Path certificateFile, Path keyFile) throws IOException {
    return parse(Files.readString(certificateFile, StandardCharsets.US_ASCII),
        Files.readString(keyFile, StandardCharsets.US_ASCII));
  }

  /**
   * @throws IOException naming what is missing or unreadable
   */
  public static PemKeyMaterial parse(String certificatePem, String keyPem) throws IOException {
    List<X509Certificate> chain = new ArrayList<>();
    JcaX509CertificateConverter certificates = new JcaX509CertificateConverter();
    try (PEMParser parser = new PEMParser(new StringReader(certificatePem))) {
      for (Object item = parser.readObject(); item != null; item = parser.readObject()) {
        if (item instanceof X509CertificateHolder holder) {
          chain.add(certificates.getCertificate(holder));
        }
      }
    } catch (CertificateException e) {
      throw new IOException("unreadable certificate: " + e.getMessage(), e);
    }
    if (chain.isEmpty()) {
      throw new IOException("no certificate found in the certificate PEM");
    }
    PrivateKey key = readKey(new StringReader(keyPem));
    return new PemKeyMaterial(chain, key);
  }

  private static PrivateKey readKey(Reader pem) throws IOException {
    JcaPEMKeyConverter converter = new JcaPEMKeyConverter();
    try (PEMParser parser = new PEMParser(pem)) {
      for (Object item = parser.readObject(); item != null; item = parser.readObject()) {
        if (item instanceof PEMKeyPair pair) {
          return converter.getKeyPair(pair).getPrivate();
        }
        if (item instanceof PrivateKeyInfo info) {
          return converter.getPrivateKey(info);
        }
      }
    }
    throw new IOException("no private key found in the key PEM (expected PKCS#8, PKCS#1 or SEC1, unencrypted)");
  }

  /** A PKCS#12 key store in memory holding this key and chain under alias {@code server}. */
  public KeyStore keyStore(char[] password) throws GeneralSecurityException, IOException {
    KeyStore store = KeyStore.getInstance("PKCS12");
    store.load(null, null);
    store.setKeyEntry("server", key, password, chain.toArray(new X509Certificate[0]));
    return store;
  }

  public X509Certificate leaf() {
    return chain.get(0);
  }
}
