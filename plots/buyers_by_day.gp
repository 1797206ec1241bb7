# buyers_by_day.gp — cumulative buyers and repeat buyers by day per variant.
#
# Left: customers with one purchase or more by each day; right: with two or
# more, the repeat buyers the scenario's question is usually about. Data: one
# row per day, per variant v the columns 2v (buyers, %) and 2v+1 (repeat
# buyers, %), shares of all customers.

key_rows = (n_variants + 1) / 2
height = 620 + 22 * key_rows

set xrange [0 : days]
set xlabel label_day
set ytics format '%g%%'
set yrange [0 : *]

do for [fmt in formats] {
    eval term(fmt, 1400, height)
    set output name . '.' . fmt
    set multiplot layout 1, 2 margins 0.07, 0.98, (22.0 * key_rows + 90) / height, 1 - 90.0 / height \
        spacing 0.08, 0 title scenario . ': ' . label_buyers_by_day font ',15'
    set title label_buyers
    set ylabel label_share_all
    # One key, under both panels.
    set key at screen 0.5, 0.015 center bottom vertical reverse Left maxrows key_rows samplen 2.5
    plot for [v = 1:n_variants] data using 1:(column(2 * v)) with lines \
        linewidth (v == 1 ? 3 : 2) dashtype vdash(v) linecolor rgb vcolour(v) title variant_name[v]
    set title label_repeat_buyers
    unset ylabel
    unset key
    plot for [v = 1:n_variants] data using 1:(column(2 * v + 1)) with lines \
        linewidth (v == 1 ? 3 : 2) dashtype vdash(v) linecolor rgb vcolour(v) title variant_name[v]
    unset multiplot
    unset output
}
