-- Plain numbers whose sum is above 1: 0.7 + 0.4.
stage "visit" { entry = true }
stage "buy" { purchase = true, value = 10 }
stage "lost" { terminal = true }
transition("visit", "buy", 0.7)
transition("visit", "lost", 0.4)
