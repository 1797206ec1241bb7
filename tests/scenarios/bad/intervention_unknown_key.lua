-- A misspelled cost.
stage "visit" { entry = true }
stage "buy" { purchase = true, value = 10 }
transition("visit", "buy", 0.1)
intervention "notify" { at = "buy", mood = 1, cost_per_costumer = 0.05 }
