# calibration.gp — the targets against the fitted model.
#
# For each target: the observed share (K of N) with its exact 95% interval
# (Clopper-Pearson) as a point with an error bar, and the share of the
# fitted model as a cross. A cross outside its bar is a target the model
# does not reproduce. Data: number, name, observed, low, high, fitted.

set grid ytics
set key outside right top vertical Left reverse samplen 2.5
set ylabel label_share_of_customers
set format y '%.1f%%'
set xrange [-0.6:*]
set offsets 0, 0.6, 0, 0
set xtics rotate by -30
set title scenario . ': ' . label_targets_and_fit

do for [fmt in formats] {
    eval term(fmt, 1400, 900)
    set output name . '.' . fmt
    plot data using 1:(100 * $3):(100 * $4):(100 * $5):xtic(2) with yerrorbars \
             pointtype 7 pointsize 1.5 linewidth 2 linecolor rgb '#0072B2' \
             title label_observed_interval, \
         data using 1:(100 * $6) with points pointtype 2 pointsize 2.5 linewidth 3 \
             linecolor rgb '#E69F00' title label_fitted_model
    unset output
}
