package dev.instrumentor.webhook.admission;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.instrumentor.webhook.json.AdmissionJson;
import dev.instrumentor.webhook.json.JsonProjection;
import dev.instrumentor.webhook.json.PatchOperation;
import dev.instrumentor.webhook.mutation.PodContext;
import dev.instrumentor.webhook.mutation.PodJson;
import dev.instrumentor.webhook.mutation.PodMutator;
import java.io.IOException;
import java.util.List;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The admission controller for pods, independent of HTTP: AdmissionReview JSON in, AdmissionReview
 * JSON out, echoing the request's uid, always {@code allowed: true} (Instrumentor never blocks a pod),
 * with an RFC 6902 JSON patch when the pod changed and warnings when it asked for injection and did
 * not get it. Malformed input still gets a well-formed answer when the request's uid can be read;
 * otherwise it is not an AdmissionReview and gets a 4xx.
 */
public final class PodAdmission {

  private static final Logger LOG = LoggerFactory.getLogger(PodAdmission.class);
  static final String V1 = "admission.k8s.io/v1";

  /** What is read of an AdmissionReview: the request's identity and the pod's projection. */
  private static final JsonProjection REVIEW = JsonProjection.object(
      "apiVersion", JsonProjection.WHOLE,
      "kind", JsonProjection.WHOLE,
      "request", JsonProjection.object(
          "uid", JsonProjection.WHOLE, "kind", JsonProjection.WHOLE, "operation", JsonProjection.WHOLE,
          "subResource", JsonProjection.WHOLE, "namespace", JsonProjection.WHOLE, "dryRun", JsonProjection.WHOLE,
          "object", PodJson.PROJECTION));
  private static final int MAX_WARNING_LENGTH = 256;

  private final PodMutator mutator;
  private final NamespaceAnnotations namespaces;
  private final AdmissionObserver observer;

  public PodAdmission(PodMutator mutator, NamespaceAnnotations namespaces, AdmissionObserver observer) {
    this.mutator = mutator;
    this.namespaces = namespaces;
    this.observer = observer;
  }

  /**
   * Answers one request.
   *
   * @param contentType the request's Content-Type header (may be null)
   * @param body        the body bytes read, at most {@code length} of them meaningful
   * @param truncated   whether the body was longer than the server's limit (then it was cut)
   * @param limit       the server's limit, for the message
   */
  public AdmissionResponse handle(String contentType, byte[] body, int length, boolean truncated, int limit) {
    long start = System.nanoTime();
    AdmissionResponse response;
    try {
      response = answer(contentType, body, length, truncated, limit);
    } catch (OutOfMemoryError e) {
      throw e; // the JVM is in no state to answer (the chart's flags exit on it)
    } catch (RuntimeException | Error e) {
      // fail open: whatever broke (a stack overflow on absurd nesting too), the pod is admitted unchanged
      LOG.error("admission failed; allowing the request unchanged", e);
      RequestIdentity identity = RequestIdentity.scan(body, length);
      response = identity.uid() == null
          ? notAnAdmissionReview(400, "cannot read the request: " + e.getMessage())
          : allowed(identity, null, List.of("instrumentor: internal error, pod admitted unchanged: " + e), "error");
    }
    observer.requestCompleted(response.outcome(), System.nanoTime() - start);
    return response;
  }

  private AdmissionResponse answer(String contentType, byte[] body, int length, boolean truncated, int limit) {
    if (truncated) {
      RequestIdentity identity = RequestIdentity.scan(body, length);
      String message = "request body larger than " + limit + " bytes";
      return identity.uid() == null ? notAnAdmissionReview(413, message)
          : allowed(identity, null, List.of("instrumentor: " + message + ", pod admitted unchanged"), "malformed");
    }
    if (contentType == null || !contentType.toLowerCase(Locale.ROOT).startsWith("application/json")) {
      RequestIdentity identity = RequestIdentity.scan(body, length);
      String message = "unsupported content type " + (contentType == null ? "(none)" : contentType)
          + ", expected application/json";
      return identity.uid() == null ? notAnAdmissionReview(415, message)
          : allowed(identity, null, List.of("instrumentor: " + message + ", pod admitted unchanged"), "malformed");
    }
    JsonNode review;
    try {
      review = read(body, length);
    } catch (IOException e) {
      RequestIdentity identity = RequestIdentity.scan(body, length);
      return identity.uid() == null ? notAnAdmissionReview(400, "malformed JSON")
          : allowed(identity, null, List.of("instrumentor: malformed AdmissionReview JSON, pod admitted unchanged"),
              "malformed");
    }
    JsonNode request = review == null ? null : review.get("request");
    JsonNode uid = request == null ? null : request.get("uid");
    if (uid == null || !uid.isTextual() || uid.asText().isEmpty()) {
      return notAnAdmissionReview(400, "not an AdmissionReview: request.uid is missing");
    }
    RequestIdentity identity = new RequestIdentity(text(review, "apiVersion"), uid.asText());
    if (!"AdmissionReview".equals(text(review, "kind"))) {
      return allowed(identity, null, List.of("instrumentor: kind " + text(review, "kind")
          + " is not AdmissionReview, pod admitted unchanged"), "malformed");
    }
    JsonNode kind = request.get("kind");
    if (kind == null || !"Pod".equals(text(kind, "kind")) || !"v1".equals(text(kind, "version"))
        || !text(kind, "group").isEmpty() || request.hasNonNull("subResource") && !text(request, "subResource").isEmpty()) {
      return allowed(identity, null, List.of("instrumentor: mutates only v1 Pods, got "
          + (kind == null ? "no kind" : kind.toString()) + "; admitted unchanged"), "ignored");
    }
    if (!"CREATE".equals(text(request, "operation"))) {
      return allowed(identity, null, List.of(), "ignored"); // misconfigured for updates: stay out of the way
    }
    if (!(request.get("object") instanceof ObjectNode object)) {
      return allowed(identity, null, List.of("instrumentor: request has no pod object, admitted unchanged"), "malformed");
    }
    // the pod is mutated as the JSON the API server sent: no model binding, nothing it does not know is lost
    PodJson pod = PodJson.of(object);
    String problem = pod.problem();
    if (problem != null) {
      return allowed(identity, null, List.of("instrumentor: unreadable pod (" + problem + "), admitted unchanged"),
          "malformed");
    }
    String namespace = firstNonEmpty(text(request, "namespace"), pod.namespace(), "default");
    PodMutator.Result result = mutator.mutate(pod, PodContext.forPod(pod, namespace, namespaces.of(namespace),
        namespaces.labels(namespace)));
    observer.podAdmitted(namespace, pod, result, request.path("dryRun").asBoolean(false));
    if (!result.changed()) {
      return allowed(identity, null, result.warnings(), "unchanged");
    }
    return allowed(identity, result.operations(), result.warnings(), "mutated");
  }

  /** The review's projection; the whole body is checked, so malformed JSON anywhere fails. */
  private static JsonNode read(byte[] body, int length) throws IOException {
    return REVIEW.read(body, 0, length);
  }

  private AdmissionResponse allowed(RequestIdentity identity, List<PatchOperation> patch, List<String> warnings,
      String outcome) {
    String apiVersion = identity.apiVersion() != null && identity.apiVersion().startsWith("admission.k8s.io/")
        ? identity.apiVersion() : V1;
    // base64 with padding, as Kubernetes decodes it; the JDK's encoder is several times faster than the
    // generator's, and its output needs no escaping: written as the quoted string it already is. Made before
    // the answer's generator, so that the two do not nest (a nested one cannot reuse the thread's buffers).
    byte[] base64 = patch == null ? null : AdmissionJson.base64(json -> writePatch(json, patch));
    byte[] answer = AdmissionJson.write(json -> {
      json.writeStartObject();
      json.writeStringField("apiVersion", apiVersion);
      json.writeStringField("kind", "AdmissionReview");
      json.writeObjectFieldStart("response");
      json.writeStringField("uid", identity.uid());
      json.writeBooleanField("allowed", true);
      if (patch != null) {
        json.writeStringField("patchType", "JSONPatch");
        json.writeFieldName("patch");
        json.writeRawUTF8String(base64, 0, base64.length);
      }
      if (!warnings.isEmpty()) {
        json.writeArrayFieldStart("warnings");
        for (String warning : warnings) {
          json.writeString(warning.length() <= MAX_WARNING_LENGTH ? warning
              : warning.substring(0, MAX_WARNING_LENGTH - 3) + "...");
        }
        json.writeEndArray();
      }
      json.writeEndObject();
      json.writeEndObject();
    });
    return new AdmissionResponse(200, answer, outcome);
  }

  private static AdmissionResponse notAnAdmissionReview(int status, String message) {
    byte[] body = AdmissionJson.write(json -> {
      json.writeStartObject();
      json.writeStringField("error", message);
      json.writeEndObject();
    });
    return new AdmissionResponse(status, body, "malformed");
  }

  /** The patch as JSON. */
  private static void writePatch(JsonGenerator json, List<PatchOperation> patch) throws IOException {
    SerializerProvider serializers = AdmissionJson.MAPPER.getSerializerProviderInstance();
    json.writeStartArray();
    for (PatchOperation operation : patch) {
      json.writeStartObject();
      json.writeStringField("op", operation.op());
      json.writeStringField("path", operation.path());
      if (operation.value() != null) {
        json.writeFieldName("value");
        operation.value().serialize(json, serializers);
      }
      json.writeEndObject();
    }
    json.writeEndArray();
  }

  private static String text(JsonNode node, String field) {
    JsonNode value = node.get(field);
    return value == null || !value.isTextual() ? "" : value.asText();
  }

  private static String firstNonEmpty(String... values) {
    for (String value : values) {
      if (value != null && !value.isEmpty()) {
        return value;
      }
    }
    return null;
  }
}
