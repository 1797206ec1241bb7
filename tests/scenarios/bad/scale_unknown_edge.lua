-- The intervention scales an edge the journey does not have.
stage "visit" { entry = true }
stage "buy" { purchase = true, value = 10 }
stage "usage" { }
transition("visit", "buy", 0.1)
transition("buy", "usage", 1)

intervention "reminder" { scale = { ["usage->buy"] = 1.5 } }
