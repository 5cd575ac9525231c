# Shared helpers of the bench scripts: median, median_ms, maximum, and run (N timed runs of one command).
# Needs: N (runs), TIME (GNU time), WORK (a scratch folder).

median() {
    printf '%s\n' "$@" | sort -g | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

# median_ms CMD...: the median wall time of $runs runs of CMD (output discarded), in ms
median_ms() {
    local times=()
    for _ in $(seq "$runs"); do
        local start end
        start=$(date +%s%N)
        "$@" >/dev/null 2>&1
        end=$(date +%s%N)
        times+=($(( (end - start) / 1000000 )))
    done
    median "${times[@]}"
}

maximum() {
    printf '%s\n' "$@" | sort -g | tail -n 1
}

# run LABEL CMD...: N timed runs; prints a table row with the median wall time and the peak RSS, and leaves
# the median in LAST_MEDIAN
run() {
    local label="$1"
    shift
    local times=() rss=()
    for i in $(seq "$N"); do
        echo "  $label: run $i/$N" >&2
        if ! "$TIME" -f '%e %M' -o "$WORK/time" "$@" > /dev/null 2> "$WORK/err"; then
            echo "failed: $*" >&2
            cat "$WORK/err" "$WORK/time" >&2
            exit 1
        fi
        read -r seconds kib < <(tail -n 1 "$WORK/time")
        times+=("$seconds")
        rss+=("$kib")
    done
    local t m
    t=$(median "${times[@]}")
    LAST_MEDIAN=$t
    m=$(maximum "${rss[@]}")
    printf '| %s | %s | %.0f |\n' "$label" "$t" "$(echo "$m / 1024" | bc -l)"
}

# GNU time, installed on first use.
ensure_time() {
    if [ ! -x "$TIME" ]; then
        echo "installing GNU time (apt-get install time)" >&2
        if [ "$(id -u)" -eq 0 ]; then apt-get install -y -q time >&2; else sudo apt-get install -y -q time >&2; fi
    fi
}

# require_jar: stops with a hint when $JAR has not been built
require_jar() {
    if [ ! -f "$JAR" ]; then
        echo "missing $JAR: build it first with 'mvn -q -B -o package -DskipTests'" >&2
        exit 1
    fi
}
