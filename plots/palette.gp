# palette.gp — the colours of cjmsim, one palette for the plots and for
# report.html: cjmsim copies this file into every plot's script ahead of
# style.gp, and the report reads the same three lines below for the page's
# legends, bars and borders, so that the page and the pictures agree.
#
# Keep the form of these lines: an array of 8 colours 0xRRGGBB each, and one
# colour; the report reads nothing else of this file.

# Variants, in the run's order; they stay apart for colour-blind readers
# (Okabe-Ito), and the baseline is always dark grey, so that "before" reads
# the same in every plot.
array variant_colour[8] = [0x505050, 0xE69F00, 0x0072B2, 0x009E73, 0xD55E00, 0xCC79A7, 0x56B4E9, 0xF0E442]
# Personas, in the scenario's order.
array persona_colour[8] = [0x4E79A7, 0xF28E2B, 0x59A14F, 0xE15759, 0xB07AA1, 0x76B7B2, 0x9C755F, 0xEDC948]
# "All customers", the group of every persona together.
all_customers_colour = 0x000000
