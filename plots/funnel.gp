# funnel.gp — the funnel per variant.
#
# One group of bars per stage, one bar per variant: the share of customers
# who ever reached the stage. Above each bar, the conversion into the stage
# from the stage most customers came from (from_stage[]), the number a
# commercial director watches. Data: one row per stage, per variant v the
# columns 2v (reached, %) and 2v+1 (conversion, %, -1 for the entry stage).

# A stage's slot is as wide as its bars, or as its name and "(from ...)"
# under them; where the picture would be too wide for that, the names slant.
label_px = column_px * (stage_width > from_width + 7 ? stage_width : from_width + 7) + 16
slot = 100 + 34 * n_variants
slot = slot < label_px ? label_px : slot
width = 240 + n_stages * slot
width = width < 1100 ? 1100 : width > 2600 ? 2600 : width
slant = (width - 240.0) / n_stages < label_px
# Slanted by 20 degrees, a name drops by sin 20 of its length and reaches
# left by cos 20 of it from its stage, the first one 0.6 slots from the axis.
drop = slant ? int(0.34 * label_px) : 0
left = slant ? 0.94 * label_px - 0.6 * (width - 240.0) / n_stages : 0
bar = 0.8 / n_variants
x(s, v) = s + (v - (n_variants + 1) / 2.0) * bar
conv(v) = column(2 * v + 1) >= 0 ? sprintf('%.0f%%', column(2 * v + 1)) : ''

set xtics () scale 0
if (slant) { set xtics rotate by 20 right }
if (left > 80) { set lmargin at screen (left + 20) / width }
do for [s = 1:n_stages] {
    set xtics add (tic(stage_name[s] . (from_stage[s] eq '' ? '' : "\n" . '(from ' . from_stage[s] . ')')) s - 1)
}
set xrange [-0.6 : n_stages - 0.4]
set yrange [0 : 112]
set ytics 0, 20, 100 format '%g%%'
set ylabel label_reached
# The key under the stages' names, two variants to a row.
key_rows = (n_variants + 1) / 2
height = 720 + 22 * key_rows + drop
set key at screen 0.5, 0.015 center bottom vertical reverse Left maxrows key_rows samplen 2.5
set bmargin at screen (22.0 * key_rows + 85 + drop) / height
set title scenario . ': ' . label_funnel

do for [fmt in formats] {
    eval term(fmt, width, height)
    set output name . '.' . fmt
    plot for [v = 1:n_variants] data using (x($1, v)):(column(2 * v)):(bar * 0.92) \
             with boxes linecolor rgb vcolour(v) title variant_name[v], \
         for [v = 1:n_variants] data using (x($1, v)):(column(2 * v)):(conv(v)) \
             with labels offset 0, 0.7 font (n_variants > 4 ? ',9' : ',10') \
             rotate by (n_variants > 4 ? 90 : 0) textcolor rgb '#303030' notitle
    unset output
}
