{{/* The services, in the order they are rendered. */}}
{{- define "tradewarden.serviceNames" -}}
identity intake approval gateway audit
{{- end }}

{{- define "tradewarden.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{- define "tradewarden.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- $name := default .Chart.Name .Values.nameOverride }}
{{- if contains $name .Release.Name }}
{{- .Release.Name | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- end }}
{{- end }}

{{/* The name of one component's objects: <fullname>-<component>, within 63 characters. Call with (dict "root" $ "component" "intake"). */}}
{{- define "tradewarden.componentName" -}}
{{- printf "%s-%s" (include "tradewarden.fullname" .root | trunc (int (sub 62 (len .component)))) .component | trimSuffix "-" }}
{{- end }}

{{- define "tradewarden.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* Labels of every object. Call with (dict "root" $ "component" "intake"). */}}
{{- define "tradewarden.labels" -}}
helm.sh/chart: {{ include "tradewarden.chart" .root }}
{{ include "tradewarden.selectorLabels" . }}
app.kubernetes.io/version: {{ .root.Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .root.Release.Service }}
app.kubernetes.io/part-of: tradewarden
{{- end }}

{{- define "tradewarden.selectorLabels" -}}
app.kubernetes.io/name: {{ include "tradewarden.name" .root }}
app.kubernetes.io/instance: {{ .root.Release.Name }}
app.kubernetes.io/component: {{ .component }}
{{- end }}

{{- define "tradewarden.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- default (include "tradewarden.fullname" .) .Values.serviceAccount.name }}
{{- else }}
{{- default "default" .Values.serviceAccount.name }}
{{- end }}
{{- end }}

{{- define "tradewarden.image" -}}
{{- if .Values.image.digest }}
{{- printf "%s@%s" .Values.image.repository .Values.image.digest }}
{{- else }}
{{- printf "%s:%s" .Values.image.repository (default .Chart.AppVersion .Values.image.tag) }}
{{- end }}
{{- end }}

{{/* A service's Secret: existingSecret, or <fullname>-<service>. Call with (dict "root" $ "component" name "svc" $svc). */}}
{{- define "tradewarden.secretName" -}}
{{- default (include "tradewarden.componentName" (dict "root" .root "component" .component)) .svc.existingSecret }}
{{- end }}

{{/*
Address the services call a service at: its headless Service as a dns target, so a caller resolves every ready pod and
spreads calls over them (a ClusterIP Service would pin each caller's one HTTP/2 connection to one pod). Call with
(dict "root" $ "component" "identity").
*/}}
{{- define "tradewarden.address" -}}
{{- $svc := index .root.Values.services .component }}
{{- printf "dns:///%s:%d" (include "tradewarden.peersName" .) (int $svc.port) }}
{{- end }}

{{/* The headless Service of a service's pods, within the 63 characters of a name. Call with (dict "root" $ "component" "identity"). */}}
{{- define "tradewarden.peersName" -}}
{{- printf "%s-%s-peers" (include "tradewarden.fullname" .root | trunc (int (sub 56 (len .component))) | trimSuffix "-") .component }}
{{- end }}

{{/* The ClusterIP Service of a service, host:port, for clients outside the release. */}}
{{- define "tradewarden.clientAddress" -}}
{{- $svc := index .root.Values.services .component }}
{{- printf "%s:%d" (include "tradewarden.componentName" .) (int $svc.port) }}
{{- end }}

{{/* Which services call which over gRPC (the NetworkPolicies follow it). */}}
{{- define "tradewarden.callees" -}}
{{- $callees := dict "identity" (list) "intake" (list "identity" "gateway" "approval") "approval" (list "identity") "gateway" (list "identity" "gateway") "audit" (list "identity") }}
{{- toJson (index $callees .) }}
{{- end }}

{{- define "tradewarden.callers" -}}
{{- $callers := list }}
{{- range $caller := splitList " " (include "tradewarden.serviceNames" .root) }}
{{- if has $.component (fromJsonArray (include "tradewarden.callees" $caller)) }}
{{- $callers = append $callers $caller }}
{{- end }}
{{- end }}
{{- toJson $callers }}
{{- end }}

{{/* The non-secret environment of a service (its ConfigMap). Call with (dict "root" $ "component" name "svc" $svc). */}}
{{- define "tradewarden.configData" -}}
{{- $root := .root }}
{{- $v := .root.Values }}
{{- $svc := .svc }}
{{- $name := .component }}
GRPC_HOST: {{ default $v.serviceDefaults.grpcHost $svc.grpcHost | quote }}
GRPC_PORT: {{ int $svc.port | quote }}
DATABASE_SCHEMA: {{ $svc.database.schema | quote }}
KAFKA_BROKERS: {{ join "," $v.kafka.brokers | quote }}
KAFKA_TOPIC_PREFIX: {{ $v.kafka.topicPrefix | quote }}
{{- if $v.kafka.tls.enabled }}
KAFKA_SSL: "true"
{{- if $v.kafka.tls.caSecret }}
KAFKA_SSL_CA_FILE: {{ printf "/etc/tradewarden/kafka-ca/%s" $v.kafka.tls.caKey | quote }}
{{- end }}
{{- end }}
{{- if $v.kafka.sasl.enabled }}
KAFKA_SASL_MECHANISM: {{ $v.kafka.sasl.mechanism | quote }}
{{- end }}
KEYCLOAK_URL: {{ $v.keycloak.url | quote }}
KEYCLOAK_REALM: {{ $v.keycloak.realm | quote }}
KEYCLOAK_AUDIENCE: {{ $v.keycloak.audience | quote }}
LOG_LEVEL: {{ $v.logLevel | quote }}
{{- if $v.telemetry.otlpEndpoint }}
OTEL_EXPORTER_OTLP_ENDPOINT: {{ $v.telemetry.otlpEndpoint | quote }}
{{- end }}
{{- if $v.trustBundle.name }}
NODE_EXTRA_CA_CERTS: {{ printf "/etc/tradewarden/trust/%s" $v.trustBundle.key | quote }}
{{- end }}
{{- if ne $name "identity" }}
SERVICE_CLIENT_ID: {{ $svc.serviceClientId | quote }}
IDENTITY_GRPC_ADDRESS: {{ include "tradewarden.address" (dict "root" $root "component" "identity") | quote }}
{{- end }}
{{- if eq $name "intake" }}
GATEWAY_GRPC_ADDRESS: {{ include "tradewarden.address" (dict "root" $root "component" "gateway") | quote }}
APPROVAL_GRPC_ADDRESS: {{ include "tradewarden.address" (dict "root" $root "component" "approval") | quote }}
INTAKE_MAX_LEVERAGE: {{ int $svc.config.maxLeverage | quote }}
INTAKE_SWAP_DEVIATION_WARNING: {{ $svc.config.swapDeviationWarning | toString | quote }}
{{- else if eq $name "approval" }}
APPROVAL_DEFAULT_TTL_HOURS: {{ $svc.config.defaultTtlHours | toString | quote }}
APPROVAL_EXPIRY_SWEEP_SECONDS: {{ $svc.config.expirySweepSeconds | toString | quote }}
{{- else if eq $name "gateway" }}
GATEWAY_SERVERS: {{ toJson $svc.servers | quote }}
GATEWAY_EXECUTION_POLL_MS: {{ int $svc.config.executionPollMs | quote }}
GATEWAY_MAX_ATTEMPTS: {{ int $svc.config.maxAttempts | quote }}
GATEWAY_EXECUTION_CONCURRENCY: {{ int $svc.config.executionConcurrency | quote }}
GATEWAY_CREDENTIALS_TTL_HOURS: {{ int $svc.config.credentialsTtlHours | quote }}
GATEWAY_CONSUMER_SESSION_TIMEOUT_MS: {{ int $svc.config.consumerSessionTimeoutMs | quote }}
GATEWAY_TAKEOVER_GRACE_MS: {{ int $svc.config.takeoverGraceMs | quote }}
{{- else if eq $name "audit" }}
AUDIT_CHECKPOINT_EVERY_RECORDS: {{ int64 $svc.config.checkpointEveryRecords | quote }}
AUDIT_CHECKPOINT_EVERY_SECONDS: {{ $svc.config.checkpointEverySeconds | toString | quote }}
{{- end }}
{{- end }}

{{/* Keys a service takes from its Secret, in order. */}}
{{- define "tradewarden.secretKeys" -}}
{{- $keys := list "DATABASE_URL" }}
{{- if or (eq .component "audit") .svc.database.separateMigrationRole }}
{{- $keys = append $keys "DATABASE_MIGRATION_URL" }}
{{- end }}
{{- if ne .component "identity" }}
{{- $keys = append $keys "SERVICE_CLIENT_SECRET" }}
{{- end }}
{{- if eq .component "gateway" }}
{{- $keys = append $keys "GATEWAY_CREDENTIALS_KEY" }}
{{- end }}
{{- if eq .component "audit" }}
{{- $keys = append $keys "AUDIT_CHECKPOINT_KEY" }}
{{- end }}
{{- toJson $keys }}
{{- end }}

{{/* A NetworkPolicy peer list item selecting one component's pods. */}}
{{- define "tradewarden.peer" -}}
- podSelector:
    matchLabels:
      {{- include "tradewarden.selectorLabels" . | nindent 6 }}
{{- end }}

{{/* An egress rule to a dependency: (dict "dep" .Values.networkPolicy.egress.kafka), optional "protocol". */}}
{{- define "tradewarden.egressRule" -}}
- ports:
    {{- range $port := .dep.ports }}
    - protocol: {{ default "TCP" $.protocol }}
      port: {{ $port }}
    {{- end }}
  {{- with .dep.to }}
  to:
    {{- toYaml . | nindent 4 }}
  {{- end }}
{{- end }}

{{/* Checks values.schema.json cannot express; rendered (as nothing) by configmap.yaml so that lint and template fail. */}}
{{- define "tradewarden.validate" -}}
{{- range $name := splitList " " (include "tradewarden.serviceNames" .) }}
{{- $svc := index $.Values.services $name }}
{{- $autoscaled := and $svc.autoscaling $svc.autoscaling.enabled }}
{{- if and $autoscaled (gt (int $svc.autoscaling.minReplicas) (int $svc.autoscaling.maxReplicas)) }}
{{- fail (printf "services.%s.autoscaling: minReplicas (%d) is above maxReplicas (%d)" $name (int $svc.autoscaling.minReplicas) (int $svc.autoscaling.maxReplicas)) }}
{{- end }}
{{- if and $svc.pdb.enabled (kindIs "float64" $svc.pdb.minAvailable) }}
{{- $replicas := $svc.replicaCount }}
{{- if $autoscaled }}{{- $replicas = $svc.autoscaling.minReplicas }}{{- end }}
{{- if ge (int $svc.pdb.minAvailable) (int $replicas) }}
{{- fail (printf "services.%s.pdb.minAvailable (%d) must be below the replicas (%d), or no pod could ever be evicted (node drains would hang)" $name (int $svc.pdb.minAvailable) (int $replicas)) }}
{{- end }}
{{- end }}
{{- end }}
{{- end }}
