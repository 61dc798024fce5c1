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
import java.time.format.DateTimeParseException;
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
 * keeps the webhook configuration's caBundle equal to the CAs that must be trusted. The CA itself is
 * rotated before it expires, in three steps an overlap apart, so that whoever verifies the webhook
 * trusts the serving certificate at every moment: a new CA is added to the caBundle (staged); then the
 * serving certificate is issued by it (switched; the old CA stays trusted while replicas pick the new
 * certificate up); then the old CA is removed (retired). Nothing is generated at Helm render time, so
 * {@code helm upgrade} and GitOps syncs leave the certificates alone.
 */
public final class SelfManagedCertificates {

  private static final Logger LOG = LoggerFactory.getLogger(SelfManagedCertificates.class);
  static final String CA_CERT = "ca.crt";
  static final String CA_KEY = "ca.key";
  static final String TLS_CERT = "tls.crt";
  static final String TLS_KEY = "tls.key";
  /** A staged CA: trusted (in the caBundle), not yet signing. */
  static final String NEXT_CA_CERT = "ca-next.crt";
  static final String NEXT_CA_KEY = "ca-next.key";
  /** A retired CA, trusted until the overlap after the switch has passed. */
  static final String PREVIOUS_CA_CERT = "ca-previous.crt";
  static final String STAGED_AT = "instrumentor.dev/ca-staged-at";
  static final String SWITCHED_AT = "instrumentor.dev/ca-switched-at";

  /**
   * @param namespace                the operator's namespace, where the Secret lives
   * @param secretName               the Secret's name
   * @param webhookConfigurationName the MutatingWebhookConfiguration whose caBundle is kept current
   * @param dnsNames                 names of the webhook Service the certificate must carry
   * @param validity                 serving certificate validity
   * @param renewBefore              renew when less than this is left
   * @param directory                where {@code tls.crt} and {@code tls.key} are written
   * @param caValidity               CA validity
   * @param caRenewBefore            rotate the CA when less than this is left
   * @param caOverlap                how long each rotation step waits for every verifier and replica to follow
   */
  public record Settings(String namespace, String secretName, String webhookConfigurationName, List<String> dnsNames,
      Duration validity, Duration renewBefore, Path directory, Duration caValidity, Duration caRenewBefore,
      Duration caOverlap) {

    /** A ten-year CA, rotated a year before it ends, ten minutes between the steps. */
    public Settings(String namespace, String secretName, String webhookConfigurationName, List<String> dnsNames,
        Duration validity, Duration renewBefore, Path directory) {
      this(namespace, secretName, webhookConfigurationName, dnsNames, validity, renewBefore, directory,
          Duration.ofDays(3650), Duration.ofDays(365), Duration.ofMinutes(10));
    }

    public Settings {
      dnsNames = List.copyOf(dnsNames);
      if (renewBefore.compareTo(validity) >= 0) {
        throw new IllegalArgumentException("renewBefore must be shorter than validity");
      }
      if (caRenewBefore.compareTo(caValidity) >= 0) {
        throw new IllegalArgumentException("caRenewBefore must be shorter than caValidity");
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
    patchCaBundle(trusted(secret));
    return secret;
  }

  private Secret ensureSecret() {
    Secret secret = read();
    if (secret == null) {
      try {
        secret = client.resource(issue(newCa(), null)).create();
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
    } else {
      Change next = rotated(secret);
      if (next == null && expiring(secret)) {
        next = new Change(issue(ca(secret), secret), "renewed the webhook serving certificate");
      }
      if (next != null) {
        next.secret().getMetadata().setResourceVersion(secret.getMetadata().getResourceVersion());
        try {
          secret = client.resource(next.secret()).update();
          changed = true;
          LOG.info("{}; serving certificate valid until {}", next.what(), notAfter(secret));
        } catch (KubernetesClientException e) {
          if (e.getCode() != 409) {
            throw e;
          }
          secret = read();
        }
      }
    }
    writeFiles(secret);
    patchCaBundle(trusted(secret));
    return changed;
  }

  /** A new content of the Secret, and what it does (for the log). */
  private record Change(Secret secret, String what) {
  }

  /** The Secret after the CA rotation's next step when one is due, else null. */
  private Change rotated(Secret secret) {
    Instant now = Instant.now(clock);
    Map<String, String> data = secret.getData();
    if (data.containsKey(NEXT_CA_CERT)) {
      if (now.isBefore(annotation(secret, STAGED_AT).plus(settings.caOverlap()))) {
        return null;
      }
      // switch: the staged CA, trusted for an overlap already, issues the serving certificate
      CertificateAuthority next;
      try {
        next = CertificateAuthority.fromPem(decode(secret, NEXT_CA_CERT), decode(secret, NEXT_CA_KEY));
      } catch (IOException | RuntimeException e) {
        LOG.warn("the staged CA in Secret {} is unreadable ({}); staging another", settings.secretName(), e.toString());
        return new Change(staged(secret, newCa(), now), "staged another webhook CA");
      }
      Secret switched = issue(next, secret);
      Map<String, String> switchedData = new HashMap<>(switched.getData());
      switchedData.remove(NEXT_CA_CERT);
      switchedData.remove(NEXT_CA_KEY);
      switchedData.put(PREVIOUS_CA_CERT, data.get(CA_CERT));
      switched.setData(switchedData);
      switched.getMetadata().getAnnotations().remove(STAGED_AT);
      switched.getMetadata().getAnnotations().put(SWITCHED_AT, now.toString());
      return new Change(switched, "switched the webhook serving certificate to the new CA (the old one stays trusted for "
          + settings.caOverlap() + ")");
    }
    if (data.containsKey(PREVIOUS_CA_CERT)) {
      if (now.isBefore(annotation(secret, SWITCHED_AT).plus(settings.caOverlap()))) {
        return null;
      }
      // retire: every replica serves the new CA's certificate by now
      Secret retired = copy(secret);
      retired.getData().remove(PREVIOUS_CA_CERT);
      retired.getMetadata().getAnnotations().remove(SWITCHED_AT);
      return new Change(retired, "retired the previous webhook CA from the caBundle");
    }
    if (caNotAfter(secret).minus(settings.caRenewBefore()).isBefore(now)) {
      // stage: a new CA, trusted from now on, signing after the overlap
      return new Change(staged(secret, newCa(), now), "staged a new webhook CA in the caBundle (the current one ends "
          + caNotAfter(secret) + "); it signs after " + settings.caOverlap());
    }
    return null;
  }

  private Secret staged(Secret secret, CertificateAuthority next, Instant now) {
    Secret staged = copy(secret);
    staged.getData().put(NEXT_CA_CERT, encode(next.certificatePem()));
    staged.getData().put(NEXT_CA_KEY, encode(next.privateKeyPem()));
    staged.getMetadata().getAnnotations().put(STAGED_AT, now.toString());
    return staged;
  }

  private static Secret copy(Secret secret) {
    Secret copy = new SecretBuilder(secret).build();
    copy.setData(new HashMap<>(secret.getData()));
    Map<String, String> annotations = secret.getMetadata().getAnnotations();
    copy.getMetadata().setAnnotations(annotations == null ? new HashMap<>() : new HashMap<>(annotations));
    return copy;
  }

  private static Instant annotation(Secret secret, String key) {
    Map<String, String> annotations = secret.getMetadata().getAnnotations();
    try {
      return Instant.parse(annotations == null ? "" : annotations.getOrDefault(key, ""));
    } catch (DateTimeParseException e) {
      return Instant.EPOCH; // lost or edited: the overlap counts as passed
    }
  }

  /** The CAs the webhook's callers must trust now: the signing one, and a staged or a retired one. */
  static String trusted(Secret secret) {
    StringBuilder bundle = new StringBuilder(decode(secret, CA_CERT));
    for (String key : new String[] {NEXT_CA_CERT, PREVIOUS_CA_CERT}) {
      if (secret.getData().containsKey(key)) {
        bundle.append(decode(secret, key));
      }
    }
    return bundle.toString();
  }

  static Instant caNotAfter(Secret secret) {
    try {
      return CertificateAuthority.fromPem(decode(secret, CA_CERT), decode(secret, CA_KEY)).certificate().getNotAfter()
          .toInstant();
    } catch (IOException | RuntimeException e) {
      return Instant.EPOCH;
    }
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
    return CertificateAuthority.create("instrumentor-webhook-ca", settings.caValidity());
  }

  private CertificateAuthority ca(Secret secret) {
    try {
      return CertificateAuthority.fromPem(decode(secret, CA_CERT), decode(secret, CA_KEY));
    } catch (IOException | RuntimeException e) {
      LOG.warn("the CA in Secret {} is unreadable ({}); creating a new one", settings.secretName(), e.toString());
      return newCa();
    }
  }

  /** A serving certificate from {@code ca}, in a copy of {@code current} (its other CAs kept), or a new Secret. */
  private Secret issue(CertificateAuthority ca, Secret current) {
    CertificateAuthority.Issued issued = ca.issue(settings.dnsNames(), settings.validity());
    Secret secret = current == null ? new SecretBuilder().withNewMetadata().withName(settings.secretName())
        .withNamespace(settings.namespace()).addToLabels("app.kubernetes.io/managed-by", "instrumentor").endMetadata()
        .withType("kubernetes.io/tls").withData(new HashMap<>()).build() : copy(current);
    if (secret.getMetadata().getAnnotations() == null) {
      secret.getMetadata().setAnnotations(new HashMap<>());
    }
    Map<String, String> data = secret.getData();
    data.put(CA_CERT, encode(ca.certificatePem()));
    data.put(CA_KEY, encode(ca.privateKeyPem()));
    data.put(TLS_CERT, encode(issued.certificatePem() + ca.certificatePem()));
    data.put(TLS_KEY, encode(issued.privateKeyPem()));
    return secret;
  }

  private static String encode(String pem) {
    return Base64.getEncoder().encodeToString(pem.getBytes(StandardCharsets.US_ASCII));
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
