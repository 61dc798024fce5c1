package dev.instrumentor.webhook.json;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.WatchEvent;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.io.File;
import java.net.URL;
import java.net.URLClassLoader;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class KubeSerializationTest {

  static final String POD = """
      {"apiVersion":"v1","kind":"Pod","metadata":{"name":"p","namespace":"n","labels":{"app":"a"}},
       "spec":{"containers":[{"name":"c","image":"i","env":[{"name":"A","value":"1"}]}]},"status":{"phase":"Running"}}""";
  static final String EVENT = "{\"type\":\"ADDED\",\"object\":" + POD + "}";
  /** Kinds of the model nothing in the operator reads: fabric8's class path scan loads them. */
  static final String[] UNUSED = {"io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRoute",
      "io.fabric8.kubernetes.api.model.flowcontrol.v1.FlowSchema", "io.fabric8.kubernetes.api.model.Node"};

  @Test
  void readsAndWritesAsFabric8sDefaultDoes() {
    KubernetesSerialization plain = new KubernetesSerialization();
    KubernetesSerialization shared = KubeSerialization.create();
    Pod pod = shared.unmarshal(POD, Pod.class);
    assertThat(pod).isEqualTo(plain.unmarshal(POD, Pod.class));
    assertThat(shared.asJson(pod)).isEqualTo(plain.asJson(pod));
  }

  @Test
  void aWatchEventOfARegisteredKindReadsAsItsClassAndLoadsNoOtherKind() throws Exception {
    try (Isolated loader = new Isolated()) {
      Object shared = loader.loadClass(KubeSerialization.class.getName()).getMethod("create").invoke(null);
      shared.getClass().getMethod("registerKubernetesResource", Class.class)
          .invoke(shared, loader.loadClass(Pod.class.getName()));
      assertThat(object(shared, loader).getClass().getName()).isEqualTo(Pod.class.getName());
      for (String kind : UNUSED) {
        assertThat(loader.loaded(kind)).as(kind).isFalse();
      }
      // the control: fabric8's default loads them all on its first watch event
      // (it searches the thread's context class loader too)
      ClassLoader context = Thread.currentThread().getContextClassLoader();
      Thread.currentThread().setContextClassLoader(loader);
      try {
        object(loader.loadClass(KubernetesSerialization.class.getName()).getConstructor().newInstance(), loader);
      } finally {
        Thread.currentThread().setContextClassLoader(context);
      }
      for (String kind : UNUSED) {
        assertThat(loader.loaded(kind)).as(kind).isTrue();
      }
    }
  }

  @Test
  void aWatchEventOfAnUnregisteredKindIsStillRead() {
    WatchEvent event = KubeSerialization.create().unmarshal(EVENT, WatchEvent.class);
    assertThat(event.getObject()).isInstanceOf(io.fabric8.kubernetes.api.model.GenericKubernetesResource.class);
  }

  private static Object object(Object serialization, ClassLoader loader) throws Exception {
    Object event = serialization.getClass().getMethod("unmarshal", String.class, Class.class)
        .invoke(serialization, EVENT, loader.loadClass(WatchEvent.class.getName()));
    return event.getClass().getMethod("getObject").invoke(event);
  }

  /** The test class path in a loader of its own: what it has loaded is what the code under test loaded. */
  static final class Isolated extends URLClassLoader {

    Isolated() throws Exception {
      super(urls(), ClassLoader.getPlatformClassLoader());
    }

    boolean loaded(String name) {
      return findLoadedClass(name) != null;
    }

    private static URL[] urls() throws Exception {
      List<URL> urls = new ArrayList<>();
      for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
        urls.add(new File(entry).toURI().toURL());
      }
      return urls.toArray(new URL[0]);
    }
  }
}
