package dev.instrumentor.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.Objects;

/**
 * TLS material for the OTLP exporter. Relative file names are resolved inside the mounted Secret
 * (certificate, key) or ConfigMap (CA); absolute paths are used as they are.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class Tls {

  /**
   * Secret in the pod's namespace holding the client certificate and key (and optionally the CA).
   */
  private String secretName;

  /** ConfigMap in the pod's namespace holding the CA certificate. */
  private String configMapName;

  /** CA certificate file (OTEL_EXPORTER_OTLP_CERTIFICATE). */
  @JsonProperty("ca_file")
  private String caFile;

  /** Client certificate file for mTLS (OTEL_EXPORTER_OTLP_CLIENT_CERTIFICATE). */
  @JsonProperty("cert_file")
  private String certFile;

  /** Client private key file for mTLS (OTEL_EXPORTER_OTLP_CLIENT_KEY). */
  @JsonProperty("key_file")
  private String keyFile;

  public String getSecretName() {
    return secretName;
  }

  public void setSecretName(String secretName) {
    this.secretName = secretName;
  }

  public String getConfigMapName() {
    return configMapName;
  }

  public void setConfigMapName(String configMapName) {
    this.configMapName = configMapName;
  }

  public String getCaFile() {
    return caFile;
  }

  public void setCaFile(String caFile) {
    this.caFile = caFile;
  }

  public String getCertFile() {
    return certFile;
  }

  public void setCertFile(String certFile) {
    this.certFile = certFile;
  }

  public String getKeyFile() {
    return keyFile;
  }

  public void setKeyFile(String keyFile) {
    this.keyFile = keyFile;
  }

  @Override
  public boolean equals(Object o) {
    if (this == o) {
      return true;
    }
    if (!(o instanceof Tls other)) {
      return false;
    }
    return Objects.equals(secretName, other.secretName)
        && Objects.equals(configMapName, other.configMapName)
        && Objects.equals(caFile, other.caFile)
        && Objects.equals(certFile, other.certFile)
        && Objects.equals(keyFile, other.keyFile);
  }

  @Override
  public int hashCode() {
    return Objects.hash(secretName, configMapName, caFile, certFile, keyFile);
  }

  @Override
  public String toString() {
    return "Tls{" + "secretName=" + secretName + ", configMapName=" + configMapName + ", caFile=" + caFile + ", certFile=" + certFile + ", keyFile=" + keyFile + "}";
  }
}
