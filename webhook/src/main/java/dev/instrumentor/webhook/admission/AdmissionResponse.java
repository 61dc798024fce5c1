package dev.instrumentor.webhook.admission;

import java.nio.charset.StandardCharsets;

/**
 * An HTTP answer of the admission endpoint.
 *
 * @param status  200 for every AdmissionReview answer (allowed or not), 4xx when the request was
 *                not an AdmissionReview at all
 * @param body    JSON
 * @param outcome for metrics: mutated, unchanged, ignored, malformed, error
 */
public record AdmissionResponse(int status, byte[] body, String outcome) {

  public String bodyText() {
    return new String(body, StandardCharsets.UTF_8);
  }
}
