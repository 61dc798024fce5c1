package dev.instrumentor.api.crd;

import dev.instrumentor.api.v1alpha1.ApiGroup;
import dev.instrumentor.api.v1alpha1.Instrumentation;
import dev.instrumentor.api.v1alpha1.TelemetryCollector;
import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.crdv2.generator.CRDGenerator;
import io.fabric8.crdv2.generator.CRDPostProcessor;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionVersion;
import io.fabric8.kubernetes.api.model.apiextensions.v1.JSONSchemaProps;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Generates the CustomResourceDefinitions from the Java model with fabric8's CRD generator (the
 * build runs it in {@code process-classes}), adds what the generator cannot express (categories),
 * and writes one YAML file per CRD.
 *
 * <p>Arguments: {@code <sources-dir> <generated-dir> <update:true|false> <committed-dir>...}. The
 * field Javadoc in {@code sources-dir} becomes the schema's descriptions. The build always
 * writes {@code generated-dir}; with {@code update=true} it also rewrites the committed copies
 * (top-level {@code crds/} and the Helm chart's {@code crds/}). A test compares the committed
 * copies with the generated ones, so a model change without regenerated CRDs fails the build.
 */
public final class CrdGeneration {

  /** The custom resources Instrumentor defines; each becomes {@code <plural>.<group>.yaml}. */
  public static final List<Class<? extends HasMetadata>> RESOURCES =
      List.of(Instrumentation.class, TelemetryCollector.class);

  private static final String HEADER =
      "# Generated from the Java model in crds/src/main/java by the build. Do not edit:\n"
          + "# change the model, then run ./mvnw -pl crds process-classes -Dcrds.update=true\n";

  private CrdGeneration() {
  }

  public static void main(String[] args) throws IOException {
    if (args.length < 3) {
      throw new IllegalArgumentException(
          "usage: CrdGeneration <sources-dir> <generated-dir> <update:true|false> [committed-dir...]");
    }
    Map<String, String> crds = generate(Path.of(args[0]));
    write(Path.of(args[1]), crds);
    if (Boolean.parseBoolean(args[2])) {
      for (int i = 3; i < args.length; i++) {
        write(Path.of(args[i]), crds);
      }
    }
  }

  /** File name to YAML content, for every custom resource in {@link #RESOURCES}. */
  public static Map<String, String> generate(Path sources) {
    FieldDocs docs = new FieldDocs(sources);
    Map<String, ByteArrayOutputStream> raw = new TreeMap<>();
    new CRDGenerator()
        .customResourceClasses(RESOURCES)
        .forCRDVersions("v1")
        .withMinQuotes(true)
        .withPostProcessor(new CRDPostProcessor() {
          @Override
          public HasMetadata process(HasMetadata crd, String crdSpecVersion) {
            complete((CustomResourceDefinition) crd, docs);
            return crd;
          }
        })
        .withOutput(new CRDGenerator.AbstractCRDOutput<ByteArrayOutputStream>() {
          @Override
          protected ByteArrayOutputStream createStreamFor(String crdName) {
            return raw.computeIfAbsent(crdName, n -> new ByteArrayOutputStream());
          }
        })
        .generate();
    Map<String, String> files = new LinkedHashMap<>();
    raw.forEach((outputName, yaml) -> {
      String crdName = outputName.substring(0, outputName.lastIndexOf('-'));
      String body = yaml.toString(StandardCharsets.UTF_8);
      // drop the generator's own header comment: ours says how to regenerate
      body = body.substring(body.indexOf('\n') + 1);
      files.put(crdName + ".yaml", HEADER + body);
    });
    return files;
  }

  /** What the generator has no annotation for. */
  static void complete(CustomResourceDefinition crd, FieldDocs docs) {
    crd.getSpec().getNames().setCategories(new ArrayList<>(List.of(ApiGroup.CATEGORY)));
    for (CustomResourceDefinitionVersion version : crd.getSpec().getVersions()) {
      // the generator sorts columns by name; keep the order the model declares them in
      List<String> declared = declaredColumns(crd.getSpec().getNames().getKind());
      version.getAdditionalPrinterColumns().sort(Comparator.comparing(c -> declared.indexOf(c.getName())));
      JSONSchemaProps root = version.getSchema().getOpenAPIV3Schema();
      Class<?> resource = RESOURCES.stream()
          .filter(r -> HasMetadata.getKind(r).equals(crd.getSpec().getNames().getKind())).findFirst().orElseThrow();
      Type[] specAndStatus =
          ((ParameterizedType) resource.getGenericSuperclass()).getActualTypeArguments();
      docs.describe(root.getProperties().get("spec"), (Class<?>) specAndStatus[0]);
      docs.describe(root.getProperties().get("status"), (Class<?>) specAndStatus[1]);
      JSONSchemaProps spec = root.getProperties().get("spec");
      JSONSchemaProps config = spec.getProperties().get("config");
      if (config != null) {
        // a collector config is a map: reject a string or a list before any code of ours runs
        config.setType("object");
      }
    }
  }

  private static List<String> declaredColumns(String kind) {
    return RESOURCES.stream()
        .filter(resource -> HasMetadata.getKind(resource).equals(kind))
        .flatMap(resource -> Arrays.stream(resource.getAnnotationsByType(AdditionalPrinterColumn.class)))
        .map(AdditionalPrinterColumn::name)
        .toList();
  }

  private static void write(Path dir, Map<String, String> files) {
    try {
      Files.createDirectories(dir);
      for (Map.Entry<String, String> file : files.entrySet()) {
        Files.writeString(dir.resolve(file.getKey()), file.getValue(), StandardCharsets.UTF_8);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write CRDs to " + dir, e);
    }
  }
}
