#!/usr/bin/env bash
# Parameter sets compile only what their values change. In sweep and psa a
# probability function is called again only when something it can reach
# has another value (a local, a table's field, a helper function, a field
# of a library table, a persona's attribute); every point's figures are
# still those of a plain run with its values, and the bytes do not depend
# on the threads. tests/scenarios/compile_reuse.lua prints a line whenever
# one of its functions is called.
source "$(dirname "$0")/lib.sh"

cd "$WORK" || exit 1
S="$SCENARIOS/compile_reuse.lua"

calls() { # calls FILE NAME: how many times function NAME was called
    grep -c "^called: $2\$" "$1"
}

"$CJMSIM" run "$S" --out single --quiet 2>run.err
is "$?" 0 "a plain run"
for f in direct in_table helper library size fixed; do
    eval "once_$f=$(calls run.err $f)"
done
ok "$([ "$once_fixed" -gt 1 ] && [ "$once_direct" -ge 1 ]; echo $?)" \
    "one compile calls every function (fixed: $once_fixed times, a function of the day)"

# A sweep of 4 points over `direct` (its default 0.04 among them): the
# command line's compile and the three points at other values call the
# function that reads it; the others run once. (One thread: the lines of
# print from two threads could mix.)
"$CJMSIM" sweep "$S" --vary direct=0.02,0.04,0.06,0.08 --out sw --quiet --threads 1 2>sweep.err
is "$?" 0 "sweep over direct"
is "$(calls sweep.err direct)" "$((4 * once_direct))" \
    "the function reading direct is called for the command line's values and every other value"
same=0
for f in in_table helper library size fixed; do
    [ "$(calls sweep.err $f)" = "$(eval echo \$once_$f)" ] || same=1
done
ok "$same" "the functions that do not read direct are called as often as in one run"

# Every point of a sweep over each parameter against a plain run at its
# value: buyers, repeat buyers, purchases and revenue of the baseline.
# The second value differs from the default, and the figures must follow.
figures_run() { # figures_run DIR
    json "$1/summary.json" \
        "' '.join(str(round(d['variants'][0][k])) for k in ('customers','buyers','repeat_buyers','purchases','revenue'))"
}
figures_sweep() { # figures_sweep CSV VALUE
    grep "^$2,baseline,all," "$1" | cut -d, -f4-8 | tr , ' ' |
        python3 -c "import sys; print(' '.join(str(round(float(x))) for x in sys.stdin.read().split()))"
}
for p in direct:0.04:0.09 in_table:0.03:0.07 helper:0.02:0.05 library:0.05:0.01 size:2:4; do
    IFS=: read -r name def other <<<"$p"
    "$CJMSIM" sweep "$S" --vary "$name=$def,$other" --out "sw_$name" --quiet --threads 2 2>/dev/null
    is "$?" 0 "sweep over $name"
    "$CJMSIM" run "$S" --set "$name=$other" --out "run_$name" --quiet 2>/dev/null
    got=$(figures_sweep "sw_$name/sweep.csv" "$other")
    want=$(figures_run "run_$name")
    is "$got" "$want" "$name = $other: the sweep's point is a plain run with --set $name=$other"
    at_default=$(figures_sweep "sw_$name/sweep.csv" "$def")
    is "$at_default" "$(figures_run single)" "$name = $def: the sweep's point is the plain run"
    ok "$([ "$got" != "$at_default" ]; echo $?)" "$name changes the figures ($at_default -> $got)"
done

# psa draws every parameter: all functions but the one of the day run for
# each set; the bytes do not depend on the threads.
"$CJMSIM" psa "$S" --draws 12 --out psa1 --quiet --threads 1 2>psa1.err
is "$?" 0 "psa, one thread"
"$CJMSIM" psa "$S" --draws 12 --out psa2 --quiet --threads 2 2>psa2.err
is "$?" 0 "psa, two threads"
same=0
for f in psa.csv psa.json tornado.csv; do cmp -s "psa1/$f" "psa2/$f" || same=1; done
ok "$same" "psa.csv, psa.json and tornado.csv: the same bytes with 1 and 2 threads"
# The command line's compile, 12 draws (every parameter drawn) and the
# tornado's two ends of each of the 5 parameters, where only that one
# differs. `size` is a persona's attribute, which every function sees; and
# every function here calls print, a global, so it reaches the library
# table math and its field reuse_rate (`library`): the ends of those two
# call every function. `fixed` reads nothing else; `direct` runs at its own
# ends too.
is "$(calls psa1.err fixed)" "$(((1 + 12 + 2 + 2) * once_fixed))" \
    "the function of the day runs for the draws and where size or the library table differ"
is "$(calls psa1.err direct)" "$(((1 + 12 + 2 + 2 + 2) * once_direct))" \
    "direct's function runs there and at direct's own ends"

done_testing() { echo "1..$_tap_n"; [ "$_tap_failed" -eq 0 ]; }
done_testing
