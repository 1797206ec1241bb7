# style.gp — the look shared by every cjmsim plot.
#
# cjmsim copies palette.gp, this file, then the plot's own template, after
# the variables of a run (scenario, stage_name[], variant_name[],
# group_name[], data, name ...) into each results/<run>/plots/NAME.gp. Change
# the look here (the colours in palette.gp); the templates say what is drawn.
# The words of titles and axes come as label_* variables in the reader's
# language (cjmsim --lang); a template holds no English text of its own.

# Every picture is drawn as SVG (sharp at any size, for print, slides and
# the report), and as PNG too when the run asked for it (cjmsim --png): the
# `formats` of the run, set above. A script without one draws SVG.
if (!exists("formats")) formats = 'svg'
font = 'DejaVu Sans'
# term(fmt, w, h): the terminal command for one format, run with eval. No
# text of a scenario is ever part of it. pngcairo sets a font's points at
# 96 pixels an inch and svg at 72: fontscale 4/3 gives the SVG the text of
# the PNG, the size column_px below is measured at.
term(fmt, w, h) = fmt eq 'png' \
    ? sprintf("set terminal pngcairo noenhanced size %d,%d font '%s,13' linewidth 1.3", w, h, font) \
    : sprintf("set terminal svg noenhanced size %d,%d dynamic font '%s,13' fontscale 4.0/3 linewidth 1.3", w, h, font)

# tic(s): a name as a tic label. gnuplot reads a tic label as a format (a
# stage named '10% off' would print as '101ff'), so every name on an axis
# goes through tic(), which doubles each '%'. Titles and keys are not formats.
tic(s) = strstrt(s, '%') == 0 ? s : s[1:strstrt(s, '%')] . '%' . tic(s[strstrt(s, '%') + 1:])

# Pixels a column of text takes at that size (Cyrillic letters are the
# widest; a CJK character is two columns). cjmsim gives the widest names in
# columns (stage_width, from_width, variant_width, group_width), so the
# templates make room for the labels whatever the script.
column_px = 10.5

# The colours are palette.gp's (variant_colour, persona_colour,
# all_customers_colour), which the report reads too.
vcolour(v) = variant_colour[(v - 1) % 8 + 1]
# The baseline is dashed where lines cross, so it stays visible under a variant.
vdash(v) = v == 1 ? 2 : 1
# Personas get their own set; "all customers" (the last group) its own colour.
gcolour(g) = g == n_groups ? all_customers_colour : persona_colour[(g - 1) % 8 + 1]

set datafile missing '?'
set border 3 linecolor rgb '#606060'
set tics nomirror textcolor rgb '#303030'
set grid ytics linecolor rgb '#dddddd' linetype 1
set key noenhanced textcolor rgb '#303030'
set title noenhanced font ',15'
set style fill solid 0.9 border -1

# An exact run (cjmsim run --exact) draws expected values, not counts of
# simulated customers: every plot says so in its corner.
if (exists('method') && method eq 'exact') {
    set label 99 label_exact at screen 0.995, 0.012 \
        right font ',10' textcolor rgb '#606060' front
}
