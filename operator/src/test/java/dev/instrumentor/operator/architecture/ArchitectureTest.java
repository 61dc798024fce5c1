package dev.instrumentor.operator.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.Architectures.layeredArchitecture;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.core.importer.Location;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/**
 * The package arrows, frozen: the modules layer api <- webhook <- operator; no package imports one that
 * imports it back; inside the webhook, admission -> mutation -> agent | sidecar, over json, http and tls;
 * the reconcilers and their helpers never import the offline CLI or its preview.
 */
@AnalyzeClasses(packages = "dev.instrumentor", importOptions = ArchitectureTest.MainCode.class)
class ArchitectureTest {

  /** The modules' main classes: no test classes, whether in test-classes or in a module's test-jar (fixtures). */
  static final class MainCode implements ImportOption {
    @Override
    public boolean includes(Location location) {
      String where = location.asURI().toString();
      return !where.contains("/test-classes/") && !where.contains("-tests.jar");
    }
  }

  @ArchTest
  static final ArchRule noPackageCycles = slices().matching("dev.instrumentor.(**)").should().beFreeOfCycles();

  @ArchTest
  static final ArchRule modulesLayer = layeredArchitecture().consideringOnlyDependenciesInLayers()
      .layer("api").definedBy("dev.instrumentor.api..")
      .layer("webhook").definedBy("dev.instrumentor.webhook..")
      .layer("operator").definedBy("dev.instrumentor.operator..")
      .whereLayer("operator").mayNotBeAccessedByAnyLayer()
      .whereLayer("webhook").mayOnlyBeAccessedByLayers("operator")
      .whereLayer("api").mayOnlyBeAccessedByLayers("webhook", "operator");

  /**
   * The webhook's packages: admission (HTTP, AdmissionReview) assembles the mutation of a pod from the agents
   * and the collector sidecar; agents and sidecar share the mutation's vocabulary (a pod's JSON, its edits,
   * outcomes) and never know each other; json, http and tls know none of them.
   */
  @ArchTest
  static final ArchRule webhookLayers = layeredArchitecture().consideringOnlyDependenciesInLayers()
      .layer("admission").definedBy("dev.instrumentor.webhook.admission..")
      .layer("agent").definedBy("dev.instrumentor.webhook.agent..")
      .layer("sidecar").definedBy("dev.instrumentor.webhook.sidecar..")
      .layer("mutation").definedBy("dev.instrumentor.webhook.mutation..")
      .layer("plumbing").definedBy("dev.instrumentor.webhook.json..", "dev.instrumentor.webhook.http..",
          "dev.instrumentor.webhook.tls..")
      .whereLayer("admission").mayNotBeAccessedByAnyLayer()
      .whereLayer("agent").mayOnlyBeAccessedByLayers("admission")
      .whereLayer("sidecar").mayOnlyBeAccessedByLayers("admission")
      .whereLayer("mutation").mayOnlyBeAccessedByLayers("admission", "agent", "sidecar")
      .whereLayer("plumbing").mayOnlyBeAccessedByLayers("admission", "agent", "sidecar", "mutation");

  @ArchTest
  static final ArchRule reconcilersKnowNotTheCli = noClasses()
      .that().resideInAnyPackage("dev.instrumentor.operator.collector..", "dev.instrumentor.operator.instrumentation..",
          "dev.instrumentor.operator.fleet..", "dev.instrumentor.operator.kube..", "dev.instrumentor.operator.runtime..")
      .should().dependOnClassesThat().resideInAnyPackage("dev.instrumentor.operator.cli..",
          "dev.instrumentor.operator.preview..");
}
