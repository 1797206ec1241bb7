# sweep.gp — each variant's uplift and incremental profit against a parameter.
#
# Top: extra repeat buyers (percentage points of customers), bottom: incremental
# profit, both with the simulation's 95% interval as a band, one colour per
# variant, against the first varied parameter (xname; any other varied
# parameter at its first value). Data: one block per variant but the baseline:
# variant, value, uplift, low, high, incremental profit, low, high.

n_blocks = n_variants - 1
set grid xtics ytics
set key outside right top vertical Left reverse samplen 2.5
set xlabel xname

do for [fmt in formats] {
    eval term(fmt, 1400, 1000)
    set output name . '.' . fmt
    set multiplot layout 2, 1 title scenario . ': ' . label_sweep_over . ' ' . xname
    set ylabel label_extra_repeat_points
    plot for [b = 0:n_blocks - 1] data index b using 2:4:5 with filledcurves \
             fillcolor rgb vcolour(b + 2) fillstyle transparent solid 0.2 noborder notitle, \
         for [b = 0:n_blocks - 1] data index b using 2:3 with linespoints pointtype 7 \
             linewidth 2 linecolor rgb vcolour(b + 2) title variant_name[b + 2]
    set ylabel label_incremental_profit
    plot for [b = 0:n_blocks - 1] data index b using 2:7:8 with filledcurves \
             fillcolor rgb vcolour(b + 2) fillstyle transparent solid 0.2 noborder notitle, \
         for [b = 0:n_blocks - 1] data index b using 2:6 with linespoints pointtype 7 \
             linewidth 2 linecolor rgb vcolour(b + 2) title variant_name[b + 2], \
         0 with lines dashtype 2 linecolor rgb '#303030' notitle
    unset multiplot
    unset output
}
