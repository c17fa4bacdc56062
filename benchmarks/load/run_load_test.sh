#!/usr/bin/env bash
# Load test: gunicorn (production settings) on PostgreSQL, synthetic data, locust caseworkers, all on 127.0.0.1.
#
#   bash benchmarks/load/run_load_test.sh [--size unit|region|national | --clients N] [--users 50]
#        [--duration 2m] [--workers 4] [--spawn-rate 5] [--think 3-10] [--output DIR] [--skip-data] [--demo]
#
# Without DATABASE_URL it runs itself inside scripts/with_postgres.sh (a throwaway PostgreSQL cluster);
# with DATABASE_URL set to a PostgreSQL database it uses that one (add --skip-data when it already holds
# the generated data). --demo fills the database with `manage.py seed_demo` instead of generate_data.
# Everything it starts (gunicorn, the memory sampler) is stopped on exit; locust stops after --duration.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cd "$root"

size=region clients="" users=50 duration=2m workers=4 spawn_rate=5 think=3-10 output="" skip_data=0 demo=0
args=("$@")
while [ $# -gt 0 ]; do
  case "$1" in
    --size) size=$2; shift 2 ;;
    --clients) clients=$2; size="$2-clients"; shift 2 ;;
    --users) users=$2; shift 2 ;;
    --duration) duration=$2; shift 2 ;;
    --workers) workers=$2; shift 2 ;;
    --spawn-rate) spawn_rate=$2; shift 2 ;;
    --think) think=$2; shift 2 ;;
    --output) output=$2; shift 2 ;;
    --skip-data) skip_data=1; shift ;;
    --demo) demo=1; shift ;;
    -h|--help) sed -n '2,11p' "${BASH_SOURCE[0]}"; exit 0 ;;
    *) echo "unknown option: $1" >&2; exit 2 ;;
  esac
done
output=${output:-benchmarks/load/results/$size}

# The load generator's own virtualenv: locust's dependencies (gevent, flask, ...) stay out of the app's .venv.
bench_venv=.venv-bench
if [ ! -f "$bench_venv/.installed" ] || [ benchmarks/load/requirements.txt -nt "$bench_venv/.installed" ]; then
  python3 -m venv "$bench_venv"
  "$bench_venv/bin/pip" install --quiet --disable-pip-version-check -r benchmarks/load/requirements.txt
  touch "$bench_venv/.installed"
fi

if [ -z "${DATABASE_URL:-}" ]; then
  exec bash scripts/with_postgres.sh bash "${BASH_SOURCE[0]}" "${args[@]}"
fi
case "$DATABASE_URL" in
  postgres://*|postgresql://*) ;;
  *) echo "The load test runs on PostgreSQL; DATABASE_URL is $DATABASE_URL" >&2; exit 2 ;;
esac

mkdir -p "$output"
output=$(cd "$output" && pwd)
work=$(mktemp -d /tmp/rattvag-load.XXXXXX)
gunicorn_pid="" sampler_pid=""
cleanup() {
  [ -n "$sampler_pid" ] && kill "$sampler_pid" 2>/dev/null && wait "$sampler_pid" 2>/dev/null || true
  if [ -n "$gunicorn_pid" ]; then
    kill "$gunicorn_pid" 2>/dev/null || true
    wait "$gunicorn_pid" 2>/dev/null || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT

# Production settings, as deployed behind a TLS-terminating proxy (see locustfile.py's docstring).
export RATTVAG_ENV=production
export DJANGO_SETTINGS_MODULE=config.settings.base
export ALLOWED_HOSTS=127.0.0.1
SECRET_KEY=$(python3 -c 'import secrets; print(secrets.token_urlsafe(50))')
export SECRET_KEY
export LOG_LEVEL=WARNING
# Kept statistics start empty (a run measures their first computation too), in this run's own directory.
export RATTVAG_FIGURE_CACHE_DIR="$work/figures"
py=.venv/bin/python

echo "== migrate"
$py manage.py migrate --no-input -v 0
if [ "$skip_data" = 0 ]; then
  if [ "$demo" = 0 ] && $py manage.py help generate_data >/dev/null 2>&1; then
    data_args=(--seed 1)
    if [ -n "$clients" ]; then data_args+=(--clients "$clients"); else data_args+=(--size "$size"); fi
    echo "== generate_data ${data_args[*]}"
    # generate_data refuses to run in production mode: it runs in development mode on the same database.
    RATTVAG_ENV=development /usr/bin/time -f "   generate_data: %e s, peak RSS %M KiB" \
      $py manage.py generate_data "${data_args[@]}"
  else
    demo=1 size=demo
    echo "== seed_demo (generate_data not available or --demo)"
    $py manage.py seed_demo >/dev/null
    $py manage.py seed_demo_outcomes >/dev/null
  fi
fi
echo "== collectstatic"
$py manage.py collectstatic --no-input -v 0
echo "== logins"
dump_args=(--count "$users" --output "$work/logins.json")
[ "$demo" = 1 ] && dump_args+=(--demo)
$py benchmarks/load/dump_logins.py "${dump_args[@]}"

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')
echo "== gunicorn: $workers workers on 127.0.0.1:$port"
.venv/bin/gunicorn config.wsgi:application --bind "127.0.0.1:$port" --workers "$workers" \
  --forwarded-allow-ips 127.0.0.1 --log-level warning --timeout 60 &
gunicorn_pid=$!
for _ in $(seq 1 100); do
  curl -fsS -o /dev/null -H "X-Forwarded-Proto: https" "http://127.0.0.1:$port/health" 2>/dev/null && break
  kill -0 "$gunicorn_pid" 2>/dev/null || { echo "gunicorn did not start" >&2; exit 1; }
  sleep 0.2
done
echo "== page weight as served (production static files: compressed, hashed names, caching)"
python3 benchmarks/load/page_weight.py --live "http://127.0.0.1:$port" | tee "$output/page-weight-live.md" || true

python3 benchmarks/load/rss_sampler.py --pid "$gunicorn_pid" --output "$work/rss.json" &
sampler_pid=$!

echo "== locust: $users users, spawn rate $spawn_rate/s, for $duration"
set +e
LOAD_LOGINS="$work/logins.json" LOAD_SAMPLES="$output/samples.json" LOAD_THINK_MIN=${think%-*} LOAD_THINK_MAX=${think#*-} \
  "$bench_venv/bin/locust" -f benchmarks/load/locustfile.py --host "http://127.0.0.1:$port" --headless \
  --users "$users" --spawn-rate "$spawn_rate" --run-time "$duration" --stop-timeout 30 \
  --only-summary --csv "$output/locust" --loglevel WARNING
locust_status=$?
set -e

kill "$sampler_pid" 2>/dev/null; wait "$sampler_pid" 2>/dev/null || true
sampler_pid=""

client_count=$($py manage.py shell -v 0 -c "from rattvag.clients.models import Client; print(Client.objects.count())" 2>/dev/null || echo "?")
pg_version=$(psql "$DATABASE_URL" -Atc "show server_version" 2>/dev/null || echo "?")
cpu=$(grep -m1 "model name" /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//')
python3 benchmarks/load/report.py --samples "$output/samples.json" --rss "$work/rss.json" \
  --output "$output/load-test.md" \
  --meta "data=$size ($client_count clients)" --meta "PostgreSQL=$pg_version" \
  --meta "server=gunicorn $workers sync workers, production settings" \
  --meta "load=$users caseworkers (spawn $spawn_rate/s), think time ${think%-*}–${think#*-} s, $duration" \
  --meta "machine=$(nproc) cores ($cpu), load generator on the same machine"
exit $locust_status
