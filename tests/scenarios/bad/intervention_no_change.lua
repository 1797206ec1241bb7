-- An intervention with a cost and nothing else.
stage "visit" { entry = true }
stage "buy" { purchase = true, value = 10 }
transition("visit", "buy", 0.1)
intervention "notify" { cost_per_customer = 0.05 }
