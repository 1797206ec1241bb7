-- A negative daily probability.
stage "visit" { entry = true }
stage "buy" { purchase = true, value = 10 }
stage "lost" { terminal = true }
transition("visit", "buy", 0.1)
transition("visit", "lost", -0.02)
