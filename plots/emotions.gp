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
# The stage names stand side by side under a panel when they fit, else
# they slant by 25 degrees: each then drops by sin 25 of its length, and the
# first reaches left by cos 25 of it, less its 0.3 stage from the axis.
label_px = column_px * stage_width + 12
slant = n_stages > 5 || label_px > 480.0 / n_stages
drop = slant ? int(0.42 * label_px) : 0
reach = slant ? 0.91 * label_px - 0.3 * 480.0 / (n_stages - 0.4) : 0
left_px = reach + 20 > 0.09 * (580 * cols + 100) ? reach + 20 : 0
width = 580 * cols + 100 + left_px
key_rows = (n_variants + 1) / 2
key_h = 22 * key_rows
# Many personas make smaller panels rather than an endless picture.
panel_h = rows <= 3 ? 400 : 1200 / rows < 260 ? 260 : 1200 / rows
height = (panel_h + drop) * rows + 140 + key_h

set xtics () scale 0 rotate by (slant ? 25 : 0) right
if (!slant) { set xtics norotate center }
do for [s = 1:n_stages] { set xtics add (tic(stage_name[s]) s - 1) }
set xrange [-0.3 : n_stages - 0.7]
set yrange [-3.3 : 3.3]
set ytics -3, 1, 3 format '%+g'
set ytics add ('0' 0)
set arrow 1 from graph 0, first 0 to graph 1, first 0 nohead linecolor rgb '#909090'

do for [fmt in formats] {
    eval term(fmt, width, height)
    set output name . '.' . fmt
    # Room at the bottom for one key of the variants and the last row's
    # names, between the rows for the names, at the left for the first
    # stage's slanted name.
    set multiplot layout rows, cols \
        margins (left_px > 0 ? left_px / width : 0.09), 0.98, (key_h + 70.0 + drop) / height, 1 - 80.0 / height \
        spacing 0.08, (150.0 + drop) / height title scenario . ': ' . label_mood_on_entering font ',15' 
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
