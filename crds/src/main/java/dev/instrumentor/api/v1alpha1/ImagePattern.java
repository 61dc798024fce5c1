package dev.instrumentor.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import java.util.Objects;

/** An image that tells a container's language, beyond the common runtime images detection knows. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(value = "self.language in ['java', 'nodejs', 'python', 'dotnet']",
    message = "an image pattern's language is one with an agent: java, nodejs, python or dotnet")
public class ImagePattern {

  /** The language of the containers running a matching image: java, nodejs, python or dotnet. */
  @Required
  private SelectorLanguage language;

  /**
   * The image without tag or digest, with or without its registry, {@code *} matching any characters, e.g.
   * {@code registry.example.com/platform/jvm-*} or {@code *python-base}.
   */
  @Required
  @Size(min = 1, max = 512)
  private String image;

  public SelectorLanguage getLanguage() {
    return language;
  }

  public void setLanguage(SelectorLanguage language) {
    this.language = language;
  }

  public String getImage() {
    return image;
  }

  public void setImage(String image) {
    this.image = image;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ImagePattern other && language == other.language && Objects.equals(image, other.image);
  }

  @Override
  public int hashCode() {
    return Objects.hash(language, image);
  }
}
