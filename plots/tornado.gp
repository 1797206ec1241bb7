# tornado.gp — one-way sensitivity of the headline variant's incremental profit.
#
# One bar per parameter, widest swing on top: from the incremental profit with
# the parameter at its low to that at its high, the others at their defaults.
# Data: rank, profit at low, profit at high, name, low value, high value.

set grid xtics
set key outside right top vertical Left reverse samplen 2.5
set xlabel label_incremental_profit_of . ' ' . headline_variant . ' ' . label_low_to_high
set yrange [*:*] reverse
set offsets 0, 0, 0.5, 0.5
set style fill solid 0.8 noborder
set title scenario . ': ' . label_tornado

do for [fmt in formats] {
    eval term(fmt, 1400, 700)
    set output name . '.' . fmt
    plot data using (($2 + $3) / 2):1:(($2 < $3 ? $2 : $3)):(($2 < $3 ? $3 : $2)):($1 - 0.35):($1 + 0.35):ytic(stringcolumn(4)) \
             with boxxyerror fillcolor rgb '#0072B2' notitle, \
         data using ($2 <= $3 ? $2 : NaN):1:5 with labels right offset -0.5, 0 notitle, \
         data using ($2 > $3 ? $2 : NaN):1:5 with labels left offset 0.5, 0 notitle, \
         data using ($3 >= $2 ? $3 : NaN):1:6 with labels left offset 0.5, 0 notitle, \
         data using ($3 < $2 ? $3 : NaN):1:6 with labels right offset -0.5, 0 notitle
    unset output
}
