-- Shares whose exact quotas end in .5 for every multiple of 10 customers:
-- customers × 0.35 and customers × 0.65 tie, and the tie goes to "early".
scenario { name = "Shares tie" }
persona "early" { share = 0.35 }
persona "late"  { share = 0.65 }
stage "visit" { entry = true }
stage "buy"   { purchase = true, value = 10 }
transition("visit", "buy", 0.1)
