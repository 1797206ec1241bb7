-- Scaling 0.6 by 2 in the intervention's variant gives 1.2.
stage "visit" { entry = true }
stage "buy" { purchase = true, value = 10 }
transition("visit", "buy", 0.6)
intervention "push" { scale = { ["visit->buy"] = 2 } }
