# psa_scatter.gp — the plausible worlds of an uncertainty analysis.
#
# One dot per draw of the parameters and variant: the extra repeat buyers it
# brings (customers) across, its incremental profit up. Dots above the dashed
# line pay back. Data: one block per variant but the baseline: variant, extra
# repeat buyers, incremental profit.

n_blocks = n_variants - 1
set grid xtics ytics
set key outside right top vertical Left reverse samplen 2.5
set xlabel label_extra_repeat_customers
set ylabel label_incremental_profit
set title scenario . ': ' . label_every_draw

do for [fmt in formats] {
    eval term(fmt, 1400, 900)
    set output name . '.' . fmt
    plot for [b = 0:n_blocks - 1] data index b using 2:3 with points pointtype 7 \
             pointsize 0.6 linecolor rgb vcolour(b + 2) title variant_name[b + 2], \
         0 with lines dashtype 2 linecolor rgb '#303030' notitle
    unset output
}
