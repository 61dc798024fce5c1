{{- define "instrumentor.fullname" -}}
{{- if contains "instrumentor" .Release.Name -}}
{{- .Release.Name | trunc 50 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-instrumentor" .Release.Name | trunc 50 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}

{{- define "instrumentor.selectorLabels" -}}
app.kubernetes.io/name: instrumentor
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

{{- define "instrumentor.image" -}}
{{- printf "%s:%s" .Values.image.repository (default .Chart.AppVersion .Values.image.tag) -}}
{{- end -}}
