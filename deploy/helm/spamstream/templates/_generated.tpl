{{- /* Generated from the settings table and the topology (deploy/helm/chart-settings.ts, npm run gen:docs). */ -}}
{{- /* <!-- chart-helpers:begin --> */ -}}
{{- define "spamstream.settingDefaults" -}}
SPAMSTREAM_GROUP_PREFIX: "spamstream"
SPAMSTREAM_TOPIC_PARTITIONS: "6"
SPAMSTREAM_TOPIC_RAW: "sms.raw"
SPAMSTREAM_TOPIC_FEATURES: "sms.features"
SPAMSTREAM_TOPIC_PREDICTIONS: "sms.predictions"
SPAMSTREAM_TOPIC_LABELS: "sms.labels"
SPAMSTREAM_TOPIC_VERDICTS: "sms.verdicts"
SPAMSTREAM_TOPIC_CDC: "sms.cdc.inbox"
{{- end }}
{{- define "spamstream.processorInputs" -}}
cdc: [SPAMSTREAM_TOPIC_CDC]
features: [SPAMSTREAM_TOPIC_RAW]
scoring: [SPAMSTREAM_TOPIC_FEATURES]
verdicts: [SPAMSTREAM_TOPIC_LABELS, SPAMSTREAM_TOPIC_PREDICTIONS]
quality: [SPAMSTREAM_TOPIC_VERDICTS]
{{- end }}
{{- /* <!-- chart-helpers:end --> */ -}}
