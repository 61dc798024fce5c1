package dev.instrumentor.operator.preview;

import com.fasterxml.jackson.databind.JsonNode;
import dev.instrumentor.api.v1alpha1.ApiGroup;
import dev.instrumentor.api.v1alpha1.Instrumentation;
import dev.instrumentor.api.validation.SchemaValidator;
import dev.instrumentor.operator.yaml.InputException;
import dev.instrumentor.operator.yaml.YamlDocuments;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** Reads Instrumentations from YAML, checked against the CRD schema as the API server would. */
public final class InstrumentationFiles {

  private static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();
  private final SchemaValidator schema = SchemaValidator.forResource("instrumentations");
  private final CelRules rules = new CelRules(schema.schema());
  private final List<Instrumentation> loaded = new ArrayList<>();
  private final Set<String> seen = new HashSet<>();

  /**
   * Adds every document of {@code text}, each of which must be an Instrumentation.
   *
   * @throws InputException naming {@code source}, the document and every problem found
   */
  public void add(String source, String text) throws InputException {
    List<JsonNode> documents = YamlDocuments.read(source, text);
    if (documents.isEmpty()) {
      throw new InputException(source, "no Instrumentation in the file");
    }
    for (int i = 0; i < documents.size(); i++) {
      JsonNode document = documents.get(i);
      String where = documents.size() == 1 ? source : source + " (document " + (i + 1) + ")";
      String kind = document.path("kind").asText();
      String apiVersion = document.path("apiVersion").asText();
      if (!"Instrumentation".equals(kind)) {
        throw new InputException(where, "is " + (kind.isEmpty() ? "not a Kubernetes object" : "a " + kind)
            + ", not an Instrumentation (" + ApiGroup.API_VERSION + ")");
      }
      if (!ApiGroup.API_VERSION.equals(apiVersion)) {
        throw new InputException(where, "apiVersion is " + (apiVersion.isEmpty() ? "missing" : apiVersion)
            + ": Instrumentor reads " + ApiGroup.API_VERSION
            + (apiVersion.startsWith("opentelemetry.io/") ? " (same fields: change the apiVersion)" : ""));
      }
      String name = document.path("metadata").path("name").asText();
      if (name.isEmpty()) {
        throw new InputException(where, "metadata.name: required");
      }
      List<String> problems = schema.validate(document);
      if (problems.isEmpty()) {
        problems = rules.validate(document); // as the API server: CEL once the schema holds
      }
      if (!problems.isEmpty()) {
        throw new InputException(where, "Instrumentation " + name + " is invalid:\n  " + String.join("\n  ", problems));
      }
      Instrumentation instrumentation;
      try {
        instrumentation = SERIALIZATION.convertValue(document, Instrumentation.class);
      } catch (RuntimeException e) {
        throw new InputException(where, "Instrumentation " + name + " is unreadable: " + e.getMessage());
      }
      if (instrumentation.getMetadata().getNamespace() == null) {
        instrumentation.getMetadata().setNamespace("default");
      }
      String key = instrumentation.getMetadata().getNamespace() + "/" + name;
      if (!seen.add(key)) {
        throw new InputException(where, "Instrumentation " + key + " is defined twice");
      }
      loaded.add(instrumentation);
    }
  }

  public List<Instrumentation> instrumentations() {
    return List.copyOf(loaded);
  }
}
