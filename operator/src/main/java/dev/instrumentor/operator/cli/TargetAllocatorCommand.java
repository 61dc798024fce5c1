package dev.instrumentor.operator.cli;

import dev.instrumentor.operator.targetallocator.TargetAllocator;
import dev.instrumentor.operator.targetallocator.TargetAllocatorApi;
import dev.instrumentor.operator.targetallocator.TargetAllocatorConfig;
import dev.instrumentor.webhook.http.HttpEndpointServer;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code instrumentor target-allocator}: a collector's target allocator, the same image as the operator (one image
 * to build, scan and pull; the JVM's start and memory are the price, as measured in the README). Reads the config
 * file the operator writes (the OpenTelemetry Operator's allocator format), discovers targets and the collector's
 * pods with the API server, serves the assignment on plain HTTP (a ClusterIP Service in front).
 */
@Command(name = "target-allocator", sortOptions = false, mixinStandardHelpOptions = true,
    versionProvider = BuildInfo.class,
    description = {"Run a target allocator: spread a collector's Prometheus scrape targets over its pods.",
        "Exit code 2 when the config file is invalid."})
final class TargetAllocatorCommand implements Callable<Integer> {

  private static final Logger LOG = LoggerFactory.getLogger(TargetAllocatorCommand.class);
  private static final HttpEndpointServer.Limits LIMITS = new HttpEndpointServer.Limits(64 * 1024, 1024 * 1024, 256,
      Duration.ofSeconds(5), Duration.ofSeconds(10), Duration.ofSeconds(120));

  @Option(names = "--config", required = true, paramLabel = "FILE",
      description = "The allocator's config: collector_selector, collector_namespace, config.scrape_configs,"
          + " allocation_strategy.")
  Path config;

  @Option(names = "--listen", paramLabel = "HOST:PORT", description = "Where the API listens (default: ${DEFAULT-VALUE}).")
  String listen = "0.0.0.0:8080";

  @Override
  public Integer call() throws IOException, InterruptedException {
    TargetAllocatorConfig parsed;
    try {
      parsed = TargetAllocatorConfig.read(config);
    } catch (IllegalArgumentException | IOException e) {
      System.err.println("target-allocator: " + config + ": " + e.getMessage());
      return 2;
    }
    int colon = listen.lastIndexOf(':');
    InetSocketAddress address = new InetSocketAddress(listen.substring(0, colon), Integer.parseInt(listen.substring(colon + 1)));
    CountDownLatch stopped = new CountDownLatch(1);
    try (KubernetesClient client = new KubernetesClientBuilder().build();
        TargetAllocator allocator = new TargetAllocator(client, parsed);
        HttpEndpointServer server = new HttpEndpointServer("target-allocator", address, null, LIMITS, 1,
            new TargetAllocatorApi(parsed, allocator::snapshot)).start()) {
      LOG.info("target allocator for pods {} in {} ({} jobs, {}) listening on {}", parsed.collectorSelector(),
          parsed.collectorNamespace(), parsed.jobs().size(), parsed.allocationStrategy(), server.port());
      Runtime.getRuntime().addShutdownHook(new Thread(stopped::countDown, "shutdown"));
      stopped.await();
    }
    return 0;
  }
}
