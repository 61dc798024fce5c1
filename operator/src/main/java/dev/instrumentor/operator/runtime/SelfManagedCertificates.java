package dev.instrumentor.operator.runtime;

import dev.instrumentor.webhook.tls.CertificateAuthority;
import dev.instrumentor.webhook.tls.PemKeyMaterial;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.MutatingWebhook;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.MutatingWebhookConfiguration;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code selfManaged} certificate mode: the webhook's CA and serving certificate live in one
 * Secret in the operator's namespace. The first replica to start creates it (an atomic create: the
 * others adopt what won); every replica writes it to the files the admission server serves; the
 * leader renews the serving certificate before it expires (same CA, so the caBundle stays valid) and
 * keeps the webhook configuration's caBundle equal to the CA. Nothing is generated at Helm render
 * time, so {@code helm upgrade} and GitOps syncs leave the certificates alone.
 */
public final class SelfManagedCertificates {

  private static final Logger LOG = LoggerFactory.getLogger(SelfManagedCertificates.class);
  static final String CA_CERT = "ca.crt";
  static final String CA_KEY = "ca.key";
  static final String TLS_CERT = "tls.crt";
  static final String TLS_KEY = "tls.key";

  /**
   * @param namespace                the operator's namespace, where the Secret lives
   * @param secretName               the Secret's name
   * @param webhookConfigurationName the MutatingWebhookConfiguration whose caBundle is kept current
   * @param dnsNames                 names of the webhook Service the certificate must carry
   * @param validity                 serving certificate validity
   * @param renewBefore              renew when less than this is left
   * @param directory                where {@code tls.crt} and {@code tls.key} are written
   */
  public record Settings(String namespace, String secretName, String webhookConfigurationName, List<String> dnsNames,
      Duration validity, Duration renewBefore, Path directory) {

    public Settings {
      dnsNames = List.copyOf(dnsNames);
      if (renewBefore.compareTo(validity) >= 0) {
        throw new IllegalArgumentException("renewBefore must be shorter than validity");
      }
    }

    public Path certificateFile() {
      return directory.resolve(TLS_CERT);
    }

    public Path keyFile() {
      return directory.resolve(TLS_KEY);
    }
  }

  private final KubernetesClient client;
  private final Settings settings;
  private final Clock clock;

  public SelfManagedCertificates(KubernetesClient client, Settings settings, Clock clock) {
    this.client = client;
    this.settings = settings;
    this.clock = clock;
  }

  /**
   * Any replica, at start: the Secret exists afterwards, its certificate is in the files and its CA in
   * the webhook configuration's caBundle (so the API server can call this replica once it is ready).
   */
  public Secret bootstrap() {
    Secret secret = ensureSecret();
    patchCaBundle(decode(secret, CA_CERT));
    return secret;
  }

  private Secret ensureSecret() {
    Secret secret = read();
    if (secret == null) {
      try {
        secret = client.resource(issue(newCa())).create();
        LOG.info("created webhook certificate Secret {}/{}", settings.namespace(), settings.secretName());
      } catch (KubernetesClientException e) {
        if (e.getCode() != 409) {
          throw e;
        }
        secret = read(); // another replica was first: use its certificate
      }
    }
    writeFiles(secret);
    return secret;
  }

  /**
   * The leader's periodic duty: renew a serving certificate near expiry, and put the CA in the
   * webhook configuration's caBundle. Returns whether the Secret changed.
   */
  public boolean maintain() {
    Secret secret = read();
    boolean changed = false;
    if (secret == null) {
      secret = ensureSecret();
      changed = true;
    } else if (expiring(secret)) {
      Secret renewed = issue(ca(secret));
      renewed.getMetadata().setResourceVersion(secret.getMetadata().getResourceVersion());
      try {
        secret = client.resource(renewed).update();
        changed = true;
        LOG.info("renewed the webhook serving certificate, valid until {}", notAfter(secret));
      } catch (KubernetesClientException e) {
        if (e.getCode() != 409) {
          throw e;
        }
        secret = read();
      }
    }
    writeFiles(secret);
    patchCaBundle(decode(secret, CA_CERT));
    return changed;
  }

  /** Writes the Secret's serving certificate to the files when they differ; true when written. */
  public boolean writeFiles(Secret secret) {
    try {
      Files.createDirectories(settings.directory());
      String certificate = decode(secret, TLS_CERT);
      String key = decode(secret, TLS_KEY);
      if (Files.exists(settings.certificateFile()) && Files.exists(settings.keyFile())
          && Files.readString(settings.certificateFile()).equals(certificate)
          && Files.readString(settings.keyFile()).equals(key)) {
        return false;
      }
      // key first: a reader that sees the new certificate also finds its key
      atomicWrite(settings.keyFile(), key);
      atomicWrite(settings.certificateFile(), certificate);
      return true;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the webhook certificate to " + settings.directory(), e);
    }
  }

  private static void atomicWrite(Path file, String content) throws IOException {
    Path temporary = Files.createTempFile(file.getParent(), file.getFileName().toString(), ".tmp");
    Files.writeString(temporary, content, StandardCharsets.US_ASCII);
    Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }

  private void patchCaBundle(String caPem) {
    String bundle = Base64.getEncoder().encodeToString(caPem.getBytes(StandardCharsets.US_ASCII));
    for (int attempt = 1; ; attempt++) {
      MutatingWebhookConfiguration configuration = client.admissionRegistration().v1().mutatingWebhookConfigurations()
          .withName(settings.webhookConfigurationName()).get();
      if (configuration == null) {
        LOG.warn("MutatingWebhookConfiguration {} not found: cannot set its caBundle", settings.webhookConfigurationName());
        return;
      }
      boolean stale = false;
      for (MutatingWebhook webhook : configuration.getWebhooks()) {
        if (!bundle.equals(webhook.getClientConfig().getCaBundle())) {
          webhook.getClientConfig().setCaBundle(bundle);
          stale = true;
        }
      }
      if (!stale) {
        return;
      }
      try {
        client.resource(configuration).update(); // optimistic: another replica may set the same CA at once
        LOG.info("set the caBundle of MutatingWebhookConfiguration {}", settings.webhookConfigurationName());
        return;
      } catch (KubernetesClientException e) {
        if (e.getCode() != 409 || attempt == 3) {
          throw e;
        }
      }
    }
  }

  private Secret read() {
    return client.secrets().inNamespace(settings.namespace()).withName(settings.secretName()).get();
  }

  boolean expiring(Secret secret) {
    return notAfter(secret).minus(settings.renewBefore()).isBefore(Instant.now(clock));
  }

  static Instant notAfter(Secret secret) {
    try {
      return PemKeyMaterial.parse(decode(secret, TLS_CERT), decode(secret, TLS_KEY)).leaf().getNotAfter().toInstant();
    } catch (IOException e) {
      return Instant.EPOCH; // unreadable: renew
    }
  }

  private CertificateAuthority newCa() {
    return CertificateAuthority.create("instrumentor-webhook-ca", Duration.ofDays(3650));
  }

  private CertificateAuthority ca(Secret secret) {
    try {
      return CertificateAuthority.fromPem(decode(secret, CA_CERT), decode(secret, CA_KEY));
    } catch (IOException | RuntimeException e) {
      LOG.warn("the CA in Secret {} is unreadable ({}); creating a new one", settings.secretName(), e.toString());
      return newCa();
    }
  }

  private Secret issue(CertificateAuthority ca) {
    CertificateAuthority.Issued issued = ca.issue(settings.dnsNames(), settings.validity());
    Map<String, String> data = new HashMap<>();
    data.put(CA_CERT, ca.certificatePem());
    data.put(CA_KEY, ca.privateKeyPem());
    data.put(TLS_CERT, issued.certificatePem() + ca.certificatePem());
    data.put(TLS_KEY, issued.privateKeyPem());
    Map<String, String> encoded = new HashMap<>();
    data.forEach((k, v) -> encoded.put(k, Base64.getEncoder().encodeToString(v.getBytes(StandardCharsets.US_ASCII))));
    return new SecretBuilder().withNewMetadata().withName(settings.secretName()).withNamespace(settings.namespace())
        .addToLabels("app.kubernetes.io/managed-by", "instrumentor").endMetadata()
        .withType("kubernetes.io/tls").withData(encoded).build();
  }

  static String decode(Secret secret, String key) {
    String value = Objects.requireNonNull(secret.getData(), "Secret has no data").get(key);
    if (value == null) {
      throw new IllegalStateException("Secret " + secret.getMetadata().getName() + " has no " + key);
    }
    return new String(Base64.getDecoder().decode(value), StandardCharsets.US_ASCII);
  }

  /** The serving certificate in the files, for tests and logs. */
  X509Certificate served() throws IOException {
    return PemKeyMaterial.read(settings.certificateFile(), settings.keyFile()).leaf();
  }
}
