{{/* The name of a resource of this release: <release>-kinexus-<part> (<release>-<part> when the release's
     name says kinexus already), cut to Kubernetes' 63 characters. */}}
{{- define "kinexus.name" -}}
{{- $prefix := ternary .root.Release.Name (printf "%s-kinexus" .root.Release.Name) (contains "kinexus" .root.Release.Name) -}}
{{- printf "%s-%s" $prefix .part | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "kinexus.labels" -}}
app.kubernetes.io/name: kinexus
app.kubernetes.io/instance: {{ .root.Release.Name }}
app.kubernetes.io/component: {{ .service }}
app.kubernetes.io/version: {{ .root.Chart.AppVersion | quote }}
helm.sh/chart: {{ printf "%s-%s" .root.Chart.Name .root.Chart.Version }}
{{- end -}}

{{- define "kinexus.selector" -}}
app.kubernetes.io/name: kinexus
app.kubernetes.io/instance: {{ .root.Release.Name }}
app.kubernetes.io/component: {{ .service }}
{{- end -}}

{{- define "kinexus.secretName" -}}
{{- .Values.existingSecret | default (include "kinexus.name" (dict "root" . "part" "secrets")) -}}
{{- end -}}

{{/* The HTTP port each service listens on (ServiceConfiguration.defaultPorts). */}}
{{- define "kinexus.ports" -}}
ingress: 8080
orchestrator: 8081
reviewer: 8082
approver: 8083
codegen: 8084
kb-sync: 8085
customer-context: 8086
event-router: 8087
{{- end -}}

{{/* The streams each consuming service's group reads: its subscriptions' source × detail-type topics.
     A test holds these to the services' subscriptions. */}}
{{- define "kinexus.streams" -}}
orchestrator:
  - kinexus:ev:kinexus.approval:RevisionRequested
  - kinexus:ev:kinexus.github:ChangeDetected
  - kinexus:ev:kinexus.jira:ChangeDetected
  - kinexus:ev:kinexus.support:KnowledgeArticleRequested
reviewer:
  - kinexus:ev:kinexus.orchestrator:DocumentGenerated
approver:
  - kinexus:ev:kinexus.approval:ReviewDecisionSubmitted
  - kinexus:ev:kinexus.console:ReviewDecisionSubmitted
kb-sync:
  - kinexus:ev:kinexus.approval:DocumentationPublished
  - kinexus:ev:kinexus.kb:KbSyncRequested
  - kinexus:ev:kinexus.kb:KnowledgeObjectChanged
customer-context:
  - kinexus:ev:kinexus.approval:DocumentRejected
  - kinexus:ev:kinexus.approval:DocumentationPublished
  - kinexus:ev:kinexus.orchestrator:DocumentGenerated
  - kinexus:ev:kinexus.support:KnowledgeGapDraftRequested
  - kinexus:ev:kinexus.support:TicketFeedbackSubmitted
  - kinexus:ev:kinexus.support:TicketReceived
  - kinexus:ev:kinexus.support:TicketResolved
{{- end -}}

{{/* KEDA's redis-streams address (host:port) and database: from autoscaling, else from redis.url. */}}
{{- define "kinexus.redisAddress" -}}
{{- .Values.autoscaling.redisAddress | default (urlParse .Values.redis.url).host -}}
{{- end -}}

{{- define "kinexus.redisDatabase" -}}
{{- .Values.autoscaling.redisDatabase | default (trimPrefix "/" (urlParse .Values.redis.url).path) | default "0" -}}
{{- end -}}

{{/* Whether Redis has a password, which KEDA then reads from the Secret's redis-password. */}}
{{- define "kinexus.redisPassword" -}}
{{- $user := (urlParse .Values.redis.url).userinfo -}}
{{- if contains ":" $user }}{{ last (splitList ":" $user) }}{{ end -}}
{{- end -}}
