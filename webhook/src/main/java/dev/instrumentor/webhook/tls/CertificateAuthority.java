package dev.instrumentor.webhook.tls;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * A self-signed CA that issues serving certificates for the admission webhook (ECDSA P-256, SHA-256),
 * for the self-managed certificate mode, {@code run --local-webhook}, and tests.
 */
public final class CertificateAuthority {

  private static final SecureRandom RANDOM = new SecureRandom();

  private final KeyPair keyPair;
  private final X509Certificate certificate;

  private CertificateAuthority(KeyPair keyPair, X509Certificate certificate) {
    this.keyPair = keyPair;
    this.certificate = certificate;
  }

  /** A new CA named {@code commonName}, valid from now for {@code validity}. */
  public static CertificateAuthority create(String commonName, Duration validity) {
    try {
      KeyPair keys = newKeyPair();
      X500Name subject = new X500Name("CN=" + commonName);
      Instant now = Instant.now();
      X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(subject, serial(),
          Date.from(now.minus(Duration.ofMinutes(5))), Date.from(now.plus(validity)), subject, keys.getPublic());
      JcaX509ExtensionUtils extensions = new JcaX509ExtensionUtils();
      builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(0));
      builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
      builder.addExtension(Extension.subjectKeyIdentifier, false, extensions.createSubjectKeyIdentifier(keys.getPublic()));
      return new CertificateAuthority(keys, sign(builder, keys));
    } catch (GeneralSecurityException | IOException | OperatorCreationException e) {
      throw new IllegalStateException("cannot create a CA: " + e.getMessage(), e);
    }
  }

  /** Restores a CA from its PEM certificate and key (e.g. from the webhook Secret). */
  public static CertificateAuthority fromPem(String certificatePem, String keyPem) throws IOException {
    PemKeyMaterial material = PemKeyMaterial.parse(certificatePem, keyPem);
    return new CertificateAuthority(new KeyPair(material.leaf().getPublicKey(), material.key()), material.leaf());
  }

  /**
   * A serving certificate for {@code dnsNames} (and IP addresses written as such), signed by this CA.
   */
  public Issued issue(List<String> dnsNames, Duration validity) {
    List<GeneralName> names = new ArrayList<>();
    for (String name : dnsNames) {
      names.add(new GeneralName(name.matches("[0-9.]+|.*:.*") ? GeneralName.iPAddress : GeneralName.dNSName, name));
    }
    return issue(new X500Name("CN=" + dnsNames.get(0)), names, KeyPurposeId.id_kp_serverAuth, validity);
  }

  /**
   * A client certificate for {@code commonName} in {@code organizations} (Kubernetes reads them as the
   * user and its groups), signed by this CA.
   */
  public Issued issueClient(String commonName, List<String> organizations, Duration validity) {
    StringBuilder subject = new StringBuilder();
    organizations.forEach(organization -> subject.append("O=").append(organization).append(','));
    subject.append("CN=").append(commonName);
    return issue(new X500Name(subject.toString()), List.of(), KeyPurposeId.id_kp_clientAuth, validity);
  }

  private Issued issue(X500Name subject, List<GeneralName> names, KeyPurposeId usage, Duration validity) {
    try {
      KeyPair keys = newKeyPair();
      Instant now = Instant.now();
      X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(certificate, serial(),
          Date.from(now.minus(Duration.ofMinutes(5))), Date.from(now.plus(validity)), subject, keys.getPublic());
      JcaX509ExtensionUtils extensions = new JcaX509ExtensionUtils();
      builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
      builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature | KeyUsage.keyEncipherment));
      builder.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(usage));
      if (!names.isEmpty()) {
        builder.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(names.toArray(new GeneralName[0])));
      }
      builder.addExtension(Extension.authorityKeyIdentifier, false, extensions.createAuthorityKeyIdentifier(certificate));
      X509Certificate issued = sign(builder, keyPair);
      return new Issued(pem(issued), pem(keys.getPrivate()), issued);
    } catch (GeneralSecurityException | IOException | OperatorCreationException e) {
      throw new IllegalStateException("cannot issue a certificate: " + e.getMessage(), e);
    }
  }

  public X509Certificate certificate() {
    return certificate;
  }

  public String certificatePem() {
    return pem(certificate);
  }

  public String privateKeyPem() {
    return pem(keyPair.getPrivate());
  }

  /**
   * A certificate issued by the CA.
   *
   * @param certificatePem the certificate, PEM
   * @param privateKeyPem  its key, PKCS#8 PEM
   */
  public record Issued(String certificatePem, String privateKeyPem, X509Certificate certificate) {
  }

  private static KeyPair newKeyPair() throws GeneralSecurityException {
    KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
    generator.initialize(new ECGenParameterSpec("secp256r1"), RANDOM);
    return generator.generateKeyPair();
  }

  private static BigInteger serial() {
    return new BigInteger(127, RANDOM).add(BigInteger.ONE);
  }

  private static X509Certificate sign(X509v3CertificateBuilder builder, KeyPair signer)
      throws OperatorCreationException, GeneralSecurityException {
    ContentSigner contentSigner = new JcaContentSignerBuilder("SHA256withECDSA").build(signer.getPrivate());
    return new JcaX509CertificateConverter().getCertificate(builder.build(contentSigner));
  }

  static String pem(Object object) {
    StringWriter out = new StringWriter();
    try (JcaPEMWriter writer = new JcaPEMWriter(out)) {
      writer.writeObject(object instanceof PrivateKey key
          ? new JcaPKCS8Generator(key, null) : object);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toString();
  }
}
