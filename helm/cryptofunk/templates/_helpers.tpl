{{/*
Names, labels and the pieces every role shares. The roles differ only by command, ports and probes.
*/}}

{{- define "cryptofunk.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{- define "cryptofunk.fullname" -}}
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

{{- define "cryptofunk.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}

{{- define "cryptofunk.selectorLabels" -}}
app.kubernetes.io/name: {{ include "cryptofunk.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{- define "cryptofunk.labels" -}}
helm.sh/chart: {{ include "cryptofunk.chart" . }}
{{ include "cryptofunk.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: cryptofunk
{{- end }}

{{/* Selector labels of one role: (dict "root" $ "component" "gateway"). */}}
{{- define "cryptofunk.componentSelectorLabels" -}}
{{ include "cryptofunk.selectorLabels" .root }}
app.kubernetes.io/component: {{ .component }}
{{- end }}

{{- define "cryptofunk.componentLabels" -}}
{{ include "cryptofunk.labels" .root }}
app.kubernetes.io/component: {{ .component }}
{{- end }}

{{- define "cryptofunk.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- default (include "cryptofunk.fullname" .) .Values.serviceAccount.name }}
{{- else }}
{{- default "default" .Values.serviceAccount.name }}
{{- end }}
{{- end }}

{{- define "cryptofunk.image" -}}
{{- if .Values.image.digest }}
{{- printf "%s@%s" .Values.image.repository .Values.image.digest }}
{{- else }}
{{- printf "%s:%s" .Values.image.repository (default .Chart.AppVersion .Values.image.tag) }}
{{- end }}
{{- end }}

{{/*
The checks no schema can express: credentials only through existing Secrets (or Vault), and the production rules
the application would refuse at start anyway, refused here at install time with the value to set.
*/}}
{{- define "cryptofunk.validate" -}}
{{- $v := .Values -}}
{{- $_ := required "nats.url is required (NATS_URL, e.g. tls://nats.nats.svc:4222)" $v.nats.url -}}
{{- if $v.nats.tls.enabled }}
{{- $_ := required "nats.tls.existingSecret is required: the Secret holding the NATS CA (and client cert)" $v.nats.tls.existingSecret -}}
{{- else if eq $v.config.env "production" }}
{{- fail "nats.tls.enabled=false: production requires TLS to NATS" -}}
{{- end }}
{{- if eq $v.nats.auth.method "none" }}
{{- if and (eq $v.config.env "production") (not $v.nats.tls.clientCert) }}
{{- fail "nats.auth.method=none: production requires NATS authentication (creds, nkey, token, userPassword or nats.tls.clientCert)" -}}
{{- end }}
{{- else if $v.vault.enabled }}
{{- $_ := required "vault.natsPath is required with vault.enabled (the KV path of the NATS credential)" $v.vault.natsPath -}}
{{- else }}
{{- $_ := required (printf "nats.auth.existingSecret is required for nats.auth.method=%s" $v.nats.auth.method) $v.nats.auth.existingSecret -}}
{{- end }}
{{- if $v.vault.enabled }}
{{- $_ := required "vault.role is required with vault.enabled" $v.vault.role -}}
{{- $_ := required "vault.databasePath is required with vault.enabled (the KV path holding the DATABASE_URL)" $v.vault.databasePath -}}
{{- else }}
{{- $_ := required "database.existingSecret is required: the Secret holding DATABASE_URL (sslmode=verify-full)" $v.database.existingSecret -}}
{{- end }}
{{- if $v.database.tls.enabled }}
{{- $_ := required "database.tls.existingSecret is required: the Secret holding the Postgres CA" $v.database.tls.existingSecret -}}
{{- else if eq $v.config.env "production" }}
{{- fail "database.tls.enabled=false: production requires sslmode=verify-full with the CA (DATABASE_SSL_CA)" -}}
{{- end }}
{{- if $v.exchange.enabled }}
{{- $_ := required "exchange.id is required with exchange.enabled (a ccxt exchange id)" $v.exchange.id -}}
{{- if $v.vault.enabled }}
{{- $_ := required "vault.exchangePath is required with exchange.enabled and vault.enabled" $v.vault.exchangePath -}}
{{- else }}
{{- $_ := required "exchange.existingSecret is required with exchange.enabled" $v.exchange.existingSecret -}}
{{- end }}
{{- end }}
{{- end }}

{{/*
The credentials, each a file the application reads: X_FILE variables hold secrets, NATS_CREDS names the .creds file.
One JSON entry: env (variable), group (nats-auth | database | exchange), file (name in the mount) and key (in the Secret or
the Vault secret). Rendered as YAML under "files" (fromYaml).
*/}}
{{- define "cryptofunk.credentialFiles" -}}
{{- $v := .Values -}}
{{- $a := $v.nats.auth -}}
files:
{{- if eq $a.method "creds" }}
  - {"env": "NATS_CREDS", "group": "nats-auth", "file": "user.creds", "key": {{ $a.credsKey | toJson }}}
{{- else if eq $a.method "nkey" }}
  - {"env": "NATS_NKEY_SEED_FILE", "group": "nats-auth", "file": "nkey.seed", "key": {{ $a.nkeySeedKey | toJson }}}
{{- else if eq $a.method "token" }}
  - {"env": "NATS_TOKEN_FILE", "group": "nats-auth", "file": "token", "key": {{ $a.tokenKey | toJson }}}
{{- else if eq $a.method "userPassword" }}
  - {"env": "NATS_USER_FILE", "group": "nats-auth", "file": "username", "key": {{ $a.userKey | toJson }}}
  - {"env": "NATS_PASSWORD_FILE", "group": "nats-auth", "file": "password", "key": {{ $a.passwordKey | toJson }}}
{{- end }}
  - {"env": "DATABASE_URL_FILE", "group": "database", "file": "url", "key": {{ $v.database.urlKey | toJson }}}
{{- if $v.exchange.enabled }}
  - {"env": "EXCHANGE_API_KEY_FILE", "group": "exchange", "file": "api-key", "key": {{ $v.exchange.apiKeyKey | toJson }}}
  - {"env": "EXCHANGE_SECRET_FILE", "group": "exchange", "file": "secret", "key": {{ $v.exchange.secretKey | toJson }}}
{{- if $v.exchange.passwordKey }}
  - {"env": "EXCHANGE_PASSWORD_FILE", "group": "exchange", "file": "password", "key": {{ $v.exchange.passwordKey | toJson }}}
{{- end }}
{{- end }}
{{- end }}

{{/* The Secret and the Vault path of a credential group: (dict "root" $ "group" "database"). */}}
{{- define "cryptofunk.groupSecret" -}}
{{- $v := .root.Values -}}
{{- if eq .group "nats-auth" }}{{ $v.nats.auth.existingSecret }}
{{- else if eq .group "database" }}{{ $v.database.existingSecret }}
{{- else }}{{ $v.exchange.existingSecret }}{{ end }}
{{- end }}

{{- define "cryptofunk.groupVaultPath" -}}
{{- $v := .root.Values -}}
{{- if eq .group "nats-auth" }}{{ $v.vault.natsPath }}
{{- else if eq .group "database" }}{{ $v.vault.databasePath }}
{{- else }}{{ $v.vault.exchangePath }}{{ end }}
{{- end }}

{{/* Where a credential file is mounted: /vault/secrets/<group>-<file> under Vault, else the Secret's volume. */}}
{{- define "cryptofunk.credentialPath" -}}
{{- if .root.Values.vault.enabled -}}
/vault/secrets/{{ .entry.group }}-{{ .entry.file }}
{{- else -}}
/var/run/secrets/cryptofunk/{{ .entry.group }}/{{ .entry.file }}
{{- end }}
{{- end }}

{{/* The credential groups a role mounts: exchange credentials only in the workers. */}}
{{- define "cryptofunk.roleFiles" -}}
{{- $all := (include "cryptofunk.credentialFiles" .root | fromYaml).files -}}
files:
{{- range $all }}
{{- if or (ne .group "exchange") (eq $.component "worker") }}
  - {{ toJson . }}
{{- end }}
{{- end }}
{{- end }}

{{/* The non-secret environment (ConfigMap data; the hook Job sets it inline, before the ConfigMap exists). */}}
{{- define "cryptofunk.configEnv" -}}
{{- $c := .Values.config -}}
CRYPTOFUNK_ENV: {{ $c.env | quote }}
CRYPTOFUNK_HOME: "/tmp/cryptofunk"
LOG_LEVEL: {{ $c.logLevel | quote }}
NATS_URL: {{ .Values.nats.url | quote }}
CRYPTOFUNK_STREAM: {{ $c.stream | quote }}
CRYPTOFUNK_ROOT: {{ $c.subjectRoot | quote }}
NATS_REPLICAS: {{ $c.streamReplicas | quote }}
DATABASE_POOL_SIZE: {{ $c.databasePoolSize | quote }}
HOST: "0.0.0.0"
PORT: {{ .Values.gateway.port | quote }}
CORS_ORIGINS: {{ $c.corsOrigins | quote }}
TRUSTED_PROXIES: {{ $c.trustedProxies | quote }}
RATE_LIMIT_PER_KEY: {{ $c.rateLimitPerKey | quote }}
RATE_LIMIT_PER_IP: {{ $c.rateLimitPerIp | quote }}
LIVE_TRADING: {{ $.Values.exchange.liveTrading | quote }}
EXCHANGE_SANDBOX: {{ $.Values.exchange.sandbox | quote }}
{{- with .Values.exchange.id }}
EXCHANGE_ID: {{ . | quote }}
{{- end }}
{{- if .Values.nats.tls.enabled }}
NATS_TLS_CA: "/var/run/secrets/cryptofunk/nats-tls/ca.crt"
{{- if .Values.nats.tls.clientCert }}
NATS_TLS_CERT: "/var/run/secrets/cryptofunk/nats-tls/tls.crt"
NATS_TLS_KEY: "/var/run/secrets/cryptofunk/nats-tls/tls.key"
{{- end }}
{{- end }}
{{- if .Values.database.tls.enabled }}
DATABASE_SSL_CA: "/var/run/secrets/cryptofunk/database-tls/ca.crt"
{{- end }}
{{- range $name, $value := $c.extraEnv }}
{{ $name }}: {{ $value | quote }}
{{- end }}
{{- end }}

{{/* Vault Agent injector annotations of a role: (dict "root" $ "component" "worker" "prePopulateOnly" false). */}}
{{- define "cryptofunk.vaultAnnotations" -}}
{{- $v := .root.Values.vault -}}
{{- if $v.enabled }}
vault.hashicorp.com/agent-inject: "true"
vault.hashicorp.com/role: {{ $v.role | quote }}
{{- with $v.authPath }}
vault.hashicorp.com/auth-path: {{ . | quote }}
{{- end }}
{{- if .prePopulateOnly }}
vault.hashicorp.com/agent-pre-populate-only: "true"
{{- end }}
{{- $root := .root }}
{{- range (include "cryptofunk.roleFiles" . | fromYaml).files }}
{{- $path := include "cryptofunk.groupVaultPath" (dict "root" $root "group" .group) }}
vault.hashicorp.com/agent-inject-secret-{{ .group }}-{{ .file }}: {{ $path | quote }}
vault.hashicorp.com/agent-inject-template-{{ .group }}-{{ .file }}: {{ printf "{{- with secret %q -}}{{ index .Data.data %q }}{{- end }}" $path .key | quote }}
{{- end }}
{{- with $v.annotations }}
{{ toYaml . }}
{{- end }}
{{- end }}
{{- end }}

{{/*
The pod template of every role: (dict "root" $ "component" "gateway" "args" (list "gateway") "port" 8080
"values" .Values.gateway "probes" true "prePopulateOnly" false "inlineEnv" false).
*/}}
{{- define "cryptofunk.podTemplate" -}}
{{- $_ := merge . (dict "probes" false "port" 0 "portName" "" "inlineEnv" false "prePopulateOnly" false "terminationGracePeriodSeconds" 0) -}}
{{- $root := .root -}}
{{- $v := $root.Values -}}
{{- $files := (include "cryptofunk.roleFiles" . | fromYaml).files -}}
metadata:
  labels:
    {{- include "cryptofunk.componentSelectorLabels" . | nindent 4 }}
    {{- with $v.podLabels }}
    {{- toYaml . | nindent 4 }}
    {{- end }}
  annotations:
    checksum/config: {{ include "cryptofunk.configEnv" $root | sha256sum }}
    {{- with $v.podAnnotations }}
    {{- toYaml . | nindent 4 }}
    {{- end }}
    {{- include "cryptofunk.vaultAnnotations" . | nindent 4 }}
spec:
  serviceAccountName: {{ if and .inlineEnv $v.serviceAccount.create }}{{ include "cryptofunk.fullname" $root }}-migrate{{ else }}{{ include "cryptofunk.serviceAccountName" $root }}{{ end }}
  # The Vault Agent authenticates with the pod's token; nothing else needs the Kubernetes API.
  automountServiceAccountToken: {{ $v.vault.enabled }}
  {{- with $v.imagePullSecrets }}
  imagePullSecrets:
    {{- toYaml . | nindent 4 }}
  {{- end }}
  {{- with $v.priorityClassName }}
  priorityClassName: {{ . }}
  {{- end }}
  securityContext:
    {{- toYaml $v.podSecurityContext | nindent 4 }}
  {{- with .terminationGracePeriodSeconds }}
  terminationGracePeriodSeconds: {{ . }}
  {{- end }}
  {{- if .inlineEnv }}
  restartPolicy: Never
  {{- end }}
  containers:
    - name: {{ .component }}
      image: {{ include "cryptofunk.image" $root | quote }}
      imagePullPolicy: {{ $v.image.pullPolicy }}
      args:
        {{- toYaml .args | nindent 8 }}
      securityContext:
        {{- toYaml $v.securityContext | nindent 8 }}
      {{- if .inlineEnv }}
      env:
        {{- range $name, $value := (include "cryptofunk.configEnv" $root | fromYaml) }}
        - name: {{ $name }}
          value: {{ $value | quote }}
        {{- end }}
      {{- else }}
      envFrom:
        - configMapRef:
            name: {{ include "cryptofunk.fullname" $root }}
      env:
      {{- end }}
        {{- range $files }}
        - name: {{ .env }}
          value: {{ include "cryptofunk.credentialPath" (dict "root" $root "entry" .) | quote }}
        {{- end }}
      {{- if .port }}
      ports:
        - name: {{ .portName }}
          containerPort: {{ .port }}
          protocol: TCP
      {{- end }}
      {{- if .probes }}
      startupProbe:
        httpGet:
          path: /healthz
          port: {{ .portName }}
        {{- toYaml $v.probes.startup | nindent 8 }}
      livenessProbe:
        httpGet:
          path: /healthz
          port: {{ .portName }}
        {{- toYaml $v.probes.liveness | nindent 8 }}
      readinessProbe:
        httpGet:
          path: /readyz
          port: {{ .portName }}
        {{- toYaml $v.probes.readiness | nindent 8 }}
      {{- end }}
      resources:
        {{- toYaml .values.resources | nindent 8 }}
      volumeMounts:
        - name: tmp
          mountPath: /tmp
        {{- if $v.nats.tls.enabled }}
        - name: nats-tls
          mountPath: /var/run/secrets/cryptofunk/nats-tls
          readOnly: true
        {{- end }}
        {{- if $v.database.tls.enabled }}
        - name: database-tls
          mountPath: /var/run/secrets/cryptofunk/database-tls
          readOnly: true
        {{- end }}
        {{- if not $v.vault.enabled }}
        {{- range $group := list "nats-auth" "database" "exchange" }}
        {{- if include "cryptofunk.groupUsed" (dict "files" $files "group" $group) }}
        - name: {{ $group }}
          mountPath: /var/run/secrets/cryptofunk/{{ $group }}
          readOnly: true
        {{- end }}
        {{- end }}
        {{- end }}
  volumes:
    # The root filesystem is read-only: CRYPTOFUNK_HOME and Node's temporary files live here.
    - name: tmp
      emptyDir:
        sizeLimit: 256Mi
    {{- if $v.nats.tls.enabled }}
    - name: nats-tls
      secret:
        secretName: {{ $v.nats.tls.existingSecret }}
        defaultMode: 0440
        items:
          - key: {{ $v.nats.tls.caKey }}
            path: ca.crt
          {{- if $v.nats.tls.clientCert }}
          - key: {{ $v.nats.tls.certKey }}
            path: tls.crt
          - key: {{ $v.nats.tls.keyKey }}
            path: tls.key
          {{- end }}
    {{- end }}
    {{- if $v.database.tls.enabled }}
    - name: database-tls
      secret:
        secretName: {{ $v.database.tls.existingSecret }}
        defaultMode: 0440
        items:
          - key: {{ $v.database.tls.caKey }}
            path: ca.crt
    {{- end }}
    {{- if not $v.vault.enabled }}
    {{- range $group := list "nats-auth" "database" "exchange" }}
    {{- if include "cryptofunk.groupUsed" (dict "files" $files "group" $group) }}
    - name: {{ $group }}
      secret:
        secretName: {{ include "cryptofunk.groupSecret" (dict "root" $root "group" $group) }}
        defaultMode: 0440
        items:
          {{- range $files }}
          {{- if eq .group $group }}
          - key: {{ .key }}
            path: {{ .file }}
          {{- end }}
          {{- end }}
    {{- end }}
    {{- end }}
    {{- end }}
  {{- with $v.nodeSelector }}
  nodeSelector:
    {{- toYaml . | nindent 4 }}
  {{- end }}
  {{- with $v.affinity }}
  affinity:
    {{- toYaml . | nindent 4 }}
  {{- end }}
  {{- with $v.tolerations }}
  tolerations:
    {{- toYaml . | nindent 4 }}
  {{- end }}
  {{- with $v.topologySpreadConstraints }}
  topologySpreadConstraints:
    {{- toYaml . | nindent 4 }}
  {{- end }}
{{- end }}

{{/* "true" when a credential group has a file in the list: (dict "files" $files "group" "database"). */}}
{{- define "cryptofunk.groupUsed" -}}
{{- range .files }}{{ if eq .group $.group }}true{{ end }}{{ end }}
{{- end }}

{{/* NetworkPolicy peers from CIDRs and/or selectors; nothing at all means any destination on the port. */}}
{{- define "cryptofunk.peers" -}}
{{- range .cidrs }}
- ipBlock:
    cidr: {{ . }}
{{- end }}
{{- if or .namespaceSelector .podSelector }}
- {{- with .namespaceSelector }}
  namespaceSelector:
    {{- toYaml . | nindent 4 }}
  {{- end }}
  {{- with .podSelector }}
  podSelector:
    {{- toYaml . | nindent 4 }}
  {{- end }}
{{- end }}
{{- end }}
