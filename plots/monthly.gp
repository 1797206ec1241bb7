# monthly.gp — revenue and new repeat buyers per 30-day month, per variant.
#
# Left: the revenue of each month (month 1 is days 0-30, month m days
# 30(m-1)+1 ... 30m; the last month ends with the run and may be shorter);
# right: the customers whose second purchase fell in the month. Drawn in
# calendar time, when customers arrive day by day. Data: one row per month,
# per variant v the columns 2v (revenue) and 2v+1 (repeat buyers).

key_rows = (n_variants + 1) / 2
height = 620 + 22 * key_rows
months = days <= 30 ? 1 : (days + 29) / 30

set xrange [0.5 : months + 0.5]
set xtics 1
set xlabel label_month
set yrange [0 : *]
set grid ytics

do for [fmt in formats] {
    eval term(fmt, 1400, height)
    set output name . '.' . fmt
    set multiplot layout 1, 2 margins 0.08, 0.98, (22.0 * key_rows + 90) / height, 1 - 90.0 / height \
        spacing 0.08, 0 title scenario . ': ' . label_month_by_month font ',15'
    set title label_revenue . (currency eq '' ? '' : ', ' . currency)
    set key at screen 0.5, 0.015 center bottom vertical reverse Left maxrows key_rows samplen 2.5
    plot for [v = 1:n_variants] data using 1:(column(2 * v)) with linespoints \
        linewidth (v == 1 ? 3 : 2) dashtype vdash(v) linecolor rgb vcolour(v) pointtype 7 title variant_name[v]
    set title label_new_repeat_buyers
    unset key
    plot for [v = 1:n_variants] data using 1:(column(2 * v + 1)) with linespoints \
        linewidth (v == 1 ? 3 : 2) dashtype vdash(v) linecolor rgb vcolour(v) pointtype 7 title variant_name[v]
    unset multiplot
    unset output
}
