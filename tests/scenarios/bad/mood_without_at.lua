-- A mood change with no stage where it happens.
stage "visit" { entry = true }
stage "buy" { purchase = true, value = 10 }
transition("visit", "buy", 0.1)
intervention "notify" { mood = 1, cost_per_customer = 0.05 }
