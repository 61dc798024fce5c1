package dev.instrumentor.api.v1alpha1;

import io.fabric8.kubernetes.api.model.EnvVar;
import java.util.List;

/** What the web server blocks (apacheHttpd, nginx) share: the module's directives. */
public interface WebServerSpec {

  /** The module's directives (name and value), over the generated ones; null when none is set. */
  List<EnvVar> getAttrs();
}
