#!/usr/bin/env bash
# Installs what building xuanke needs on a fresh Debian machine (JDK 17, Maven) when missing and,
# with --tests, what the test suite needs too (Chromium and its driver for the browser tests, npm
# for their accessibility engine, a CJK font); then makes Redis and MariaDB reachable
# (bin/services.sh). With --cluster: HAProxy, for bin/cluster (the tests need it too).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }
missing=()
command -v javac >/dev/null || missing+=(openjdk-17-jdk-headless)
command -v mvn >/dev/null || missing+=(maven)
if [ "${1:-}" = "--tests" ]; then
  # The pages' browser tests drive Debian's headless Chromium through its chromedriver.
  command -v chromium >/dev/null || missing+=(chromium)
  command -v chromedriver >/dev/null || missing+=(chromium-driver)
  # npm fetches axe-core, the accessibility engine those tests inject (bin/axe-core.sh).
  command -v npm >/dev/null || missing+=(npm)
  # A CJK font, so that screenshots of the (Chinese by default) pages show text, not boxes.
  fc-list :lang=zh 2>/dev/null | grep -q . || missing+=(fonts-wqy-microhei)
fi
if [ "${1:-}" = "--tests" ] || [ "${1:-}" = "--cluster" ]; then
  # The cluster tests and bin/cluster put HAProxy in front of several nodes.
  command -v haproxy >/dev/null || [ -x /usr/sbin/haproxy ] || missing+=(haproxy)
fi
if [ "${#missing[@]}" -gt 0 ]; then
  echo "prereqs: installing ${missing[*]}"
  as_root apt-get update -qq
  DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq "${missing[@]}" >/dev/null
fi
bash "$here/services.sh"
