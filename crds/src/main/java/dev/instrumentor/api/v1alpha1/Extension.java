package dev.instrumentor.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.fabric8.generator.annotation.Required;
import java.util.Objects;

/**
 * An agent extension shipped in an image.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class Extension {

  /** Image holding the extension jars. */
  @Required
  private String image;

  /** Directory inside the image whose files are the extension jars. */
  @Required
  private String dir;

  public String getImage() {
    return image;
  }

  public void setImage(String image) {
    this.image = image;
  }

  public String getDir() {
    return dir;
  }

  public void setDir(String dir) {
    this.dir = dir;
  }

  @Override
  public boolean equals(Object o) {
    if (this == o) {
      return true;
    }
    if (!(o instanceof Extension other)) {
      return false;
    }
    return Objects.equals(image, other.image)
        && Objects.equals(dir, other.dir);
  }

  @Override
  public int hashCode() {
    return Objects.hash(image, dir);
  }

  @Override
  public String toString() {
    return "Extension{" + "image=" + image + ", dir=" + dir + "}";
  }
}
