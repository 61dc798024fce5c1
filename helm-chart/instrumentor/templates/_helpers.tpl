{{- define "instrumentor.name" -}}
{{- default "instrumentor" .Values.nameOverride | trunc 50 | trimSuffix "-" -}}
{{- end -}}

{{/* The prefix of every object's name: fullnameOverride, else the release name when it holds the chart's name, else both. */}}
{{- define "instrumentor.fullname" -}}
{{- if .Values.fullnameOverride -}}
{{- .Values.fullnameOverride | trunc 50 | trimSuffix "-" -}}
{{- else -}}
{{- $name := include "instrumentor.name" . -}}
{{- if contains $name .Release.Name -}}
{{- .Release.Name | trunc 50 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name $name | trunc 50 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}
{{- end -}}

{{- define "instrumentor.selectorLabels" -}}
app.kubernetes.io/name: {{ include "instrumentor.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/component: operator
{{- end -}}

{{- define "instrumentor.labels" -}}
{{ include "instrumentor.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version }}
{{- end -}}

{{- define "instrumentor.serviceAccountName" -}}
{{- if .Values.serviceAccount.create -}}
{{- default (include "instrumentor.fullname" .) .Values.serviceAccount.name -}}
{{- else -}}
{{- required "serviceAccount.name is required when serviceAccount.create is false" .Values.serviceAccount.name -}}
{{- end -}}
{{- end -}}

{{/* The prefix of the ClusterRoles a collector's ServiceAccount is bound to: <prefix>k8sattributes, ... */}}
{{- define "instrumentor.collectorRolePrefix" -}}
{{- printf "%s-collector-" (include "instrumentor.fullname" .) -}}
{{- end -}}

{{- define "instrumentor.webhookService" -}}
{{- printf "%s-webhook" (include "instrumentor.fullname" .) -}}
{{- end -}}

{{- define "instrumentor.tlsSecret" -}}
{{- if eq .Values.certificates.mode "provided" -}}
{{- required "certificates.provided.secretName is required in provided mode" .Values.certificates.provided.secretName -}}
{{- else -}}
{{- printf "%s-webhook-tls" (include "instrumentor.fullname" .) -}}
{{- end -}}
{{- end -}}

{{/* repository@digest when a digest is given (immutable), else repository:tag (the appVersion by default). */}}
{{- define "instrumentor.image" -}}
{{- if .Values.image.digest -}}
{{- printf "%s@%s" .Values.image.repository .Values.image.digest -}}
{{- else -}}
{{- printf "%s:%s" .Values.image.repository (default .Chart.AppVersion .Values.image.tag) -}}
{{- end -}}
{{- end -}}

{{/* What the operator does in a namespace it watches: cluster-wide without watchNamespaces, else per namespace. */}}
{{- define "instrumentor.namespacedRules" -}}
  # the two custom resources: informers (webhook caches, reconcilers) and status
  - apiGroups: ["instrumentor.dev"]
    resources: ["instrumentations", "telemetrycollectors"]
    verbs: ["get", "list", "watch"]
  - apiGroups: ["instrumentor.dev"]
    resources: ["instrumentations/status", "telemetrycollectors/status"]
    verbs: ["get", "patch", "update"]
  # a collector's finalizer while it has ClusterRoleBindings (added and removed with a JSON patch)
  - apiGroups: ["instrumentor.dev"]
    resources: ["telemetrycollectors"]
    verbs: ["patch"]
  # what a TelemetryCollector owns (informers filtered by the managed-by label)
  - apiGroups: [""]
    resources: ["configmaps", "serviceaccounts", "services"]
    verbs: ["get", "list", "watch", "create", "update", "patch", "delete"]
  - apiGroups: ["apps"]
    resources: ["deployments", "daemonsets", "statefulsets"]
    verbs: ["get", "list", "watch", "create", "update", "patch", "delete"]
  - apiGroups: ["autoscaling"]
    resources: ["horizontalpodautoscalers"]
    verbs: ["get", "list", "watch", "create", "update", "patch", "delete"]
  - apiGroups: ["policy"]
    resources: ["poddisruptionbudgets"]
    verbs: ["get", "list", "watch", "create", "update", "patch", "delete"]
  # spec.ingress (type ingress) and spec.networkPolicy
  - apiGroups: ["networking.k8s.io"]
    resources: ["ingresses", "networkpolicies"]
    verbs: ["get", "list", "watch", "create", "update", "patch", "delete"]
{{- if .Values.fleetView }}
  # the fleet view: which pods ask for which Instrumentation (a slim cache: annotations and owners only)
  - apiGroups: [""]
    resources: ["pods"]
    verbs: ["list", "watch"]
{{- end }}
{{- if .Values.collectorConfigValidation }}
  # collectorConfigValidation: a short Job runs the collector image's validate on a new config (created,
  # then watched by the managed-by label; removed by the owner reference and the Job TTL), and its pod's
  # termination message is read when it refuses
  - apiGroups: ["batch"]
    resources: ["jobs"]
    verbs: ["get", "list", "watch", "create"]
  - apiGroups: [""]
    resources: ["pods"]
    verbs: ["list"]
{{- end }}
  # spec.observability.metrics.enableMetrics: a ServiceMonitor per collector (read by name, no watch)
  - apiGroups: ["monitoring.coreos.com"]
    resources: ["servicemonitors"]
    verbs: ["get", "create", "update", "patch", "delete"]
  - apiGroups: ["events.k8s.io"]
    resources: ["events"]
    verbs: ["create"]
{{- end -}}
