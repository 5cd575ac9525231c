#!/usr/bin/env bash
# `model-summary site --all`: every built-in model's page and chart, the groups' rankings and data.json, the
# root README and index.html, written into a fresh folder each run. Goal: under 15 s on 2 cores.
#
# Usage: bench/bench_site.sh                (build the jar first: mvn -q -B package -DskipTests)
# Env:   N=5                                runs (median wall time, peak RSS over the runs)
#        JOBS=                              --jobs for the runs (default: all cores)
#        JAR=target/model-summary.jar       the CLI jar
# Prints a Markdown table on stdout; progress goes to stderr.
set -euo pipefail
cd "$(dirname "$0")/.."

N="${N:-5}"
JAR="${JAR:-target/model-summary.jar}"
TIME=/usr/bin/time
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
source bench/lib.sh
ensure_time
require_jar

# The launcher's JVM flags, without its build check.
JAVA=(java -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -Xss4m -Djava.awt.headless=true -jar "$JAR")
JOBS_ARGS=()
if [ -n "${JOBS:-}" ]; then
    JOBS_ARGS=(--jobs "$JOBS")
fi
# model-summary site ARGS --out FRESH_DIR: each timed run writes a site of its own.
SITE="$WORK/site_into_fresh_dir"
cat > "$SITE" <<SH
#!/usr/bin/env bash
exec ${JAVA[*]} site "\$@" --out "\$(mktemp -d -p "$WORK")/docs"
SH
chmod +x "$SITE"

# One run outside the timing, to count what a site holds.
COUNT_DIR="$WORK/count"
"${JAVA[@]}" site --all --no-progress "${JOBS_ARGS[@]}" --out "$COUNT_DIR" > /dev/null
FILES=$(find "$COUNT_DIR" -type f | wc -l)
PAGES=$(find "$COUNT_DIR" -type f -name '*.md' -path '*/*/*' ! -name README.md | wc -l)
CHARTS=$(find "$COUNT_DIR" -type f -name '*.png' | wc -l)
BYTES=$(du -sb "$COUNT_DIR" | cut -f1)
rm -rf "$COUNT_DIR"

JAVA_VERSION=$(java -version 2>&1 | head -n 1)
echo "$(nproc) CPUs, $JAVA_VERSION; $N runs: median wall time, peak RSS over the runs."
echo "A site holds $FILES files ($PAGES pages, $CHARTS charts, rankings, data.json, README.md, index.html), $BYTES bytes."
echo
echo "| command | median wall time (s) | peak RSS (MiB) |"
echo "| --- | --- | --- |"
run "\`model-summary site --all --no-progress --out DIR\`${JOBS:+ --jobs $JOBS}" "$SITE" --all --no-progress "${JOBS_ARGS[@]}"
run "\`model-summary site --all --format html --no-progress --out DIR\`${JOBS:+ --jobs $JOBS}" "$SITE" --all --format html --no-progress "${JOBS_ARGS[@]}"
