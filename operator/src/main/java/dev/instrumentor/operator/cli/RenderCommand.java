package dev.instrumentor.operator.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.instrumentor.api.v1alpha1.ApiGroup;
import dev.instrumentor.api.v1alpha1.TelemetryCollector;
import dev.instrumentor.api.validation.SchemaValidator;
import dev.instrumentor.operator.collector.CollectorComponents;
import dev.instrumentor.operator.collector.CollectorConfig;
import dev.instrumentor.operator.collector.CollectorInputs;
import dev.instrumentor.operator.collector.CollectorManifests;
import dev.instrumentor.operator.collector.CollectorPermissions;
import dev.instrumentor.operator.collector.TargetAllocatorManifests;
import dev.instrumentor.operator.preview.CelRules;
import dev.instrumentor.operator.yaml.InputException;
import dev.instrumentor.operator.yaml.YamlDocuments;
import dev.instrumentor.webhook.mutation.InjectorSettings;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code instrumentor render}: the objects the operator creates for each TelemetryCollector of a file
 * (its ConfigMap, ServiceAccount, workload, Services, HPA and PDB), from the reconciler's own code,
 * without a cluster. Other documents pass through.
 */
@Command(name = "render", sortOptions = false, mixinStandardHelpOptions = true, versionProvider = BuildInfo.class,
    description = {
        "Print the objects the operator creates for each TelemetryCollector in the file (other documents pass through).",
        "Exit code 2 when a TelemetryCollector is invalid, with its problems naming the field or component."})
final class RenderCommand implements Callable<Integer> {

  private static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();

  @Spec
  CommandSpec spec;

  @Option(names = {"-f", "--filename"}, required = true, paramLabel = "FILE",
      description = "Manifests with TelemetryCollectors (multi-document YAML).")
  Path file;

  @Option(names = "--collector-image", paramLabel = "IMAGE",
      description = "Collector image when a TelemetryCollector names none (default: ${DEFAULT-VALUE}).")
  String collectorImage = InjectorSettings.DEFAULT_COLLECTOR_IMAGE;

  @Option(names = "--target-allocator-image", paramLabel = "IMAGE",
      description = "Image of target allocators, as the operator's flag (default: the operator's image at this version).")
  String targetAllocatorImage;

  @Option(names = "--collector-cluster-role-prefix", paramLabel = "PREFIX",
      description = "Prefix of the chart's ClusterRoles for collectors, as the operator's flag (default: ${DEFAULT-VALUE}).")
  String clusterRolePrefix = CollectorPermissions.DEFAULT_ROLE_PREFIX;

  @Option(names = "--collector-secret-namespaces", paramLabel = "NAMESPACES",
      description = "Namespaces whose Secrets the operator watches, as its flag (* for all; default: none): a Secret"
          + " beside a collector there is hashed into its pod template.")
  String secretNamespaces = "";

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    try {
      String source = file.toString();
      List<JsonNode> documents = YamlDocuments.read(source, InjectCommand.read(file));
      SchemaValidator schema = SchemaValidator.forResource("telemetrycollectors");
      CelRules rules = new CelRules(schema.schema());
      CollectorManifests manifests = new CollectorManifests(collectorImage, clusterRolePrefix,
          targetAllocatorImage == null || targetAllocatorImage.isBlank() ? TargetAllocatorManifests.IMAGE_REPOSITORY + ":" + BuildInfo.version()
              : targetAllocatorImage);
      List<JsonNode> output = new ArrayList<>();
      List<String> problems = new ArrayList<>();
      List<String> notes = new ArrayList<>();
      for (int i = 0; i < documents.size(); i++) {
        JsonNode document = documents.get(i);
        if (!"TelemetryCollector".equals(document.path("kind").asText())
            || !ApiGroup.API_VERSION.equals(document.path("apiVersion").asText())) {
          output.add(document);
          continue;
        }
        String where = (documents.size() == 1 ? source : source + " (document " + (i + 1) + ")") + ": TelemetryCollector "
            + document.path("metadata").path("name").asText("(no name)");
        List<String> invalid = schema.validate(document);
        if (invalid.isEmpty()) {
          invalid = rules.validate(document);
        }
        if (!invalid.isEmpty()) {
          problems.add(where + " is invalid:\n  " + String.join("\n  ", invalid));
          continue;
        }
        TelemetryCollector collector = SERIALIZATION.convertValue(document, TelemetryCollector.class);
        if (collector.getMetadata().getNamespace() == null) {
          collector.getMetadata().setNamespace("default");
        }
        CollectorConfig config = CollectorConfig.of(collector.getSpec().getConfig());
        List<String> wrong = CollectorComponents.problems(config, collector.getSpec().getImage() == null
            || collector.getSpec().getImage().isBlank() ? collectorImage : collector.getSpec().getImage());
        if (!wrong.isEmpty()) {
          problems.add(where + " has an invalid config (the operator would keep the last good one):\n  "
              + String.join("\n  ", wrong));
          continue;
        }
        String image = collector.getSpec().getImage() == null || collector.getSpec().getImage().isBlank() ? collectorImage
            : collector.getSpec().getImage();
        notes.add(where + ": " + CollectorComponents.forImage(image).map(c -> "component types checked against those "
            + c.describe() + " ships").orElse("component types not checked (Instrumentor has no component"
            + " list for " + image + ")") + "; the fields inside each component are checked only by"
            + " the collector itself: the operator runs the image's validate before it rolls a config out (offline: "
            + "docker run -v $PWD:/c " + image + " validate --config=/c/<the ConfigMap's collector.yaml>)");
        String namespace = collector.getMetadata().getNamespace();
        CollectorInputs.Versions inputs = CollectorInputs.versions(CollectorInputs.followed(
            CollectorInputs.referenced(collector.getSpec()), Arrays.stream(secretNamespaces.split(","))
                .map(String::trim).filter(s -> !s.isEmpty()).collect(Collectors.toSet()), namespace),
            ref -> besides(documents, ref, namespace));
        for (HasMetadata object : manifests.desired(collector, config, inputs.hash())) {
          output.add(SERIALIZATION.convertValue(withoutOwnerUid(object), JsonNode.class));
        }
      }
      if (!problems.isEmpty()) {
        problems.forEach(problem -> err.println("error: " + problem));
        err.flush();
        return InjectCommand.BAD_INPUT;
      }
      out.print(YamlDocuments.write(output));
      out.flush();
      notes.forEach(note -> err.println("note: " + note));
      err.flush();
      return 0;
    } catch (InputException e) {
      err.println("error: " + e.getMessage());
      err.flush();
      return InjectCommand.BAD_INPUT;
    }
  }

  /**
   * A Secret or ConfigMap among the file's documents, as the operator would find it in the
   * collector's namespace (a document without a namespace is in "default", as the collector).
   */
  private static HasMetadata besides(List<JsonNode> documents, CollectorInputs.Ref ref, String namespace) {
    for (JsonNode document : documents) {
      if (ref.kind().equals(document.path("kind").asText()) && "v1".equals(document.path("apiVersion").asText())
          && ref.name().equals(document.path("metadata").path("name").asText())
          && namespace.equals(document.path("metadata").path("namespace").asText("default"))) {
        Class<? extends HasMetadata> type = ref.kind().equals("Secret")
            ? Secret.class : ConfigMap.class;
        return SERIALIZATION.convertValue(document, type);
      }
    }
    return null;
  }

  /** Offline the collector has no uid yet: no owner reference (the API server would refuse one without). */
  private static HasMetadata withoutOwnerUid(HasMetadata object) {
    object.getMetadata().getOwnerReferences().removeIf(owner -> owner.getUid() == null);
    return object;
  }

}
