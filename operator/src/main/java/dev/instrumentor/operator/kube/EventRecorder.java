package dev.instrumentor.operator.kube;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.MicroTime;
import io.fabric8.kubernetes.api.model.ObjectReference;
import io.fabric8.kubernetes.api.model.ObjectReferenceBuilder;
import io.fabric8.kubernetes.api.model.events.v1.Event;
import io.fabric8.kubernetes.api.model.events.v1.EventBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Emits Kubernetes Events (events.k8s.io/v1) off the caller's thread: {@link #record} only enqueues,
 * so the admission path never waits on the API server. The same (object, reason, message) is sent
 * at most once per {@code dedupWindow}; when the queue is full, events are dropped and counted.
 */
public final class EventRecorder implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(EventRecorder.class);
  private static final DateTimeFormatter MICRO_TIME =
      DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSSSS'Z'").withZone(ZoneOffset.UTC);
  public static final String REPORTING_CONTROLLER = "instrumentor.dev/operator";

  private final KubernetesClient client;
  private final String instance;
  private final Duration dedupWindow;
  private final Clock clock;
  private final BlockingQueue<Event> queue = new ArrayBlockingQueue<>(1000);
  private final Map<String, Instant> recent = new LinkedHashMap<>(256, 0.75f, true) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<String, Instant> eldest) {
      return size() > 4096;
    }
  };
  private final Thread sender;
  private volatile boolean running = true;
  private long dropped;

  public EventRecorder(KubernetesClient client, String instance, Duration dedupWindow, Clock clock) {
    this.client = client;
    this.instance = instance;
    this.dedupWindow = dedupWindow;
    this.clock = clock;
    this.sender = new Thread(this::send, "event-recorder");
    this.sender.setDaemon(true);
    this.sender.start();
  }

  /** Records an event about {@code object}; returns at once. */
  public void record(HasMetadata object, String type, String reason, String action, String message) {
    record(new ObjectReferenceBuilder().withApiVersion(object.getApiVersion()).withKind(object.getKind())
        .withNamespace(object.getMetadata().getNamespace()).withName(object.getMetadata().getName())
        .withUid(object.getMetadata().getUid()).build(), type, reason, action, message);
  }

  public void record(ObjectReference regarding, String type, String reason, String action, String message) {
    String key = regarding.getNamespace() + "/" + regarding.getKind() + "/" + regarding.getName() + "/" + reason + "/" + message;
    Instant now = Instant.now(clock);
    synchronized (recent) {
      Instant last = recent.get(key);
      if (last != null && last.plus(dedupWindow).isAfter(now)) {
        return;
      }
      recent.put(key, now);
    }
    String namespace = regarding.getNamespace() == null ? "default" : regarding.getNamespace();
    Event event = new EventBuilder()
        .withNewMetadata()
          .withName((regarding.getName() == null ? "instrumentor" : regarding.getName()) + "."
              + UUID.randomUUID().toString().substring(0, 8))
          .withNamespace(namespace)
        .endMetadata()
        .withRegarding(regarding)
        .withType(type)
        .withReason(reason)
        .withAction(action)
        .withNote(message.length() > 1024 ? message.substring(0, 1021) + "..." : message)
        .withEventTime(new MicroTime(MICRO_TIME.format(now)))
        .withReportingController(REPORTING_CONTROLLER)
        .withReportingInstance(instance.toLowerCase(Locale.ROOT))
        .build();
    if (!queue.offer(event)) {
      synchronized (this) {
        dropped++;
      }
    }
  }

  public synchronized long dropped() {
    return dropped;
  }

  private void send() {
    while (running || !queue.isEmpty()) {
      try {
        Event event = queue.poll(200, TimeUnit.MILLISECONDS);
        if (event != null) {
          client.resource(event).create();
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      } catch (RuntimeException e) {
        LOG.debug("could not record an event: {}", e.toString());
      }
    }
  }

  @Override
  public void close() {
    running = false;
    try {
      sender.join(Duration.ofSeconds(2).toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
