#!/bin/sh
# Issue 8's set-up throughput on two app nodes of one cluster on this machine: a redis-server, the standalone media
# server and two One2One.Server nodes (Release builds, Production environment, the load tool's lifted limits), with
# the tool's pairs spread over both nodes (each caller on one node, its callee on the other: every call crosses nodes).
# From the repository's root, after `dotnet build -c Release One2One.LoadTest` and `dotnet build -c Release One2One.MediaServer`, inside a
# loopback-only network namespace (the tool's options follow):
#   unshare -n sh -c 'ip link set lo up && exec sh One2One.LoadTest/two-nodes.sh setup --pairs 4 --runs 5'
set -eu

redis_port=6391
media_port=8891
node_ports="5101 5102"
pids=""
cleanup() {
    for pid in $pids; do kill "$pid" 2>/dev/null || true; done
    wait 2>/dev/null || true
}
trap cleanup EXIT INT TERM

wait_for() {
    tries=0
    until curl -fsS "$1" >/dev/null 2>&1; do
        tries=$((tries + 1))
        if [ "$tries" -gt 120 ]; then echo "$1 did not answer within 60 s" >&2; exit 1; fi
        sleep 0.5
    done
}

redis-server --port "$redis_port" --save "" --appendonly no --loglevel warning >/dev/null &
pids="$! $pids"

export ASPNETCORE_ENVIRONMENT=Production
dotnet One2One.MediaServer/bin/Release/net10.0/One2One.MediaServer.dll \
    --urls "http://127.0.0.1:$media_port" --Logging:LogLevel:Default=Warning &
pids="$! $pids"
wait_for "http://127.0.0.1:$media_port/healthz"

hubs=""
first_node=""
for port in $node_ports; do
    dotnet One2One.Server/bin/Release/net10.0/One2One.Server.dll --contentRoot "$PWD/One2One.Server" \
        --urls "http://127.0.0.1:$port" --Logging:LogLevel:Default=Warning \
        --Cluster:Redis="127.0.0.1:$redis_port" --Cluster:ClusterId="load-$$" \
        --Kurento:Uri="ws://127.0.0.1:$media_port/kurento" \
        --Limits:RegistrationsPerAddress=100000 --Limits:RegisterPerAddressPerMinute=100000 \
        --Limits:CallAttemptsPerConnectionPerMinute=100000 --Limits:CallAttemptsPerAddressPerMinute=100000 \
        --Limits:CandidatesPerConnectionPerMinute=100000 --Limits:CandidatesPerAddressPerMinute=1000000 \
        --Limits:RingsPerPairPerMinute=100000 --Limits:RingAgainAfterUnanswered=00:00:00 --Limits:CallsPerAddress=100000 --Limits:ConnectionsPerAddress=100000 --Limits:ConnectionAttemptsPerAddressPerMinute=1000000 \
        --Presence:Enabled=false &
    pids="$! $pids"
    first_node=${first_node:-$!}
    hubs="$hubs --hub http://127.0.0.1:$port/one2one"
done
for port in $node_ports; do wait_for "http://127.0.0.1:$port/readyz"; done

# shellcheck disable=SC2086 # $hubs is a list of options
dotnet run -c Release --no-build --project One2One.LoadTest -- "$@" $hubs --server-pid "$first_node"
