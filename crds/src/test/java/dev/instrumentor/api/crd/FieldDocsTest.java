package dev.instrumentor.api.crd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.apiextensions.v1.JSONSchemaProps;
import io.fabric8.kubernetes.api.model.apiextensions.v1.JSONSchemaPropsBuilder;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FieldDocsTest {

  @Test
  void javadocBecomesOneLineOfText() {
    assertThat(FieldDocs.text("\n   * Where the agents send telemetry: the\n   * {@code OTLP} endpoint.\n   ")).isEqualTo(
        "Where the agents send telemetry: the OTLP endpoint.");
  }

  @Test
  void aModelFieldWithoutJavadocFailsTheBuild(@TempDir Path sources) throws Exception {
    Path file = sources.resolve(Undocumented.class.getName().replace('.', '/') + ".java");
    Files.createDirectories(file.getParent());
    Files.writeString(file, "class FieldDocsTest {\n  private String undocumented;\n}\n");
    JSONSchemaProps schema = new JSONSchemaPropsBuilder().addToProperties("undocumented", new JSONSchemaProps()).build();

    assertThatThrownBy(() -> new FieldDocs(sources).describe(schema, Undocumented.class))
        .hasMessageContaining("has no Javadoc");
  }

  @SuppressWarnings("unused")
  private static final class Undocumented {
    private String undocumented;
  }
}
