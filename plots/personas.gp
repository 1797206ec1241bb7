# personas.gp — the personas compared, per variant.
#
# Left: the share of each persona's customers who bought twice or more;
# right: profit per customer (margin on revenue less the interventions'
# cost). One group of bars per persona and one for all customers. Data: one
# row per group; per variant v the columns 2v (repeat buyers, %) and 2v+1
# (profit per customer).

bar = 0.8 / n_variants
x(g, v) = g + (v - (n_variants + 1) / 2.0) * bar
# Each panel is about 0.43 of the picture, n_groups + 0.2 groups wide: the
# picture widens until the names fit side by side under the groups, and
# where it may not, they slant by 25 degrees (dropping by sin 25 of their
# length; the first reaching left by cos 25 of it, less 0.6 of a group).
label_px = column_px * group_width + 14
width = 400 + n_groups * (120 + 30 * n_variants)
width = width < label_px * (n_groups + 0.2) / 0.43 ? label_px * (n_groups + 0.2) / 0.43 : width
width = width < 1200 ? 1200 : width > 2600 ? 2600 : int(width)
slant = width * 0.43 / (n_groups + 0.2) < label_px - 2
drop = slant ? int(0.42 * label_px) : 0
reach = slant ? 0.91 * label_px - 0.6 * width * 0.43 / (n_groups + 0.2) + 60 : 0
left = reach > 0.07 * width ? reach / width : 0.07
height = 660 + drop

set xtics () scale 0
if (slant) { set xtics rotate by 25 right }
do for [g = 1:n_groups] { set xtics add (tic(group_name[g]) g) }
set xrange [0.4 : n_groups + 0.6]

do for [fmt in formats] {
    eval term(fmt, width, height)
    set output name . '.' . fmt
    set multiplot layout 1, 2 margins left, 0.98, (132.0 + drop) / height, 1 - 86.0 / height spacing 0.09, 0 \
        title scenario . ': ' . label_personas font ',15' 
    set title label_repeat_buyers
    # One key under both panels.
    set key at screen 0.5, 0.02 center bottom vertical reverse Left maxrows (n_variants + 1) / 2 samplen 2.5
    set ytics format '%g%%'
    # Bars of a share start at 0, in every format: the right panel frees the
    # range for the next.
    set yrange [0 : *]
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
