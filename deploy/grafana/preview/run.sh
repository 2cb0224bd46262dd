#!/bin/sh
# Makes deploy/grafana/one2one-dashboard.png: a One2One server under calls from the call driver, scraped by a real
# Prometheus, the dashboard's queries evaluated by it and drawn by render.py, then photographed by headless Chromium.
# Everything talks over loopback only: build first (`dotnet build`, and `dotnet build deploy/grafana/preview/One2One.CallDriver`),
# then run it as root inside a network namespace of its own:
#   unshare -n sh deploy/grafana/preview/run.sh [seconds]
# Needs: prometheus (apt-get install prometheus), chromium, python3.
set -eu
seconds=${1:-600}
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../../.." && pwd)
work=$(mktemp -d)
ip link set lo up

cd "$repo/One2One.Server"
dotnet bin/Debug/net10.0/One2One.Server.dll --urls http://127.0.0.1:8080 > "$work/server.log" 2>&1 &
server=$!
cat > "$work/prometheus.yml" <<YML
global: { scrape_interval: 5s }
scrape_configs:
  - job_name: one2one
    static_configs: [ { targets: ['127.0.0.1:8080'] } ]
YML
prometheus --config.file="$work/prometheus.yml" --storage.tsdb.path="$work/tsdb" --web.listen-address=127.0.0.1:9090 > "$work/prometheus.log" 2>&1 &
prom=$!
trap 'kill $server $prom 2>/dev/null; wait' EXIT
sleep 8

start=$(date +%s)
dotnet run --no-build --project "$here/One2One.CallDriver" -- http://127.0.0.1:8080/ "$seconds"
sleep 10
# The picture ends when the driver's time is up, while its last calls are still on: the stat panels show the load.
end=$((start + seconds))

python3 "$here/render.py" "$repo/deploy/grafana/one2one-dashboard.json" http://127.0.0.1:9090 "$start" "$end" "$work/dashboard.html"
chromium --headless --no-sandbox --disable-gpu --hide-scrollbars --window-size=1440,1660 \
  --screenshot="$repo/deploy/grafana/one2one-dashboard.png" "file://$work/dashboard.html"
echo "picture: deploy/grafana/one2one-dashboard.png (work files in $work)"
