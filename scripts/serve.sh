#!/usr/bin/env bash
# Serve the platform with its background worker and scheduler; Ctrl-C stops all three.
set -euo pipefail
host=${1:-127.0.0.1}
port=${2:-8000}
bin=.venv/bin
mkdir -p var/log
$bin/python manage.py db_worker --interval 2 >>var/log/worker.log 2>&1 &
worker=$!
$bin/python manage.py run_schedules >>var/log/schedules.log 2>&1 &
scheduler=$!
trap 'kill $worker $scheduler 2>/dev/null || true' EXIT INT TERM
echo "后台任务进程 (worker) pid=$worker，计划任务进程 (scheduler) pid=$scheduler，日志在 var/log/"
echo "平台地址: http://$host:$port/"
$bin/python manage.py runserver "$host:$port" --noreload
