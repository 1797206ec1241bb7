# personas.gp — the personas compared, per variant.
#
# Left: the share of each persona's customers who bought twice or more;
# right: profit per customer (margin on revenue less the interventions'
# cost). One group of bars per persona and one for all customers. Data: one
# row per group; per variant v the columns 2v (repeat buyers, %) and 2v+1
# (profit per customer).

bar = 0.8 / n_variants
x(g, v) = g + (v - (n_variants + 1) / 2.0) * bar
width = 400 + n_groups * (120 + 30 * n_variants)
width = width < 1200 ? 1200 : width > 2600 ? 2600 : width

set xtics () scale 0
do for [g = 1:n_groups] { set xtics add (tic(group_name[g]) g) }
set xrange [0.4 : n_groups + 0.6]
set yrange [0 : *]

do for [fmt in formats] {
    eval term(fmt, width, 660)
    set output name . '.' . fmt
    set multiplot layout 1, 2 margins 0.07, 0.98, 0.2, 0.87 spacing 0.09, 0 \
        title scenario . ': ' . label_personas font ',15' 
    set title label_repeat_buyers
    # One key under both panels.
    set key at screen 0.5, 0.02 center bottom vertical reverse Left maxrows (n_variants + 1) / 2 samplen 2.5
    set ytics format '%g%%'
    plot for [v = 1:n_variants] data using (x($1, v)):(column(2 * v)):(bar * 0.92) \
        with boxes linecolor rgb vcolour(v) title variant_name[v]
    set title label_profit_per_customer . (currency eq '' ? '' : ', ' . currency)
    unset key
    set ytics format '%g'
    set yrange [* : *]
    plot for [v = 1:n_variants] data using (x($1, v)):(column(2 * v + 1)):(bar * 0.92) \
        with boxes linecolor rgb vcolour(v) title variant_name[v]
    unset multiplot
    unset output
}
