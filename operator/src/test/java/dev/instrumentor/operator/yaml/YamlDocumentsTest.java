package dev.instrumentor.operator.yaml;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.yaml.snakeyaml.Yaml;

/**
 * Every string the preview and the collector ConfigMap write reads back as that string, through a YAML
 * 1.2 reader (snakeyaml-engine, which fabric8 brings) and a YAML 1.1 one (SnakeYAML, Jackson's).
 */
class YamlDocumentsTest {

  @ParameterizedTest
  @ValueSource(strings = {
      // numbers to YAML 1.2 (core schema) or 1.1
      "1e3", "1E3", "-1e-3", "0o17", "0x1F", "0b101", "017", "4e12345", "1_000", "+1", "-1", ".5", "1.", "12", "0.25",
      ".inf", "-.inf", ".NaN", "1:20", "190:20:30",
      // booleans and nulls of either version
      "true", "False", "yes", "No", "on", "OFF", "y", "N", "null", "Null", "~", "",
      // dates and times (1.1 timestamps)
      "2001-12-14", "2001-12-14t21:59:43.10-05:00",
      // what plain scalars may not hold, and what must stay as it is
      "a: b", "- item", "#comment", "key # not a comment", "[x]", "{x}", "*alias", "&anchor", "!tag", "|", ">", "%TAG",
      "@x", "`x", "'quoted'", "\"quoted\"", "multi\nline", " padded ", "tab\there", "-Xmx1g -javaagent:/a.jar",
      "${env:GRAFANA_CLOUD_TOKEN}", "http://collector:4318", "Zürich",
  })
  void aStringReadsBackAsTheSameString(String value) {
    ObjectNode document = JsonNodeFactory.instance.objectNode();
    document.put("value", value);
    document.putObject("nested").putArray("list").add(value);
    String yaml = YamlDocuments.toYaml(document);

    Map<?, ?> yaml12 = (Map<?, ?>) new Load(LoadSettings.builder().build()).loadFromString(yaml);
    assertThat(yaml12.get("value")).as("YAML 1.2 reads\n" + yaml).isEqualTo(value);
    assertThat(((List<?>) ((Map<?, ?>) yaml12.get("nested")).get("list")).get(0)).isEqualTo(value);
    Map<?, ?> yaml11 = new Yaml().load(yaml);
    assertThat(yaml11.get("value")).as("YAML 1.1 reads\n" + yaml).isEqualTo(value);
  }

  @ParameterizedTest
  @ValueSource(strings = {"4317", "1e3", "true", "0x10"})
  void keysThatLookLikeScalarsStayStrings(String key) {
    ObjectNode document = JsonNodeFactory.instance.objectNode();
    document.put(key, "v");
    String yaml = YamlDocuments.toYaml(document);
    Map<?, ?> yaml12 = (Map<?, ?>) new Load(LoadSettings.builder().build()).loadFromString(yaml);
    assertThat(List.copyOf(yaml12.keySet())).as(yaml).isEqualTo(List.of(key));
    assertThat(List.copyOf(((Map<?, ?>) new Yaml().load(yaml)).keySet())).as(yaml).isEqualTo(List.of(key));
  }
}
