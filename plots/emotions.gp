# emotions.gp — the emotion curve: average mood on entering each stage.
#
# One panel per persona and one for all customers; stages across, mood
# (-3 ... +3) up; the baseline against each variant. This is the curve of a
# journey map, simulated: an intervention that lifts the mood at a stage
# shows as the curve rising there. Data: one row per stage; group g and
# variant v in column 2 + (g-1) n_variants + (v-1); '?' where nobody entered.

cols = n_groups <= 2 ? n_groups : n_groups <= 4 ? 2 : n_groups <= 9 ? 3 : 4
rows = (n_groups + cols - 1) / cols
col(g, v) = 2 + (g - 1) * n_variants + (v - 1)
width = 580 * cols + 100
key_rows = (n_variants + 1) / 2
key_h = 22 * key_rows
# Many personas make smaller panels rather than an endless picture.
panel_h = rows <= 3 ? 400 : 1200 / rows < 260 ? 260 : 1200 / rows
height = panel_h * rows + 140 + key_h

set xtics () scale 0 rotate by (n_stages > 5 ? 25 : 0) right
if (n_stages <= 5) { set xtics norotate center }
do for [s = 1:n_stages] { set xtics add (tic(stage_name[s]) s - 1) }
set xrange [-0.3 : n_stages - 0.7]
set yrange [-3.3 : 3.3]
set ytics -3, 1, 3 format '%+g'
set ytics add ('0' 0)
set arrow 1 from graph 0, first 0 to graph 1, first 0 nohead linecolor rgb '#909090'

do for [fmt in formats] {
    eval term(fmt, width, height)
    set output name . '.' . fmt
    # Room at the bottom for one key of the variants, at the left for the
    # first stage's slanted name.
    set multiplot layout rows, cols margins 0.09, 0.98, (key_h + 70.0) / height, 1 - 80.0 / height \
        spacing 0.08, 150.0 / height title scenario . ': ' . label_mood_on_entering font ',15' 
    do for [g = 1:n_groups] {
        set title group_name[g]
        if (g == 1) { set key at screen 0.5, 0.01 center bottom vertical reverse Left maxrows key_rows samplen 2.5 } else { unset key }
        plot for [v = 1:n_variants] data using 1:(column(col(g, v))) with linespoints \
            linewidth (v == 1 ? 3 : 2) dashtype vdash(v) pointtype 7 pointsize 0.9 \
            linecolor rgb vcolour(v) title variant_name[v]
    }
    unset multiplot
    unset output
}
