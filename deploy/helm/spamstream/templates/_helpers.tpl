{{- define "spamstream.fullname" -}}
{{- printf "%s-%s" .Release.Name .Chart.Name | trunc 63 | trimSuffix "-" -}}
{{- end }}

{{- define "spamstream.labels" -}}
app.kubernetes.io/name: {{ .Chart.Name }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version }}
{{- end }}

{{- define "spamstream.selector" -}}
app.kubernetes.io/name: {{ .root.Chart.Name }}
app.kubernetes.io/instance: {{ .root.Release.Name }}
app.kubernetes.io/component: {{ .part }}
{{- end }}

{{- /* A setting's value: the release's, else the application's default. */ -}}
{{- define "spamstream.setting" -}}
{{- $defaults := include "spamstream.settingDefaults" .root | fromYaml -}}
{{- index .root.Values.settings .name | default (index $defaults .name) -}}
{{- end }}

{{- /* The consumer group and input topic of processor `.part`, as the topology names them. */ -}}
{{- define "spamstream.groupId" -}}
{{- include "spamstream.setting" (dict "root" .root "name" "SPAMSTREAM_GROUP_PREFIX") }}.{{ .part }}
{{- end }}
{{- /* A processor's input topics, one per line. */ -}}
{{- define "spamstream.inputTopics" -}}
{{- $inputs := include "spamstream.processorInputs" .root | fromYaml -}}
{{- range $name := index $inputs .part }}
{{ include "spamstream.setting" (dict "root" $.root "name" $name) }}
{{- end }}
{{- end }}

{{- /* The environment every part gets: the ConfigMap, the shutdown deadline, secrets as _FILE. */ -}}
{{- define "spamstream.env" -}}
envFrom:
  - configMapRef:
      name: {{ include "spamstream.fullname" . }}
env:
  {{- include "spamstream.commonEnv" . }}
{{- end }}

{{- /* The hook Job runs before the ConfigMap exists: its settings are inline. */ -}}
{{- define "spamstream.inlineEnv" -}}
env:
  {{- range $name, $value := .Values.settings }}
  - name: {{ $name }}
    value: {{ $value | toString | quote }}
  {{- end }}
  {{- include "spamstream.commonEnv" . }}
{{- end }}

{{- define "spamstream.commonEnv" }}
  - name: SPAMSTREAM_SHUTDOWN_TIMEOUT_MS
    value: {{ mul .Values.shutdownTimeoutSeconds 1000 | quote }}
  {{- range $name, $secret := .Values.secretFiles }}
  - name: {{ $name }}_FILE
    value: /var/run/secrets/spamstream/{{ $name }}
  {{- end }}
{{- end }}

{{- define "spamstream.image" -}}
{{- if .Values.image.digest -}}
{{ .Values.image.repository }}@{{ .Values.image.digest }}
{{- else -}}
{{ .Values.image.repository }}:{{ .Values.image.tag }}
{{- end -}}
{{- end }}
