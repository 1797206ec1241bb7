-- The same edge twice.
stage "visit" { entry = true }
stage "buy" { purchase = true, value = 10 }
transition("visit", "buy", 0.1)
transition("visit", "buy", 0.2)
