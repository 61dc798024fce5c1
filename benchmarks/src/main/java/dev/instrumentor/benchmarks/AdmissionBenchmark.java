package dev.instrumentor.benchmarks;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.instrumentor.webhook.admission.AdmissionObserver;
import dev.instrumentor.webhook.admission.AdmissionResponse;
import dev.instrumentor.webhook.admission.NamespaceAnnotations;
import dev.instrumentor.webhook.admission.PodAdmission;
import dev.instrumentor.webhook.inject.InjectorSettings;
import dev.instrumentor.webhook.inject.InstrumentationSource;
import dev.instrumentor.webhook.inject.PodMutator;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * The mutation core: one AdmissionReview of a typical Deployment pod through parse, mutate, JSON
 * patch and answer — against the floor of parsing and serializing the same AdmissionReview.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class AdmissionBenchmark {

  /** {@code typical}: as kube-apiserver sends it (7.2 KB); {@code minimal}: the bare pod (1.7 KB). */
  @Param({"typical", "minimal"})
  public String workload;

  private byte[] review;
  private PodAdmission admission;
  private final ObjectMapper json = new ObjectMapper();

  @Setup
  public void setUp() {
    review = Workloads.review(workload);
    admission = new PodAdmission(PodMutator.forJava(InstrumentationSource.of(List.of(Workloads.instrumentation())),
        InjectorSettings.defaults()), NamespaceAnnotations.none(), AdmissionObserver.NONE);
    AdmissionResponse check = admission.handle("application/json", review, review.length, false, 1 << 22);
    if (!check.bodyText().contains("\"patch\"")) {
      throw new IllegalStateException("the benchmark pod was not mutated: " + check.bodyText());
    }
  }

  @Benchmark
  public byte[] mutateAndPatch() {
    return admission.handle("application/json", review, review.length, false, 1 << 22).body();
  }

  @Benchmark
  public byte[] parseAndSerializeFloor() throws IOException {
    JsonNode tree = json.readTree(review);
    return json.writeValueAsBytes(tree);
  }
}
