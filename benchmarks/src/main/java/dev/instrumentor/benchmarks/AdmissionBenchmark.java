package dev.instrumentor.benchmarks;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.instrumentor.operator.runtime.AdmissionReporting;
import dev.instrumentor.operator.runtime.OperatorMetrics;
import dev.instrumentor.operator.runtime.OperatorTelemetry;
import dev.instrumentor.webhook.admission.AdmissionObserver;
import dev.instrumentor.webhook.admission.AdmissionResponse;
import dev.instrumentor.webhook.admission.NamespaceAnnotations;
import dev.instrumentor.webhook.admission.PodAdmission;
import dev.instrumentor.webhook.admission.StandardMutator;
import dev.instrumentor.webhook.agent.InstrumentationSource;
import dev.instrumentor.webhook.mutation.InjectorSettings;
import dev.instrumentor.webhook.sidecar.CollectorSource;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * The mutation core: one AdmissionReview of a typical Deployment pod through parse, mutate (every
 * injector the webhook runs), JSON patch and answer — against the floor of parsing and serializing the
 * same AdmissionReview; with {@code telemetry=otel}, what the operator records per request too
 * (OpenTelemetry counters and histogram, no spans).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class AdmissionBenchmark {

  /** {@code typical}: as kube-apiserver sends it (7.2 KB); {@code minimal}: the bare pod (1.7 KB). */
  @Param({"typical", "minimal"})
  public String workload;

  /** {@code none}: no observer; {@code otel}: the operator's, recording into the OpenTelemetry SDK. */
  @Param({"none", "otel"})
  public String telemetry;

  private OperatorTelemetry sdk;

  private byte[] review;
  private PodAdmission admission;
  private final ObjectMapper json = new ObjectMapper();

  @Setup
  public void setUp() {
    review = Workloads.review(workload);
    AdmissionObserver observer = AdmissionObserver.NONE;
    if (telemetry.equals("otel")) {
      sdk = OperatorTelemetry.create(Map.of());
      observer = AdmissionReporting.withoutEvents(
          new OperatorMetrics(sdk), sdk);
    }
    admission = new PodAdmission(StandardMutator.of(InstrumentationSource.of(List.of(Workloads.instrumentation())),
        CollectorSource.of(List.of()), InjectorSettings.defaults()),
        NamespaceAnnotations.none(), observer);
    AdmissionResponse check = admission.handle("application/json", review, review.length, false, 1 << 22);
    if (!check.bodyText().contains("\"patch\"")) {
      throw new IllegalStateException("the benchmark pod was not mutated: " + check.bodyText());
    }
  }

  @TearDown
  public void tearDown() {
    if (sdk != null) {
      sdk.close();
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
