# uplift.gp — the uplift in the run's headline metric with its 95% interval.
#
# One row per variant (the baseline is the zero line), one point per persona
# and one for all customers, with the 95% interval as an error bar. The
# interval is the simulation's precision, not the uncertainty of the
# assumptions. Data: variant, group, difference, low, high (percentage
# points), the verdict in words. `metric` names what is counted: repeat
# buyers, or buyers in a journey where nobody can buy twice.

step = 0.8 / n_groups
y(v, g) = -(v - 1) - (g - (n_groups + 1) / 2.0) * step
height = 200 + (n_variants - 1) * (40 + 26 * n_groups)
height = height < 480 ? 480 : height > 2400 ? 2400 : height

set ytics () scale 0
do for [v = 2:n_variants] {
    set ytics add (tic(variant_label[v]) -(v - 1))
}
set yrange [-(n_variants - 1) - 0.6 : -0.4]
set grid noytics xtics
set xlabel label_uplift_x
# gnuplot sizes the key by an average letter; wider letters (Cyrillic) in
# long names get a tenth more room.
set key outside right top vertical reverse Left samplen 2.5 width (group_width / 10)
set arrow 1 from first 0, graph 0 to first 0, graph 1 nohead linecolor rgb '#303030' dashtype 2
set offsets graph 0.1, graph 0.25, 0, 0
set title scenario . ': ' . label_uplift_title

do for [fmt in formats] {
    eval term(fmt, 1400, height)
    set output name . '.' . fmt
    plot for [g = 1:n_groups] data using ($2 == g ? $3 : NaN):(y($1, $2)):4:5 \
             with xerrorbars pointtype 7 pointsize (g == n_groups ? 1.6 : 1.1) \
             linewidth (g == n_groups ? 2.5 : 1.5) linecolor rgb gcolour(g) title group_name[g], \
         data using ($2 == n_groups ? $5 : NaN):(y($1, $2)):(sprintf(' %+.2f [%+.2f; %+.2f] %s', $3, $4, $5, strcol(6))) \
             with labels left font ',11' textcolor rgb '#000000' notitle
    unset output
}
