package dev.instrumentor.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import io.fabric8.kubernetes.api.model.LabelSelector;
import java.util.List;
import java.util.Objects;

/**
 * Which pods an Instrumentation instruments without an {@code inject-*} annotation, and with which
 * languages. A pod's own annotations (or its Namespace's) win over any selector; the label
 * {@code instrumentor.dev/inject: "false"} keeps a pod out of every selector.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(value = "has(self.podSelector) || has(self.namespaceSelector)",
    message = "spec.selector needs podSelector, namespaceSelector or both ({} selects everything)")
@ValidationRule(value = "!has(self.languages) || !('auto' in self.languages) || size(self.languages) == 1",
    message = "spec.selector.languages is [auto] or a list of languages, not both")
public class InstrumentationSelector {

  /**
   * The pods chosen, by their labels: in the Instrumentation's namespace, or with namespaceSelector in
   * the namespaces it chooses. {@code {}} chooses every pod.
   */
  private LabelSelector podSelector;

  /**
   * The namespaces whose pods are chosen, by the Namespace's labels. Honoured only for Instrumentations in
   * a namespace the cluster admin allows (the chart's {@code selectors.namespaces}, by default the
   * release's); elsewhere it is ignored and the status says so.
   */
  private LabelSelector namespaceSelector;

  /**
   * [auto] (default): each container's language is detected from its image, command and environment. A
   * list (java, nodejs, python, dotnet, sdk) instruments only containers detected as one of them; sdk
   * gives the containers of no detected language the OTEL_* environment alone.
   */
  @Size(max = 6)
  private List<SelectorLanguage> languages;

  /** Images that tell a language, beyond the common runtime images detection knows. */
  @Size(max = 64)
  private List<ImagePattern> images;

  public LabelSelector getPodSelector() {
    return podSelector;
  }

  public void setPodSelector(LabelSelector podSelector) {
    this.podSelector = podSelector;
  }

  public LabelSelector getNamespaceSelector() {
    return namespaceSelector;
  }

  public void setNamespaceSelector(LabelSelector namespaceSelector) {
    this.namespaceSelector = namespaceSelector;
  }

  public List<SelectorLanguage> getLanguages() {
    return languages;
  }

  public void setLanguages(List<SelectorLanguage> languages) {
    this.languages = languages;
  }

  public List<ImagePattern> getImages() {
    return images;
  }

  public void setImages(List<ImagePattern> images) {
    this.images = images;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof InstrumentationSelector other && Objects.equals(podSelector, other.podSelector)
        && Objects.equals(namespaceSelector, other.namespaceSelector) && Objects.equals(languages, other.languages)
        && Objects.equals(images, other.images);
  }

  @Override
  public int hashCode() {
    return Objects.hash(podSelector, namespaceSelector, languages, images);
  }
}
