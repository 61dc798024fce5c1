package dev.instrumentor.e2e.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.instrumentor.api.v1alpha1.Instrumentation;
import dev.instrumentor.e2e.harness.ChartRelease;
import dev.instrumentor.e2e.harness.ControlPlane;
import dev.instrumentor.e2e.harness.E2eCluster;
import dev.instrumentor.e2e.harness.OperatorProcess;
import dev.instrumentor.e2e.harness.RealCluster;
import dev.instrumentor.e2e.harness.Scenario;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.EnvVarBuilder;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * Not part of the suite (its name is no *Test): the memory the fleet view's pod cache costs. Creates
 * {@code fleet.pods} (10,000) pods that ask for Java on the real API server, then runs the chart's operator
 * (its flags and memory limit) with the fleet view off (as before it existed) and on, and reads each
 * one's resident set once it counted them. Run: {@code benchmarks/run.sh fleet}.
 */
class FleetMemoryBenchmark {

  @Test
  void rssWithTenThousandPods() throws Exception {
    E2eCluster any = E2eCluster.fromEnvironment();
    assumeTrue(any instanceof RealCluster real && real.controlPlane() != null, "needs the e2e control plane");
    RealCluster cluster = (RealCluster) any;
    var controlPlane = cluster.controlPlane();
    var admin = cluster.client();
    cluster.pauseOperator();
    int count = Integer.getInteger("fleet.pods", 10_000);
    String ns = cluster.namespace("fleet-memory", Map.of());
    Scenario.createInstrumentation(ns, "java", "http://collector.observability:4318");
    List<EnvVar> env = new ArrayList<>();
    for (int i = 0; i < 12; i++) {
      env.add(new EnvVarBuilder().withName("SETTING_" + i).withValue("value-of-a-typical-setting-" + i).build());
    }
    // as a cluster's pods share their ReplicaSet: 50 controller owners (ConfigMaps, which no controller manages:
    // a ReplicaSet's controller would delete pods it did not make); -Dfleet.bare=true makes every pod its own workload
    boolean bare = Boolean.getBoolean("fleet.bare");
    List<OwnerReference> owners = new ArrayList<>();
    for (int i = 0; i < 50 && !bare; i++) {
      ConfigMap owner = admin.configMaps().inNamespace(ns).resource(new ConfigMapBuilder().withNewMetadata()
          .withName("shop-" + i + "-5d8f7c9b4").endMetadata().build()).create();
      owners.add(new OwnerReferenceBuilder().withApiVersion("v1").withKind("ConfigMap")
          .withName(owner.getMetadata().getName()).withUid(owner.getMetadata().getUid()).withController(true)
          .withBlockOwnerDeletion(true).build());
    }
    long created = System.nanoTime();
    ExecutorService pool = Executors.newFixedThreadPool(16);
    for (int i = 0; i < count; i++) {
      int n = i;
      pool.submit(() -> admin.pods().inNamespace(ns).resource(new PodBuilder().withNewMetadata()
          .withName(bare ? "app-" + n : "shop-" + n % 50 + "-5d8f7c9b4-" + Integer.toString(n, 36))
          .withOwnerReferences(bare ? List.of() : List.of(owners.get(n % 50)))
          .addToLabels("app", "shop-" + n % 50).addToLabels("team", "payments")
          .addToLabels("pod-template-hash", "5d8f7c9b4")
          .addToAnnotations("instrumentor.dev/inject-java", "true")
          .addToAnnotations("prometheus.io/scrape", "true").endMetadata()
          .withNewSpec().addNewContainer().withName("app").withImage("registry.example.com/shop/app:1.0." + n % 50)
          .withEnv(env).withNewResources().addToRequests("cpu", new Quantity("100m"))
          .addToRequests("memory", new Quantity("256Mi")).endResources().endContainer()
          .endSpec().build()).create());
    }
    pool.shutdown();
    assertThat(pool.awaitTermination(30, TimeUnit.MINUTES)).isTrue();
    System.out.printf("created %d pods (%s) in %.1f s%n", count, bare ? "bare" : "50 owners",
        (System.nanoTime() - created) / 1e9);

    ChartRelease release = ChartRelease.render("mem", "instrumentor-memory", controlPlane.kubernetesVersion(), Map.of());
    release.install(admin);
    try {
      // -Dfleet.off=false skips the run without the view (its figures are then zero)
      long[] off = Boolean.parseBoolean(System.getProperty("fleet.off", "true"))
          ? measure(release, controlPlane, admin, false, ns, count) : new long[3];
      long[] on = measure(release, controlPlane, admin, true, ns, count);
      Quantity limit = release.deployment().getSpec().getTemplate().getSpec().getContainers().get(0).getResources()
          .getLimits().get("memory");
      String measured;
      if (off[0] == 0) {
        System.out.printf("RSS with %d pods, fleet view on: %d MiB; peak %d MiB%n", count, on[0] / 1024, on[2] / 1024);
        measured = String.format(Locale.ROOT, "RSS %d MiB (peak %d MiB); live heap %,d KiB", on[0] / 1024,
            on[2] / 1024, on[1]);
      } else {
        System.out.printf("RSS with %d pods: fleet view off %d MiB, on %d MiB (%+d MiB, %.2fx); peak %d MiB (limit %s)%n",
            count, off[0] / 1024, on[0] / 1024, (on[0] - off[0]) / 1024, on[0] / (double) off[0], on[2] / 1024, limit);
        System.out.printf("fleet view per pod: live heap %,d bytes (%,d vs %,d KiB after a full GC), RSS %,d bytes%n",
            (on[1] - off[1]) * 1024 / count, on[1], off[1], (on[0] - off[0]) * 1024 / count);
        measured = String.format(Locale.ROOT, "RSS %d MiB with the view (peak %d MiB), %d MiB without (peak %d);"
                + " live heap %,d against %,d KiB, %+,d bytes a pod (what the view loads once included)", on[0] / 1024,
            on[2] / 1024, off[0] / 1024, off[2] / 1024, on[1], off[1], (on[1] - off[1]) * 1024 / count);
      }
      BenchmarkRow.write("fleet", String.format(Locale.ROOT, "The fleet view on the real API server: %,d pods, the"
              + " operator's peak RSS within the chart's limit (%s)", count, limit), measured,
          on[2] * 1024 <= Quantity.getAmountInBytes(limit).longValue(),
          "benchmarks/run.sh fleet (root; -Dfleet.pods=N): the pods created on the e2e control plane (no kubelet) with"
              + " 50 controller owners, each asking for Java; the chart's operator (its flags, memory limit and"
              + " ServiceAccount) with the fleet view off, then on; RSS 35 s after the view counted every pod, the live"
              + " heap the least of four full GCs; the cost per pod by slope is the mock API server's row");
    } finally {
      release.uninstall(admin);
      admin.namespaces().withName(ns).delete();
      cluster.resumeOperator();
    }
  }

  /** {RSS KiB, live heap KiB after a full GC, peak RSS KiB}. */
  private static long[] measure(ChartRelease release, ControlPlane controlPlane,
      KubernetesClient admin, boolean fleetView, String ns, int count) throws Exception {
    Deployment deployment = release.deployment();
    deployment.getSpec().getTemplate().getSpec().getContainers().get(0).getEnv()
        .add(new EnvVarBuilder().withName("INSTRUMENTOR_FLEET_VIEW").withValue(String.valueOf(fleetView)).build());
    deployment.getSpec().getTemplate().getSpec().getContainers().get(0).getEnv()
        .removeIf(var -> var.getName().equals("INSTRUMENTOR_FLEET_VIEW") && !var.getValue().equals(String.valueOf(fleetView)));
    // -Dfleet.jvm="-XX:+HeapDumpOnOutOfMemoryError ..." adds JVM options after the chart's (so that they win)
    String extra = System.getProperty("fleet.jvm", "").trim();
    List<String> command = deployment.getSpec().getTemplate().getSpec().getContainers().get(0).getCommand();
    if (!extra.isEmpty() && !command.containsAll(List.of(extra.split("\\s+")))) {
      command.addAll(command.indexOf("-jar"), List.of(extra.split("\\s+")));
    }
    try (OperatorProcess operator = OperatorProcess.start(deployment, release.fullname() + (fleetView ? "-on" : "-off"),
        controlPlane.tokenKubeconfig(release.serviceAccountToken(admin)), controlPlane.directory())) {
      AtomicReference<String> last = new AtomicReference<>("");
      Thread sampler = new Thread(() -> {
        while (Boolean.getBoolean("fleet.histogram") && operator.alive()) {
          try {
            Process jcmd = new ProcessBuilder("jcmd", String.valueOf(operator.pid()), "GC.class_histogram")
                .redirectErrorStream(true).start();
            String histogram = new String(jcmd.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (histogram.contains("#instances")) {
              last.set(String.join("\n", histogram.lines().limit(30).toList()));
            }
            Thread.sleep(300);
          } catch (Exception e) {
            return;
          }
        }
      });
      sampler.setDaemon(true);
      sampler.start();
      Duration patience = Duration.ofSeconds(Math.max(120, count / 200));
      await().atMost(patience).pollInterval(Duration.ofMillis(200)).untilAsserted(() -> {
        if (!operator.alive()) {
          System.out.println("last live histogram before exit:\n" + last.get());
        }
        assertThat(operator.alive()).as(operator.log()).isTrue();
        assertThat(operator.ready()).isTrue();
      });
      if (fleetView) {
        await().atMost(patience).pollInterval(Duration.ofSeconds(1)).untilAsserted(() -> {
          if (!operator.alive()) {
            System.out.println("last live histogram before exit:\n" + last.get());
          }
          assertThat(operator.alive()).as("running").isTrue();
          Instrumentation found = admin.resources(Instrumentation.class).inNamespace(ns).withName("java").get();
          assertThat(found.getStatus()).isNotNull();
          assertThat(found.getStatus().getMissed()).as("every pod counted").isEqualTo(count);
        });
      }
      // settled: informers synced, a few GCs, and past the chart's first trim of the C heap (30 s from the start)
      Thread.sleep(35_000);
      if (Boolean.getBoolean("fleet.histogram")) {
        Process jcmd = new ProcessBuilder("jcmd", String.valueOf(operator.pid()), "GC.class_histogram")
            .redirectErrorStream(true).start();
        String histogram = new String(jcmd.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        System.out.println(String.join("\n", histogram.lines().limit(25).toList()));
      }
      long rss = operator.rssKiB();
      long live = liveHeapKiB(operator.pid());
      System.out.printf("fleet view %s: RSS %d MiB, peak %d MiB, live heap %d KiB%n", fleetView ? "on" : "off", rss / 1024,
          operator.peakRssKiB() / 1024, live);
      return new long[] {rss, live, operator.peakRssKiB()};
    }
  }

  /**
   * Heap used after a full GC that compacted everything (GC.heap_info: young and old generations): the least of
   * four jcmd GC.run. The serial collector leaves up to 5 % of the old generation as uncompacted dead objects
   * (-XX:MarkSweepDeadRatio) except on every fourth full GC (-XX:MarkSweepAlwaysCompactCount).
   */
  private static long liveHeapKiB(long pid) throws Exception {
    long least = Long.MAX_VALUE;
    for (int i = 0; i < 4; i++) {
      jcmd(pid, "GC.run");
      least = Math.min(least, heapUsedKiB(pid));
    }
    return least;
  }

  private static long heapUsedKiB(long pid) throws Exception {
    long used = 0;
    for (String line : jcmd(pid, "GC.heap_info").split("\n")) {
      java.util.regex.Matcher matcher = java.util.regex.Pattern.compile("generation\\s+total \\d+K, used (\\d+)K")
          .matcher(line);
      if (matcher.find()) {
        used += Long.parseLong(matcher.group(1));
      }
    }
    return used;
  }

  private static String jcmd(long pid, String command) throws Exception {
    Process jcmd = new ProcessBuilder("jcmd", String.valueOf(pid), command).redirectErrorStream(true).start();
    String output = new String(jcmd.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    jcmd.waitFor(60, TimeUnit.SECONDS);
    return output;
  }
}
