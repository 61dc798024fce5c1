package dev.instrumentor.operator.targetallocator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The labels Prometheus' kubernetes_sd_configs documents, from the objects it reads them from. */
class PrometheusLabelsTest {

  static final Pod POD = Serialization.unmarshal("""
      apiVersion: v1
      kind: Pod
      metadata:
        name: web-7d9f-abcde
        namespace: shop
        uid: u-1
        labels: {app.kubernetes.io/name: web, app: web, team: shop}
        annotations: {prometheus.io/scrape: "true"}
        ownerReferences: [{apiVersion: apps/v1, kind: ReplicaSet, name: web-7d9f, uid: r-1, controller: true}]
      spec:
        nodeName: node-1
        containers:
          - name: app
            image: web:1
            ports: [{name: metrics, containerPort: 9090}, {name: http, containerPort: 8080}]
          - name: proxy
            image: envoy:1
      status:
        phase: Running
        podIP: 10.88.0.7
        hostIP: 192.168.0.2
        conditions: [{type: Ready, status: "True"}]
      """, Pod.class);

  static final EndpointSlice SLICE = Serialization.unmarshal("""
      apiVersion: discovery.k8s.io/v1
      kind: EndpointSlice
      metadata:
        name: web-x7k2
        namespace: shop
        labels: {kubernetes.io/service-name: web}
      addressType: IPv4
      ports: [{name: metrics, port: 9090, protocol: TCP}, {name: http, port: 8080, protocol: TCP}]
      endpoints:
        - addresses: [10.88.0.7]
          conditions: {ready: true}
          nodeName: node-1
          targetRef: {kind: Pod, name: web-7d9f-abcde, namespace: shop}
      """, EndpointSlice.class);

  static final Service SERVICE = Serialization.unmarshal("""
      apiVersion: v1
      kind: Service
      metadata: {name: web, namespace: shop, labels: {team: shop, app: web, tier: front}}
      """, Service.class);

  @Test
  void aPodGivesATargetPerPortAndOneWithoutForAContainerWithNone() {
    List<ScrapeTarget> targets = PrometheusLabels.podTargets("pods", POD);
    assertThat(targets).extracting(ScrapeTarget::address).containsExactly("10.88.0.7:9090", "10.88.0.7:8080", "10.88.0.7");
    Map<String, String> labels = targets.get(0).labels();
    assertThat(labels).containsEntry("__meta_kubernetes_namespace", "shop")
        .containsEntry("__meta_kubernetes_pod_name", "web-7d9f-abcde")
        .containsEntry("__meta_kubernetes_pod_label_app_kubernetes_io_name", "web")
        .containsEntry("__meta_kubernetes_pod_labelpresent_app_kubernetes_io_name", "true")
        .containsEntry("__meta_kubernetes_pod_annotation_prometheus_io_scrape", "true")
        .containsEntry("__meta_kubernetes_pod_container_name", "app")
        .containsEntry("__meta_kubernetes_pod_container_port_name", "metrics")
        .containsEntry("__meta_kubernetes_pod_container_port_number", "9090")
        .containsEntry("__meta_kubernetes_pod_container_port_protocol", "TCP")
        .containsEntry("__meta_kubernetes_pod_ready", "true")
        .containsEntry("__meta_kubernetes_pod_phase", "Running")
        .containsEntry("__meta_kubernetes_pod_node_name", "node-1")
        .containsEntry("__meta_kubernetes_pod_controller_kind", "ReplicaSet")
        .containsEntry("__meta_kubernetes_pod_controller_name", "web-7d9f");
    assertThat(targets.get(0).node()).isEqualTo("node-1");
  }

  @Test
  void aPodWithoutAddressGivesNothing() {
    Pod pending = Serialization.clone(POD);
    pending.getStatus().setPodIP(null);
    assertThat(PrometheusLabels.podTargets("pods", pending)).isEmpty();
  }

  @Test
  void anEndpointSliceGivesATargetPerAddressAndPortWithItsServiceAndPod() {
    EndpointSlice slice = SLICE;
    Service service = SERVICE;
    ScrapeTarget slices = PrometheusLabels.endpointSliceTargets("svc", slice, service, name -> POD, false).get(0);
    assertThat(slices.address()).isEqualTo("10.88.0.7:9090");
    assertThat(slices.labels()).containsEntry("__meta_kubernetes_endpointslice_name", "web-x7k2")
        .containsEntry("__meta_kubernetes_endpointslice_port_name", "metrics")
        .containsEntry("__meta_kubernetes_endpointslice_endpoint_conditions_ready", "true")
        .containsEntry("__meta_kubernetes_endpointslice_address_target_kind", "Pod")
        .containsEntry("__meta_kubernetes_service_name", "web")
        .containsEntry("__meta_kubernetes_service_label_team", "shop")
        .containsEntry("__meta_kubernetes_pod_name", "web-7d9f-abcde");
    ScrapeTarget endpoints = PrometheusLabels.endpointSliceTargets("svc", slice, service, name -> POD, true).get(0);
    assertThat(endpoints.labels()).containsEntry("__meta_kubernetes_endpoints_name", "web")
        .containsEntry("__meta_kubernetes_endpoint_port_name", "metrics")
        .containsEntry("__meta_kubernetes_endpoint_ready", "true")
        .containsEntry("__meta_kubernetes_endpoint_node_name", "node-1");
  }

  @Test
  void labelSelectorsInTheirTextForm() {
    var selector = LabelSelectorText.parse("app=web,tier!=db,canary,!legacy,env in (prod, staging),zone notin (b)");
    assertThat(selector.test(Map.of("app", "web", "canary", "", "env", "prod", "zone", "a"))).isTrue();
    assertThat(selector.test(Map.of("app", "web", "canary", "", "env", "dev"))).isFalse();
    assertThat(selector.test(Map.of("app", "web", "canary", "", "env", "prod", "legacy", "x"))).isFalse();
    assertThat(selector.test(Map.of("app", "web", "env", "prod"))).as("canary missing").isFalse();
    assertThat(LabelSelectorText.parse("app==web").test(Map.of("app", "web"))).isTrue();
    assertThatThrownBy(() -> LabelSelectorText.parse("app=~we.*")).hasMessageContaining("'app=~we.*' is not a label selector");
  }
}
