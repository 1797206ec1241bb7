-- The probability is missing.
stage "visit" { entry = true }
stage "buy" { purchase = true, value = 10 }
transition("visit", "buy")
