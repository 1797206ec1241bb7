# psa_acceptability.gp — the acceptability curve.
#
# For a value lambda of one extra repeat buyer (besides the profit it
# brings), the share of the draws in which each variant has the highest net
# benefit lambda × repeat buyers + profit. At lambda = 0 it is the chance of
# being the most profitable. Data: lambda, then one column per variant.

set grid xtics ytics
set key outside right top vertical Left reverse samplen 2.5
set xlabel label_value_of_repeat_buyer
set ylabel label_chance_best
set yrange [0:105]
set format y '%.0f%%'
set title scenario . ': ' . label_which_variant

do for [fmt in formats] {
    eval term(fmt, 1400, 900)
    set output name . '.' . fmt
    plot for [v = 1:n_variants] data using 1:(100 * column(v + 1)) with lines \
             linewidth 2.5 dashtype vdash(v) linecolor rgb vcolour(v) title variant_name[v]
    unset output
}
