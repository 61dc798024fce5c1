package dev.instrumentor.e2e.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.instrumentor.api.v1alpha1.Instrumentation;
import dev.instrumentor.e2e.harness.ChartRelease;
import dev.instrumentor.e2e.harness.ControlPlane;
import dev.instrumentor.e2e.harness.E2eCluster;
import dev.instrumentor.e2e.harness.OperatorProcess;
import dev.instrumentor.e2e.harness.RealCluster;
import dev.instrumentor.e2e.harness.Scenario;
import dev.instrumentor.operator.kube.Conditions;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.EnvVarBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceRequirementsBuilder;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.MutatingWebhook;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Not part of the suite (its name is no *Test): a storm of admissions on the real API server. The chart's
 * operator (its replicas, flags and memory limit, its ServiceAccount) serves the webhook registered by the
 * chart's MutatingWebhookConfiguration; a Deployment whose pods ask for Java is scaled from 0 to
 * {@code storm.pods} (1,000) at once, and the controller-manager's ReplicaSet controller creates the pods, each
 * one sent by kube-apiserver to the webhook as in production (no kubelet: the pods stay Pending). Measured: the
 * admission latency as the API server saw it (its {@code apiserver_admission_webhook_admission_duration_seconds}
 * histogram, scraped before and after), the webhook's own handling time ({@code
 * instrumentor_webhook_request_duration_seconds} of every replica), the wall time from the scale-up to the last
 * pod; asserted: no pod admitted without the agent. Run: {@code benchmarks/run.sh storm}.
 *
 * <p>The ReplicaSet controller creates pods in slow-start batches (1, 2, 4, ... up to its burst of 500 per sync),
 * but its client is held to the controller-manager's {@code --kube-api-qps} (20, the default, as most clusters run
 * it): the pods arrive at about 20 a second, and that, not the webhook, sets the wall time. Every pod is admitted
 * by two calls of the webhook: the ServiceAccount admission plugin mounts its token into the injected init
 * container after the webhook, and {@code reinvocationPolicy: IfNeeded} calls the webhook again (it changes
 * nothing then).
 *
 * <p>Here the API server reaches the Service through the harness's egress proxy ({@code ServiceProxy}), which lists
 * the Services for each new connection: the calls that open one (about 1 in 100) carry that dial, and set the API
 * server's p99. The dials are printed beside it.
 */
class AdmissionStormBenchmark {

  private static final String WEBHOOK = "pods.instrumentor.dev";
  private static final String AGENT = "-javaagent:/instrumentor/java/javaagent.jar";
  private static final String INIT_CONTAINER = "instrumentor-java-agent";
  private static final String STATUS = "instrumentor.dev/injection-status";
  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void aThousandPodsAtOnce() throws Exception {
    E2eCluster any = E2eCluster.fromEnvironment();
    assumeTrue(any instanceof RealCluster real && real.controlPlane() != null, "needs the e2e control plane");
    RealCluster cluster = (RealCluster) any;
    ControlPlane controlPlane = cluster.controlPlane();
    KubernetesClient admin = cluster.client();
    cluster.pauseOperator(); // only the chart's operator answers
    int count = Integer.getInteger("storm.pods", 1000);

    ChartRelease release = ChartRelease.render("storm", "instrumentor-storm", controlPlane.kubernetesVersion(), Map.of());
    release.install(admin);
    String service = release.fullname() + "-webhook";
    List<OperatorProcess> replicas = new ArrayList<>();
    String ns = null;
    List<SharedIndexInformer<?>> watches = new ArrayList<>();
    try {
      // every replica of the chart's Deployment serves the webhook: an endpoint of its Service once ready
      String kubeconfig = controlPlane.tokenKubeconfig(release.serviceAccountToken(admin));
      for (int i = 0; i < release.deployment().getSpec().getReplicas(); i++) {
        replicas.add(OperatorProcess.start(release.deployment(), release.fullname() + "-" + i, kubeconfig,
            controlPlane.directory()));
      }
      for (OperatorProcess replica : replicas) {
        await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(200)).untilAsserted(() -> {
          assertThat(replica.alive()).as(() -> replica.name() + " is running (exited " + exit(replica) + ")\n"
              + replica.log()).isTrue();
          assertThat(replica.ready()).as(replica.name() + " /readyz").isTrue();
        });
        controlPlane.serviceProxy().addEndpoint(release.namespace(), service, "webhook", replica.webhookPort());
      }
      ns = cluster.namespace("storm", Map.of());
      int probes = prepare(admin, ns, replicas.size());

      Map<String, Long> arrivals = new ConcurrentHashMap<>();
      watches.add(admin.pods().inNamespace(ns).inform(new Handler<>(pod -> arrivals.putIfAbsent(
          pod.getMetadata().getName(), System.nanoTime()), null)));
      // the leader writes the Instrumentation's status (the fleet view's counts) while the pods arrive
      AtomicInteger statusWrites = new AtomicInteger();
      watches.add(admin.resources(Instrumentation.class).inNamespace(ns).inform(
          new Handler<>(null, statusWrites::incrementAndGet)));
      Scrapes before = scrape(admin, replicas);

      long start = System.nanoTime();
      admin.apps().deployments().inNamespace(ns).withName("storm").edit(d -> {
        d.getSpec().setReplicas(count);
        return d;
      });
      await().atMost(Duration.ofMinutes(10)).pollInterval(Duration.ofMillis(100)).until(() -> arrivals.size() >= count);
      Scrapes after = scrape(admin, replicas);
      int writes = statusWrites.get();

      // zero pods admitted uninstrumented
      List<Pod> pods = admin.pods().inNamespace(ns).list().getItems();
      List<String> uninstrumented = new ArrayList<>();
      for (Pod pod : pods) {
        String why = injected(pod);
        if (why != null) {
          uninstrumented.add(pod.getMetadata().getName() + ": " + why);
        }
      }
      System.out.printf("the chart's operator: %d replicas behind its webhook Service (failurePolicy %s, timeout %d s);"
          + " %d dry-run probes answered injected before the storm; %d Instrumentation updates while the pods"
          + " arrived%n", replicas.size(), webhook(admin, release).getFailurePolicy(),
          webhook(admin, release).getTimeoutSeconds(), probes, writes);
      uninstrumented.stream().limit(20).forEach(line -> System.out.println("  uninstrumented " + line));
      Histogram apiserver = report(before, after, arrivals, start, replicas, pods.size(), uninstrumented.size());

      assertThat(pods).as("pods of the Deployment").hasSize(count);
      assertThat(uninstrumented).as("pods admitted without the agent").isEmpty();
      assertThat(apiserver.total()).as("calls of the webhook the API server counted").isGreaterThanOrEqualTo(count);
    } finally {
      watches.forEach(SharedIndexInformer::close);
      if (ns != null) {
        admin.namespaces().withName(ns).delete();
      }
      release.uninstall(admin);
      for (OperatorProcess replica : replicas) {
        controlPlane.serviceProxy().removeEndpoint(release.namespace(), service, replica.webhookPort());
        replica.close();
      }
      cluster.resumeOperator();
    }
  }

  private static Integer exit(OperatorProcess replica) {
    try {
      return replica.awaitExit(Duration.ZERO);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return null;
    }
  }

  /**
   * The Instrumentation, Ready; the Deployment at 0 replicas with its ReplicaSet (what follows is the ReplicaSet
   * controller's work); pods of its template created with dryRun=All until they come back injected, a few per
   * replica. Returns the number of probes.
   */
  private static int prepare(KubernetesClient admin, String ns, int replicas) {
    Scenario.createInstrumentation(ns, "java", "http://collector.observability:4318");
    await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
      Instrumentation found = admin.resources(Instrumentation.class).inNamespace(ns).withName("java").get();
      Condition ready = found.getStatus() == null ? null : Conditions.get(found.getStatus().getConditions(), "Ready");
      assertThat(ready).isNotNull();
      assertThat(ready.getStatus()).isEqualTo("True");
    });
    Deployment deployment = Scenario.deployment(ns, "storm", Map.of("instrumentor.dev/inject-java", "true"), app());
    deployment.getSpec().setReplicas(0);
    admin.resource(deployment).create();
    await().atMost(Duration.ofSeconds(60)).until(() -> !admin.apps().replicaSets().inNamespace(ns).list()
        .getItems().isEmpty());
    int probes = 0;
    for (int i = 0; i < replicas * 4; i++) {
      await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(250))
          .until(() -> injected(admin.pods().inNamespace(ns).resource(probe(ns)).dryRun().create()) == null);
      probes++;
    }
    return probes;
  }

  /** Prints what the scrapes and the watch saw, the summary line last; returns the API server's histogram. */
  private static Histogram report(Scrapes before, Scrapes after, Map<String, Long> arrivals, long start,
      List<OperatorProcess> replicas, int pods, int uninstrumented) throws IOException {
    long last = arrivals.values().stream().mapToLong(Long::longValue).max().orElseThrow();
    long first = arrivals.values().stream().mapToLong(Long::longValue).min().orElseThrow();
    double wall = (last - start) / 1e9;
    Histogram apiserver = Histogram.of(after.apiserver, before.apiserver,
        "apiserver_admission_webhook_admission_duration_seconds", AdmissionStormBenchmark::ourAdmit);
    Histogram podPosts = Histogram.of(after.apiserver, before.apiserver, "apiserver_request_duration_seconds",
        labels -> label(labels, "verb", "POST") && label(labels, "resource", "pods") && label(labels, "subresource", "")
            && label(labels, "dry_run", ""));
    Histogram ours = Histogram.of(after.operators, before.operators, "instrumentor_webhook_request_duration_seconds",
        labels -> true);
    double rejectedCalls = delta(before.apiserver, after.apiserver,
        "apiserver_admission_webhook_admission_duration_seconds_count",
        labels -> ourAdmit(labels) && label(labels, "rejected", "true"));
    double rejections = delta(before.apiserver, after.apiserver, "apiserver_admission_webhook_rejection_count",
        AdmissionStormBenchmark::ourAdmit);
    double failOpen = delta(before.apiserver, after.apiserver, "apiserver_admission_webhook_fail_open_count",
        AdmissionStormBenchmark::ourAdmit);
    Map<String, Double> codes = byLabel(before.apiserver, after.apiserver, "apiserver_admission_webhook_request_total",
        "code", AdmissionStormBenchmark::ourAdmit);
    // the API server reaches the webhook's Service through its egress selector: a dial is a new connection
    double dials = delta(before.apiserver, after.apiserver, "apiserver_egress_dialer_dial_start_total", labels -> true);
    Histogram dialTimes = Histogram.of(after.apiserver, before.apiserver, "apiserver_egress_dialer_dial_duration_seconds",
        labels -> true);
    Histogram serviceLists = Histogram.of(after.apiserver, before.apiserver, "apiserver_request_duration_seconds",
        labels -> label(labels, "verb", "LIST") && label(labels, "resource", "services"));
    Map<String, Double> outcomes = byLabel(before.operators, after.operators, "instrumentor_webhook_requests_total",
        "outcome", labels -> true);

    System.out.printf("pods seen by a watch, per 5 s after the scale-up: %s (first after %.2f s)%n",
        timeline(arrivals, start), (first - start) / 1e9);
    System.out.printf("API server, webhook %s admit: %s [buckets %s s]; %.2f calls per pod (reinvocationPolicy"
        + " IfNeeded); rejected calls %.0f, rejection_count %.0f, fail_open_count %.0f, calls by code %s%n", WEBHOOK,
        apiserver.describe(), apiserver.bounds(), apiserver.total() / pods, rejectedCalls, rejections, failOpen, codes);
    System.out.printf("API server, pod POST (whole request): %s%n", podPosts.describe());
    System.out.printf("API server, new connections to the webhook (egress dials): %.0f, dial %s; the proxy's LIST of"
        + " Services as the API server timed it: %s%n", dials, dialTimes.describe(), serviceLists.describe());
    System.out.printf("webhook server (handling, all replicas): %s [buckets %s s]; outcomes %s%n", ours.describe(),
        ours.bounds(), outcomes);
    StringBuilder cpu = new StringBuilder();
    after.cpu.forEach((process, ticks) -> cpu.append(String.format("%s %.1f s, ", process,
        (ticks - before.cpu.getOrDefault(process, 0L)) / TICKS)));
    System.out.printf("CPU from the scale-up to the last pod (%d cores, %.0f core-seconds): %s%n",
        Runtime.getRuntime().availableProcessors(), Runtime.getRuntime().availableProcessors() * wall,
        cpu.toString().replaceAll(", $", ""));
    for (OperatorProcess replica : replicas) {
      System.out.printf("  %s: peak RSS %d MiB%n", replica.name(), replica.peakRssKiB() / 1024);
    }
    System.out.printf("storm: %d pods in %.1f s (%.1f pods/s) | API server webhook p50 %s, p99 %s (%.0f calls, %.0f on"
        + " a new connection, dial p50 %s) | webhook server p50 %s, p99 %s | fail-open %.0f | uninstrumented %d/%d%n",
        pods, wall, pods / wall, apiserver.quantile(0.5), apiserver.quantile(0.99), apiserver.total(), dials,
        dialTimes.quantile(0.5), ours.quantile(0.5), ours.quantile(0.99), failOpen, uninstrumented, pods);
    // BENCHMARKS.md's row, written before anything is asserted so that a failed storm shows as not met
    StringBuilder peaks = new StringBuilder();
    for (OperatorProcess replica : replicas) {
      peaks.append(peaks.length() == 0 ? "" : " and ").append(replica.peakRssKiB() / 1024);
    }
    BenchmarkRow.write("storm", String.format(Locale.ROOT, "A storm on the real API server: %,d pods from one"
            + " Deployment scale-up, none admitted uninstrumented (p99 of the admission as kube-apiserver times it)", pods),
        String.format(Locale.ROOT, "%d of %d uninstrumented, fail-open %.0f; kube-apiserver's webhook call p50 %s,"
                + " p99 %s (%.0f calls, %.0f on a new connection); the webhook server's handling p50 %s, p99 %s; the"
                + " last pod %.1f s after the scale-up; peak RSS %s MiB (%d replicas)", uninstrumented, pods, failOpen,
            apiserver.quantile(0.5), apiserver.quantile(0.99), apiserver.total(), dials, ours.quantile(0.5),
            ours.quantile(0.99), wall, peaks, replicas.size()),
        uninstrumented == 0 && failOpen == 0 && pods > 0,
        "benchmarks/run.sh storm (root): the e2e control plane (kube-apiserver, controller-manager, etcd; no kubelet,"
            + " so the pods stay Pending), the chart's operator with its flags, replicas and ServiceAccount behind the"
            + " chart's webhook Service, the ReplicaSet controller creating the pods at its default 20 API calls a"
            + " second; kube-apiserver's apiserver_admission_webhook_admission_duration_seconds and the webhook's"
            + " instrumentor_webhook_request_duration_seconds, scraped before and after (quantiles: the bucket, and"
            + " Prometheus's estimate within it); every pod read back for the agent");
    return apiserver;
  }

  /** The app container: a dozen settings and requests, as a typical service's. */
  private static Container app() {
    List<EnvVar> env = new ArrayList<>();
    for (int i = 0; i < 12; i++) {
      env.add(new EnvVarBuilder().withName("SETTING_" + i).withValue("value-of-a-typical-setting-" + i).build());
    }
    Container app = Scenario.app("app", env.toArray(EnvVar[]::new));
    app.setResources(new ResourceRequirementsBuilder()
        .addToRequests("cpu", new Quantity("100m")).addToRequests("memory", new Quantity("256Mi")).build());
    return app;
  }

  /** A pod as the ReplicaSet would make it, for a dry run. */
  private static Pod probe(String ns) {
    return new PodBuilder().withNewMetadata().withGenerateName("storm-probe-").withNamespace(ns)
        .addToAnnotations("instrumentor.dev/inject-java", "true").endMetadata()
        .withNewSpec().withContainers(app()).endSpec().build();
  }

  /** Null when {@code pod} has the agent as an injected Java pod has it; else what is missing. */
  private static String injected(Pod pod) {
    List<String> missing = new ArrayList<>();
    if (pod.getSpec().getInitContainers() == null
        || pod.getSpec().getInitContainers().stream().noneMatch(c -> c.getName().equals(INIT_CONTAINER))) {
      missing.add("no " + INIT_CONTAINER + " init container");
    }
    String options = pod.getSpec().getContainers().get(0).getEnv().stream()
        .filter(var -> var.getName().equals("JAVA_TOOL_OPTIONS")).map(EnvVar::getValue).findFirst().orElse("");
    if (!options.contains(AGENT)) {
      missing.add("JAVA_TOOL_OPTIONS without the agent");
    }
    String status = pod.getMetadata().getAnnotations() == null ? null : pod.getMetadata().getAnnotations().get(STATUS);
    try {
      JsonNode java = status == null ? null : JSON.readTree(status).path("java");
      if (java == null || !"injected".equals(java.path("status").asText())) {
        missing.add("injection-status " + status);
      }
    } catch (Exception e) {
      missing.add("injection-status unreadable: " + status);
    }
    return missing.isEmpty() ? null : String.join(", ", missing);
  }

  private static MutatingWebhook webhook(KubernetesClient admin, ChartRelease release) {
    return admin.admissionRegistration().v1().mutatingWebhookConfigurations().withName(release.fullname()).get()
        .getWebhooks().get(0);
  }

  /** kube-apiserver's /metrics, every replica's (concatenated), and the CPU ticks of the processes. */
  private record Scrapes(String apiserver, String operators, Map<String, Long> cpu) {
  }

  /** Clock ticks per second, as /proc counts CPU time (USER_HZ, 100 on Linux). */
  private static final double TICKS = 100.0;

  /**
   * CPU time (user + system, in ticks) of this JVM and the processes it started: the control plane's
   * (kube-apiserver, etcd, kube-controller-manager) and every operator replica, by name.
   */
  private static Map<String, Long> cpuTicks(List<OperatorProcess> replicas) {
    Map<String, Long> ticks = new TreeMap<>();
    ticks.put("test JVM", ticks(ProcessHandle.current().pid()));
    ProcessHandle.current().descendants().forEach(process -> {
      String name = replicas.stream().filter(r -> r.pid() == process.pid()).map(OperatorProcess::name).findFirst()
          .orElseGet(() -> process.info().command().map(c -> c.substring(c.lastIndexOf('/') + 1)).orElse("?"));
      if (name.startsWith("kube-") || name.equals("etcd") || name.startsWith("storm-")) {
        ticks.merge(name, ticks(process.pid()), Long::sum);
      }
    });
    return ticks;
  }

  private static long ticks(long pid) {
    try {
      String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
      String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
      return Long.parseLong(fields[11]) + Long.parseLong(fields[12]); // utime, stime (fields 14 and 15)
    } catch (IOException | RuntimeException e) {
      return 0;
    }
  }

  private static Scrapes scrape(KubernetesClient admin, List<OperatorProcess> replicas) throws Exception {
    StringBuilder operators = new StringBuilder();
    for (OperatorProcess replica : replicas) {
      operators.append(replica.metrics()).append('\n');
    }
    return new Scrapes(admin.raw(admin.getMasterUrl() + "metrics"), operators.toString(), cpuTicks(replicas));
  }

  private static boolean ourAdmit(String labels) {
    return label(labels, "name", WEBHOOK) && label(labels, "type", "admit");
  }

  /** Whether a series' label set ({@code a="x",b="y"}) has {@code key="value"}; an absent key reads as "". */
  private static boolean label(String labels, String key, String value) {
    Matcher matcher = Pattern.compile("(?:^|,)" + Pattern.quote(key) + "=\"([^\"]*)\"").matcher(labels);
    return matcher.find() ? matcher.group(1).equals(value) : value.isEmpty();
  }

  private static final Pattern SERIES = Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\\{(.*)})?\\s+(\\S+)");

  /** The sum of every series of {@code metric} whose labels pass {@code labels}. */
  private static double sum(String text, String metric, Predicate<String> labels) {
    return series(text, metric, labels).values().stream().mapToDouble(Double::doubleValue).sum();
  }

  private static double delta(String before, String after, String metric, Predicate<String> labels) {
    return sum(after, metric, labels) - sum(before, metric, labels);
  }

  /** Label set to value, for the series of {@code metric} (repeated label sets, e.g. of two replicas, add up). */
  private static Map<String, Double> series(String text, String metric, Predicate<String> labels) {
    Map<String, Double> found = new TreeMap<>();
    for (String line : text.split("\n")) {
      Matcher matcher = SERIES.matcher(line);
      if (!line.startsWith("#") && matcher.find() && matcher.group(1).equals(metric)) {
        String set = matcher.group(2) == null ? "" : matcher.group(2);
        if (labels.test(set)) {
          found.merge(set, number(matcher.group(3)), Double::sum);
        }
      }
    }
    return found;
  }

  private static Map<String, Double> byLabel(String before, String after, String metric, String key,
      Predicate<String> labels) {
    Map<String, Double> counts = new TreeMap<>();
    Pattern value = Pattern.compile("(?:^|,)" + Pattern.quote(key) + "=\"([^\"]*)\"");
    series(after, metric, labels).forEach((set, n) -> add(counts, value, set, n));
    series(before, metric, labels).forEach((set, n) -> add(counts, value, set, -n));
    counts.values().removeIf(n -> n == 0);
    return counts;
  }

  private static void add(Map<String, Double> counts, Pattern value, String set, double n) {
    Matcher matcher = value.matcher(set);
    counts.merge(matcher.find() ? matcher.group(1) : "", n, Double::sum);
  }

  private static double number(String text) {
    return switch (text) {
      case "+Inf" -> Double.POSITIVE_INFINITY;
      case "-Inf" -> Double.NEGATIVE_INFINITY;
      default -> Double.parseDouble(text);
    };
  }

  /** Pods first seen per 5 s window after the scale-up. */
  private static String timeline(Map<String, Long> arrivals, long start) {
    TreeMap<Long, Integer> windows = new TreeMap<>();
    arrivals.values().forEach(at -> windows.merge((at - start) / 5_000_000_000L, 1, Integer::sum));
    List<Integer> counts = new ArrayList<>();
    for (long w = 0; w <= windows.lastKey(); w++) {
      counts.add(windows.getOrDefault(w, 0));
    }
    return counts.toString();
  }

  /** Runs {@code added} on each object added, {@code updated} on each update (either may be null). */
  private record Handler<T>(Consumer<T> added, Runnable updated) implements ResourceEventHandler<T> {
    @Override
    public void onAdd(T object) {
      if (added != null) {
        added.accept(object);
      }
    }

    @Override
    public void onUpdate(T before, T after) {
      if (updated != null) {
        updated.run();
      }
    }

    @Override
    public void onDelete(T object, boolean deletedFinalStateUnknown) {
    }
  }

  /** The delta of a Prometheus histogram between two scrapes: cumulative counts by upper bound. */
  private record Histogram(TreeMap<Double, Double> cumulative) {

    static Histogram of(String after, String before, String metric, Predicate<String> labels) {
      TreeMap<Double, Double> cumulative = new TreeMap<>();
      Pattern le = Pattern.compile("(?:^|,)le=\"([^\"]*)\"");
      for (int sign : new int[] {1, -1}) {
        series(sign > 0 ? after : before, metric + "_bucket", labels).forEach((set, n) -> {
          Matcher matcher = le.matcher(set);
          if (matcher.find()) {
            cumulative.merge(number(matcher.group(1)), sign * n, Double::sum);
          }
        });
      }
      return new Histogram(cumulative);
    }

    double total() {
      return cumulative.isEmpty() ? 0 : cumulative.lastEntry().getValue();
    }

    String bounds() {
      return cumulative.keySet().stream().filter(Double::isFinite).map(b -> String.valueOf(b).replaceAll("\\.0$", ""))
          .toList().toString().replace(" ", "");
    }

    /**
     * The {@code q} quantile as the bucket that holds it, {@code (lower, upper] ms}, and Prometheus's
     * histogram_quantile estimate (linear within the bucket) after a {@code ~}.
     */
    String quantile(double q) {
      double total = total();
      if (total == 0) {
        return "n/a";
      }
      double rank = q * total;
      double lower = 0;
      double below = 0;
      for (Map.Entry<Double, Double> bucket : cumulative.entrySet()) {
        if (bucket.getValue() >= rank) {
          double upper = bucket.getKey();
          if (Double.isInfinite(upper)) {
            return String.format("> %s ms", ms(lower));
          }
          double estimate = lower + (upper - lower) * (rank - below) / Math.max(bucket.getValue() - below, 1e-9);
          return String.format("~%s ms in (%s, %s] ms", ms(estimate), ms(lower), ms(upper));
        }
        lower = bucket.getKey();
        below = bucket.getValue();
      }
      return "n/a";
    }

    String describe() {
      return String.format("n=%.0f, p50 %s, p90 %s, p99 %s, max bucket %s", total(), quantile(0.5), quantile(0.9),
          quantile(0.99), maxBucket());
    }

    private String maxBucket() {
      double lower = 0;
      double below = 0;
      String last = "none";
      for (Map.Entry<Double, Double> bucket : cumulative.entrySet()) {
        if (bucket.getValue() > below) {
          last = "(" + ms(lower) + ", " + (Double.isInfinite(bucket.getKey()) ? "inf" : ms(bucket.getKey())) + "] ms";
        }
        lower = bucket.getKey();
        below = bucket.getValue();
      }
      return last;
    }

    private static String ms(double seconds) {
      double ms = seconds * 1000;
      return ms >= 10 ? String.format("%.0f", ms) : String.format("%.2g", ms);
    }
  }
}
