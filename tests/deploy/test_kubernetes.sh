#!/usr/bin/env bash
# deploy/kubernetes: every manifest validated against the Kubernetes API
# schemas offline (tests/deploy/k8s: kubernetes-models and
# @kubernetes/client-node from npm, installed once into build/), and the
# validator shown to refuse broken copies; the ConfigMap's policy checked by
# exfilguard on the real datasets; then that policy served the way the kubelet
# serves a ConfigMap volume (kubelet_configmap.sh) to a real guard on a private
# cgroup: a new version swapped in under `..data` takes effect on reload, and
# the guard's memory stays under the DaemonSet's limit.
set -uo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
. "$top/tests/lib/check.sh"
cd "$top"
. "$top/tests/lib/deploy.sh"
deploy_setup k8s
manifests=deploy/kubernetes
validator=build/k8s-validate

echo "== schema validation"
mkdir -p "$validator"
cp tests/deploy/k8s/package.json tests/deploy/k8s/validate.mjs "$validator/"
if ! cmp -s tests/deploy/k8s/package.json "$validator/node_modules/.installed-from" 2>/dev/null; then
	(cd "$validator" && npm install --no-audit --no-fund --loglevel=error >npm.log 2>&1) ||
		{ cat "$validator/npm.log"; check_fatal "npm install of the validator (kubernetes-models, @kubernetes/client-node)"; }
	cp tests/deploy/k8s/package.json "$validator/node_modules/.installed-from"
fi
validate() { (cd "$validator" && node validate.mjs "$@"); }
check "manifests valid" validate "$top"/$manifests/*.yaml
ds=$top/$manifests/daemonset.yaml
broken() { # NAME SED-EXPRESSION: the validator must refuse the DaemonSet edited so
	sed "$2" "$ds" >"$tmp/broken.yaml"
	check_not "validator refuses $1" validate "$tmp/broken.yaml"
}
broken "a misspelt field" 's/^      hostPID: false/      hostPid: false/'
broken "a string port" 's/containerPort: 9464/containerPort: "9464"/'
broken "a missing selector" '/^  selector:/,/^      app.kubernetes.io\/name: exfilguard$/d'
sed 's/  - daemonset.yaml/  - daemonsets.yaml/' $manifests/kustomization.yaml >"$tmp/kustomization.yaml"
check_not "validator refuses a kustomization naming a missing file" \
	validate "$tmp/kustomization.yaml" "$top"/$manifests/[^k]*.yaml

echo "== what the DaemonSet promises"
check_grep "metrics port annotated for scraping" 'prometheus.io/scrape: "true"' "$ds"
check_grep "on port 9464" 'prometheus.io/port: "9464"' "$ds"
check_grep "tolerates every taint" '^        - operator: Exists$' "$ds"
check_not "policy mounted as a directory (subPath would never see an update)" grep -q '^ *subPath:' "$ds"
check_grep "namespace enforces the privileged PodSecurity level" \
	'pod-security.kubernetes.io/enforce: privileged' $manifests/namespace.yaml
limit=$(awk '/- name: guard$/ { g = 1 } g && /^ +limits:$/ { l = 1 }
	l && /memory:/ { sub(/Mi$/, "", $2); print $2; exit }' "$ds")
check "guard memory limit found (${limit:-none} MiB)" test -n "$limit"

echo "== the ConfigMap's policy"
# The policy block of the ConfigMap, with the nodes' data directory mapped to data/.
sed -n '/^  policy.yaml: |$/,$p' $manifests/configmap.yaml | tail -n +2 | sed 's/^    //' |
	sed "s#/var/lib/exfilguard/data#$top/data#g" >"$tmp/configmap-policy.yaml"
check "exfilguard check accepts it" "$EXFILGUARD" check "$tmp/configmap-policy.yaml"

echo "== a ConfigMap update reaches the guard (kubelet-like ..data swap)"
# Version 1 enforces the ConfigMap's policy plus a test rule; version 2 drops the rule.
mkdir -p "$tmp/v1" "$tmp/v2"
sed -e 's/^mode: audit .*/mode: enforce/' "$tmp/configmap-policy.yaml" >"$tmp/v2/policy.yaml"
{ cat "$tmp/v2/policy.yaml"; printf '  - name: test-nets\n    action: deny\n    cidr: [198.51.100.0/24]\n'; } >"$tmp/v1/policy.yaml"
vol=$tmp/volume
tests/deploy/kubelet_configmap.sh init "$vol" "$tmp/v1/policy.yaml"
check "policy.yaml -> ..data/policy.yaml" test "$(readlink "$vol/policy.yaml")" = ..data/policy.yaml
first=$(readlink "$vol/..data")
"$EXFILGUARD" --pin-dir "$pin_dir" run --policy "$vol/policy.yaml" --cgroup "$cg_rel" \
	--ready-fd 3 3>"$tmp/ready" >"$tmp/events" 2>"$tmp/guard.log" &
guard_pid=$!
wait_ready "$tmp/ready" "$guard_pid"
check "guard ready on the ConfigMap volume" grep -q READY=1 "$tmp/ready"
[ -s "$tmp/ready" ] || { cat "$tmp/guard.log"; check_done; }
check_eq "version 1 denies the test net" EPERM "$(probe)"
tests/deploy/kubelet_configmap.sh update "$vol" "$tmp/v2/policy.yaml"
check_not "the swap removed the old version" test -e "$vol/$first"
check "..data points at the new version" test "$(readlink "$vol/..data")" != "$first"
check "policy.yaml reads version 2" cmp "$vol/policy.yaml" "$tmp/v2/policy.yaml"
# Until the daemon reloads by itself on the swap (inotify on ..data), the
# operator's reload does what that will do.
check "exfilguard reload takes the new version" "$EXFILGUARD" --pin-dir "$pin_dir" reload
check_eq "version 2 no longer denies it" ENETUNREACH "$(probe)"
tests/deploy/kubelet_configmap.sh update "$vol" "$tmp/v1/policy.yaml"
"$EXFILGUARD" --pin-dir "$pin_dir" reload >/dev/null 2>&1
check_eq "back to version 1: denied again" EPERM "$(probe)"
hwm=$(awk '/^VmHWM:/ { print int($2 / 1024) }' "/proc/$guard_pid/status")
echo "  guard peak RSS on the real datasets after 2 reloads: ${hwm} MiB (limit ${limit} MiB)"
check "peak RSS under the DaemonSet's memory limit" test "${hwm:-999999}" -lt "${limit:-0}"
check_done
